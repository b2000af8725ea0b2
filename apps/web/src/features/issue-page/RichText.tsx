/**
 * Read-only rich text (a comment, a description preview): the server's sanitized HTML with issue
 * references turned into in-app links. Clicks on those links navigate without a page load.
 */
import { observer } from 'mobx-react-lite';
import { useMemo } from 'react';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { linkifyIssueRefs } from './issueRefs.ts';
import './rich-text.css';

/** Upper-case keys of the workspace's teams (for issue references). */
export function useTeamKeys(): ReadonlySet<string> {
  const store = useStore();
  const list = store.teams.all().map((t) => t.key);
  const joined = list.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the joined keys are the identity
  return useMemo(() => new Set(list), [joined]);
}

/** Renders sanitized HTML. */
export const RichText = observer(function RichText({ html, className = '', testId }: { html: string; className?: string; testId?: string }) {
  const store = useStore();
  const keys = useTeamKeys();
  const ws = store.workspace?.urlSlug ?? '';
  const out = useMemo(() => linkifyIssueRefs(html, keys, (id) => paths.issue(ws, id)), [html, keys, ws]);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: one delegated handler for the issue links inside; the links are the controls (focusable, and Enter on a link fires this same click)
    // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard activation of a link already arrives as a click event, so a key handler would handle it twice
    <div
      className={`prose-issue ${className}`}
      data-testid={testId}
      onClick={(e) => {
        const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[data-issue-ref]');
        if (!a || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        go(a.getAttribute('href') ?? '/');
      }}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitizes every rich-text write (lib/sanitize.ts allowlist); only in-app links are added here
      dangerouslySetInnerHTML={{ __html: out }}
    />
  );
});
