/**
 * The issue page: breadcrumb and actions (previous/next, subscribe, copy), editable title,
 * rich-text description (lazy TipTap), reactions, sub-issues, the activity feed with comments, and
 * the properties sidebar (below the title on narrow screens). The open issue holds the keyboard
 * focus, so S, P, A, I, L, E, Shift+D, the copy keys and ⌘/Ctrl+Z act on it; J/K go to the next or
 * previous issue of the list the user came from; Esc returns to that list.
 */
import { Link, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { deleteIssue, setIssueArchived } from '../../api/details.ts';
import { getIssue } from '../../api/endpoints.ts';
import { loadFullIssue } from '../../store/listItems.ts';
import type { Issue } from '../../api/types.ts';
import { useCommands } from '../../commands/useCommands.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { Menu } from '../../ui/Menu.tsx';
import { Activity } from '../activity/Activity.tsx';
import { Reactions } from '../comments/Reactions.tsx';
import { branchName, copyText } from '../pickers/copy.ts';
import { NotFound } from '../shell/Root.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import { lastListHref, neighbors } from './neighbors.ts';
import { Properties } from './Properties.tsx';
import { RichText } from './RichText.tsx';
import { SubIssues } from './SubIssues.tsx';

const DescriptionEditor = lazy(() => import('./DescriptionEditor.tsx'));

/** Whether a media query matches, following changes (the sidebar moves under the title on narrow screens). */
function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setMatches(m.matches);
    m.addEventListener('change', on);
    on();
    return () => m.removeEventListener('change', on);
  }, [query]);
  return matches;
}

/** `/$workspace/issue/$identifier`. */
export const IssuePage = observer(function IssuePage() {
  const store = useStore();
  const { identifier = '' } = useParams({ strict: false }) as { identifier?: string };
  const issue = store.issue(identifier);
  const [missing, setMissing] = useState<string | null>(null);

  // Loaded from the server when the store lacks it: opened by link, or archived (sync leaves
  // archived issues out of the local copy, so archiving the open issue drops it from the store).
  const absent = !issue;
  useEffect(() => {
    setMissing(null);
    if (!absent) return;
    let live = true;
    getIssue(identifier).then(
      (i) => live && store.issues.upsert(i),
      (err) => live && setMissing(err instanceof ApiError && err.status === 404 ? 'not-found' : (err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [identifier, store, absent]);

  // A row from a list lacks the description (lists carry list columns only): load the issue.
  const descriptionUnknown = !!issue && issue.description === undefined;
  const issueId = issue?.id;
  useEffect(() => {
    if (descriptionUnknown && issueId) void loadFullIssue(store.issues, issueId);
  }, [descriptionUnknown, issueId, store]);

  const wide = useMediaQuery('(min-width: 1024px)');
  useEffect(() => {
    if (!issueId) return;
    store.ui.focusIssue(issueId);
    void store.details.loadIssue(issueId);
  }, [issueId, store]);

  // Edits (here, elsewhere, or by others through sync) write history on the server: follow them.
  const updatedAt = issue?.updatedAt;
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!issueId || !updatedAt) return;
    if (seen.current && seen.current !== updatedAt) void store.details.refreshHistory(issueId);
    seen.current = updatedAt;
  }, [issueId, updatedAt, store]);

  const shownIdentifier = issue?.identifier;
  const shownTitle = issue?.title;
  useEffect(() => {
    if (shownIdentifier !== undefined) document.title = `${shownIdentifier} ${shownTitle} · exponential`;
  }, [shownIdentifier, shownTitle]);

  useCommands(() => {
    const cur = () => store.issue(identifier);
    const step = (d: 1 | -1) => () => {
      const i = cur();
      if (!i || !store.workspace) return;
      const n = neighbors(store, i);
      const to = d > 0 ? n.next : n.prev;
      if (to) go(paths.issue(store.workspace.urlSlug, to.identifier));
    };
    return [
      {
        id: 'issue.back',
        title: 'Back to the list',
        group: 'Navigation',
        keys: ['escape'],
        palette: false,
        run: () => {
          const i = cur();
          const t = i && store.teams.get(i.teamId);
          const back = lastListHref(store);
          if (back) go(back);
          else if (t && store.workspace) go(paths.team(store.workspace.urlSlug, t.key, 'all'));
        },
      },
      { id: 'issue.next', title: 'Next issue', group: 'Issue', keys: ['j'], palette: false, isEnabled: () => !!cur(), run: step(1) },
      { id: 'issue.prev', title: 'Previous issue', group: 'Issue', keys: ['k'], palette: false, isEnabled: () => !!cur(), run: step(-1) },
    ];
  }, [store, identifier]);

  if (missing === 'not-found') return <NotFound />;
  if (missing) return <p className="m-auto text-danger">{missing}</p>;
  const team = issue ? store.teams.get(issue.teamId) : undefined;
  if (!issue || !team || !store.workspace) return <div className="flex-1" aria-busy="true" />;

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="issue-page">
      <IssueHeader issue={issue} />
      <div className="flex min-h-0 flex-1 flex-col overflow-y-auto max-md:pb-20 lg:flex-row lg:overflow-hidden">
        <article className="min-w-0 flex-1 lg:overflow-y-auto">
          <div className="mx-auto max-w-[820px] px-5 py-8 sm:px-10 lg:px-12 lg:py-10">
            {issue.archivedAt && (
              <p role="status" className="mb-4 rounded-md border border-line bg-subtle px-3 py-2 text-sm text-muted" data-testid="archived-banner">
                This issue is archived: it is left out of lists and views. Restore it from the ⋯ menu.
              </p>
            )}
            <TitleEditor issue={issue} />
            {!wide && (
              <div className="-mx-5 mt-3 sm:-mx-10">
                <Properties issue={issue} />
              </div>
            )}
            <div className="mt-3" data-testid="issue-description">
              {issue.description === undefined ? (
                <div className="prose-issue text-faint" aria-busy="true">Loading description…</div>
              ) : (
                <Suspense fallback={issue.description ? <RichText html={issue.description} /> : <div className="prose-issue text-faint">Add description…</div>}>
                  <DescriptionEditor
                    key={issue.id}
                    html={issue.description}
                    onSave={(description) => void store.issueActions.update(issue.id, { description })}
                  />
                </Suspense>
              )}
            </div>
            <div className="mt-4">
              <Reactions reactions={store.details.issueReactions.get(issue.id) ?? []} target={{ issueId: issue.id }} />
            </div>
            <SubIssues issue={issue} />
            <Activity issue={issue} />
          </div>
        </article>
        {wide && <Properties issue={issue} />}
      </div>
    </div>
  );
});

