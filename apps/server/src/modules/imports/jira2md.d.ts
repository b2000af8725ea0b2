/** Types of jira2md 3.0.1 (the package ships none): Jira wiki markup ⇄ Markdown. */
declare module 'jira2md' {
  const j2m: {
    /** Jira wiki markup → Markdown. */
    to_markdown(text: string): string;
    /** Markdown → Jira wiki markup. */
    to_jira(text: string): string;
  };
  export default j2m;
}
