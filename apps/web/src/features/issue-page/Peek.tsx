/**
 * Peek (Space): a side panel previewing the focused issue without leaving the list — title,
 * properties, description and the latest comments. It follows the focus, so J/K in the list move
 * through issues while peeking; Space or Esc closes it, Enter (the list's own key) opens the issue.
 */
import { Link } from '@tanstack/react-router';
import { observable, runInAction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect } from 'react';
import type { Command } from '../../commands/registry.ts';
import { useCommands } from '../../commands/useCommands.ts';
import { currentHref, paths } from '../../navigation.ts';
import { store as appStore, useStore } from '../../store/context.tsx';
import { loadFullIssue } from '../../store/listItems.ts';
import type { RootStore } from '../../store/root.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { timeAgo } from '../activity/describe.ts';
import { formatDue } from '../pickers/dates.ts';
import { LabelDot, labelName } from '../pickers/options.tsx';
import { rememberListOrder } from './neighbors.ts';
import { RichText } from './RichText.tsx';

// From the start (this module loads with the app shell, the issue page lazily): J/K on the issue
// page move through the last list shown.
rememberListOrder(appStore);

/** Whether the peek panel is open. */
export const peekState = observable({ open: false });

const setOpen = (open: boolean) => runInAction(() => (peekState.open = open));

/** The Space command (registered with the app's commands). */
export function peekCommands(store: RootStore): Command[] {
  return [
    {
      id: 'issue.peek',
      title: 'Peek at issue',
      group: 'Issue',
      keys: ['space'],
      keywords: ['preview'],
      isEnabled: () => !!store.ui.focusedIssueId && !currentHref().includes('/issue/'),
      run: () => setOpen(!peekState.open),
    },
  ];
}

/** The panel (rendered by the app shell; shows nothing while closed). */
export const Peek = observer(function Peek() {
  const store = useStore();
  const issue = peekState.open ? store.issue(store.ui.focusedIssueId) : undefined;
  const onIssuePage = currentHref().includes('/issue/');
  useEffect(() => {
    if (peekState.open && (onIssuePage || !store.ui.focusedIssueId)) setOpen(false);
  });
  const issueId = issue?.id;
  useEffect(() => {
    if (issueId) void store.details.loadIssue(issueId);
  }, [issueId, store]);
  // A row from a list lacks the description (lists carry list columns only): load the issue.
  const descriptionUnknown = !!issue && issue.description === undefined;
  useEffect(() => {
    if (descriptionUnknown && issueId) void loadFullIssue(store.issues, issueId);
  }, [descriptionUnknown, issueId, store]);
  if (!issue || onIssuePage) return null;
  return <PeekPanel issueId={issue.id} />;
});

const PeekPanel = observer(function PeekPanel({ issueId }: { issueId: string }) {
  const store = useStore();
  useCommands(
    () => [{ id: 'peek.close', title: 'Close peek', group: 'Issue', keys: ['escape'], palette: false, run: () => setOpen(false) }],
    [],
  );
  const issue = store.issues.get(issueId);
  if (!issue) return null;
  const state = store.states.get(issue.stateId);
  const assignee = store.users.get(issue.assigneeId);
  const labels = issue.labelIds.map((id) => store.labels.get(id)).filter((l) => !!l);
  const ws = store.workspace?.urlSlug ?? '';
  const comments = store.details.comments.by(issue.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 3);
  return (
    <aside
      aria-label={`Peek: ${issue.identifier}`}
      data-testid="peek"
      className="fixed top-2 right-2 bottom-2 z-40 flex w-[min(560px,calc(100vw-16px))] flex-col overflow-hidden rounded-lg border border-line bg-elevated shadow-overlay"
    >
      <header className="flex h-11 shrink-0 items-center gap-2 border-b border-line px-4 text-sm">
        <span className="font-medium text-muted">{issue.identifier}</span>
        <span className="flex-1" />
        <Link to={paths.issue(ws, issue.identifier) as '/'} className="flex items-center gap-1.5 rounded-md px-2 py-1 text-muted hover:bg-hover hover:text-fg">
          Open <Kbd keys={['enter']} />
        </Link>
        <button type="button" aria-label="Close peek" onClick={() => setOpen(false)} className="flex h-7 items-center gap-1.5 rounded-md px-2 text-muted hover:bg-hover hover:text-fg">
          <Kbd keys={['space']} />
        </button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">
        <h2 className="text-xl font-semibold">{issue.title}</h2>
        <div className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-muted">
          {state && (
            <span className="flex items-center gap-1.5">
              <StateIcon category={state.category} color={state.color} /> {state.name}
            </span>
          )}
          <span className="flex items-center gap-1.5">
            <PriorityIcon priority={issue.priority} /> {PRIORITY_LABELS[issue.priority]}
          </span>
          <span className="flex items-center gap-1.5">
            <Avatar name={assignee ? assignee.name || assignee.email : null} size={16} /> {assignee ? assignee.name || assignee.email : 'Unassigned'}
          </span>
          {issue.estimate !== null && <span>{issue.estimate} pts</span>}
          {issue.dueDate && <span>Due {formatDue(issue.dueDate)}</span>}
          {labels.map((l) => (
            <span key={l.id} className="flex items-center gap-1">
              <LabelDot color={l.color} /> {labelName(store, l)}
            </span>
          ))}
        </div>
        <div className="mt-5">
          {issue.description ? (
            <RichText html={issue.description} />
          ) : (
            <p className="text-faint">{issue.description === undefined ? 'Loading description…' : 'No description.'}</p>
          )}
        </div>
        {comments.length > 0 && (
          <section className="mt-6 border-t border-line pt-4">
            <h3 className="mb-2 text-sm font-medium text-muted">Latest comments</h3>
            <ul className="flex flex-col gap-3">
              {comments.map((c) => {
                const who = store.users.get(c.userId);
                return (
                  <li key={c.id} className="text-sm">
                    <div className="mb-0.5 flex items-center gap-2">
                      <Avatar name={who ? who.name || who.email : 'Deleted user'} size={16} />
                      <span className="font-medium">{who ? who.name || who.email : 'Deleted user'}</span>
                      <span className="text-faint">{timeAgo(c.createdAt)}</span>
                    </div>
                    <RichText html={c.body} className="prose-compact pl-6" />
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </div>
    </aside>
  );
});
