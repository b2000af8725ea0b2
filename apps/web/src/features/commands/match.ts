/**
 * How the command palette matches a command against the query: by the words of its own label
 * (title and keywords), never by scattered letters. Every query word must start a word of the
 * label ("dup" finds "Mark as duplicate of…", "login page" finds nothing there).
 */

/** Lower-cased words of `s` (letters and digits; punctuation and ellipses split). */
function words(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * Score of a command for `query`: 0 when some query word starts no word of `labels`; otherwise
 * in (0, 1], higher when the title itself starts with the query.
 * @param labels the command's title first, then its keywords
 */
export function commandScore(query: string, labels: readonly string[]): number {
  const q = words(query);
  if (!q.length) return 1;
  const hay = labels.flatMap(words);
  if (!q.every((w) => hay.some((h) => h.startsWith(w)))) return 0;
  const title = (labels[0] ?? '').toLowerCase();
  if (title.startsWith(query.trim().toLowerCase())) return 1;
  const titleWords = words(labels[0] ?? '');
  return q.every((w) => titleWords.some((h) => h.startsWith(w))) ? 0.8 : 0.5;
}