const IssueHeader = observer(function IssueHeader({ issue }: { issue: Issue }) {
  const store = useStore();
  const team = store.teams.get(issue.teamId)!;
  const ws = store.workspace!.urlSlug;
  const parent = issue.parentId ? store.issue(issue.parentId) : undefined;
  const sub = store.details.subscriptions.get(issue.id);
  const nav = neighbors(store, issue);
  const url = () => `${window.location.origin}${paths.issue(ws, issue.identifier)}`;
  const archive = async (archived: boolean) => {
    try {
      store.issues.upsert(await setIssueArchived(issue.id, archived));
      store.ui.toast(archived ? `Archived ${issue.identifier}` : `Restored ${issue.identifier}`);
    } catch (err) {
      store.ui.toast(err instanceof Error ? err.message : String(err), 'error');
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete ${issue.identifier} “${issue.title}”? Its comments and history go with it. This cannot be undone.`)) return;
    try {
      await deleteIssue(issue.id);
      store.issues.remove(issue.id);
      store.ui.toast(`Deleted ${issue.identifier}`);
      go(lastListHref(store) ?? paths.team(ws, team.key, 'all'));
    } catch (err) {
      store.ui.toast(err instanceof Error ? err.message : String(err), 'error');
    }
  };
  const copy = (what: string, text: string) =>
    void copyText(text).then((ok) => store.ui.toast(ok ? `Copied ${what}: ${text}` : 'Copying needs clipboard permission', ok ? 'info' : 'error'));
  return (
    <header className="flex h-12 shrink-0 items-center gap-2 border-b border-line px-3 text-base sm:px-5">
      <TeamBadge team={team} size={16} />
      <Link to={paths.team(ws, team.key, 'all') as '/'} className="hidden text-muted hover:text-fg sm:inline">
        {team.name}
      </Link>
      <span className="hidden text-faint sm:inline">›</span>
      {parent && (
        <>
          <Link to={paths.issue(ws, parent.identifier) as '/'} className="max-w-[180px] truncate text-muted hover:text-fg" title={parent.title}>
            {parent.identifier}
          </Link>
          <span className="text-faint">›</span>
        </>
      )}
      <span className="font-medium" data-testid="issue-identifier">
        {issue.identifier}
      </span>
      <span className="flex-1" />
      {nav.total > 1 && nav.index >= 0 && (
        <span className="hidden items-center gap-1 text-sm text-muted md:flex" data-testid="issue-position">
          {nav.index + 1} / {nav.total}
          <button
            type="button"
            aria-label="Previous issue (K)"
            title="Previous issue (K)"
            disabled={!nav.prev}
            onClick={() => nav.prev && go(paths.issue(ws, nav.prev.identifier))}
            className="ml-1 flex h-6 w-6 items-center justify-center rounded hover:bg-hover disabled:opacity-40"
          >
            ↑
          </button>
          <button
            type="button"
            aria-label="Next issue (J)"
            title="Next issue (J)"
            disabled={!nav.next}
            onClick={() => nav.next && go(paths.issue(ws, nav.next.identifier))}
            className="flex h-6 w-6 items-center justify-center rounded hover:bg-hover disabled:opacity-40"
          >
            ↓
          </button>
        </span>
      )}
      <button
        type="button"
        aria-pressed={!!sub?.subscribed}
        onClick={() => void store.details.setSubscribed(issue.id, !sub?.subscribed)}
        data-testid="subscribe"
        title="Subscribe to changes and comments (Shift+S)"
        className={`flex h-7 items-center gap-1.5 rounded-md border px-2 text-sm ${sub?.subscribed ? 'border-accent bg-accent-soft text-fg' : 'border-line text-muted hover:bg-hover hover:text-fg'}`}
      >
        {sub?.subscribed ? 'Subscribed' : 'Subscribe'}
        {sub && sub.subscriberCount > 0 && <span className="text-faint">{sub.subscriberCount}</span>}
      </button>
      <Menu
        label="Issue actions"
        align="right"
        width="w-72"
        items={[
          { id: 'id', label: 'Copy issue ID', hint: <Kbd keys={['mod+.']} />, onSelect: () => copy('ID', issue.identifier) },
          { id: 'branch', label: 'Copy git branch name', hint: <Kbd keys={['mod+shift+.']} />, onSelect: () => copy('branch name', branchName(issue.identifier, issue.title)) },
          { id: 'url', label: 'Copy issue URL', hint: <Kbd keys={['mod+shift+,']} />, onSelect: () => copy('URL', url()) },
          { id: 'sep', separator: true },
          { id: 'sub', label: 'Create sub-issue', onSelect: () => store.ui.openCreateIssue({ teamId: issue.teamId, parentId: issue.id }) },
          { id: 'parent', label: 'Set parent issue…', hint: <Kbd keys={['mod+shift+p']} />, onSelect: () => store.ui.openPicker('parent', [issue.id]) },
          { id: 'sep2', separator: true },
          { id: 'archive', label: issue.archivedAt ? 'Restore from archive' : 'Archive issue', onSelect: () => void archive(!issue.archivedAt) },
          { id: 'delete', label: <span className="text-danger">Delete issue…</span>, onSelect: () => void remove() },
        ]}
        trigger={(p) => (
          <button type="button" {...p} aria-label="Issue actions" className="flex h-7 w-7 items-center justify-center rounded-md text-muted hover:bg-hover hover:text-fg">
            ⋯
          </button>
        )}
      />
    </header>
  );
});

const TitleEditor = observer(function TitleEditor({ issue }: { issue: Issue }) {
  const store = useStore();
  const [draft, setDraft] = useState(issue.title);
  const canceled = useRef(false);
  useEffect(() => setDraft(issue.title), [issue.title]);
  const save = () => {
    if (canceled.current) {
      canceled.current = false;
      setDraft(issue.title);
      return;
    }
    const t = draft.trim();
    if (!t) setDraft(issue.title);
    else if (t !== issue.title) void store.issueActions.update(issue.id, { title: t });
  };
  return (
    <textarea
      aria-label="Issue title"
      rows={1}
      value={draft}
      maxLength={255}
      onChange={(e) => setDraft(e.target.value.replace(/\n/g, ' '))}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === 'Escape') {
          e.preventDefault();
          // Esc drops the edit; Enter keeps it. Either way the field lets go of the keyboard.
          canceled.current = e.key === 'Escape';
          e.currentTarget.blur();
        }
      }}
      className="field-sizing-content w-full resize-none bg-transparent text-2xl font-semibold outline-none"
    />
  );
});
