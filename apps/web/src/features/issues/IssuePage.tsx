/**
 * The issue page: breadcrumb, editable title, rich-text description (lazy TipTap) and a sidebar of
 * properties. S, P, A and I act on this issue (it holds the focus); Esc returns to the team list.
 */
import { Link, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { getIssue } from '../../api/endpoints.ts';
import type { Issue } from '../../api/types.ts';
import { useCommands } from '../../commands/useCommands.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import type { PickerKind } from '../../store/ui.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { NotFound } from '../shell/Root.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';

const DescriptionEditor = lazy(() => import('./DescriptionEditor.tsx'));

const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' });

/** `/$workspace/issue/$identifier`. */
export const IssuePage = observer(function IssuePage() {
  const store = useStore();
  const { identifier = '' } = useParams({ strict: false }) as { identifier?: string };
  const issue = store.issue(identifier);
  const [missing, setMissing] = useState<string | null>(null);

  useEffect(() => {
    setMissing(null);
    if (store.issue(identifier)) return;
    let live = true;
    getIssue(identifier).then(
      (i) => live && store.issues.upsert(i),
      (err) => live && setMissing(err instanceof ApiError && err.status === 404 ? 'not-found' : (err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [identifier, store]);

  const issueId = issue?.id;
  useEffect(() => {
    if (issueId) store.ui.focusIssue(issueId);
  }, [issueId, store]);
  useEffect(() => {
    if (issue) document.title = `${issue.identifier} ${issue.title} · exponential`;
  }, [issue?.identifier, issue?.title]); // eslint-disable-line react-hooks/exhaustive-deps

  const team = issue ? store.teams.get(issue.teamId) : undefined;
  useCommands(
    () => [
      {
        id: 'issue.back',
        title: 'Back to the list',
        group: 'Navigation',
        keys: ['escape'],
        palette: false,
        run: () => {
          const i = store.issue(identifier);
          const t = i && store.teams.get(i.teamId);
          if (t && store.workspace) go(paths.team(store.workspace.urlSlug, t.key, 'all'));
        },
      },
    ],
    [store, identifier],
  );

  if (missing === 'not-found') return <NotFound />;
  if (missing) return <p className="m-auto text-danger">{missing}</p>;
  if (!issue || !team || !store.workspace) return <div className="flex-1" aria-busy="true" />;

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="issue-page">
      <header className="flex h-12 shrink-0 items-center gap-2 border-b border-line px-5 text-base">
        <TeamBadge team={team} size={16} />
        <Link to={paths.team(store.workspace.urlSlug, team.key, 'all') as '/'} className="text-muted hover:text-fg">
          {team.name}
        </Link>
        <span className="text-faint">›</span>
        <span className="font-medium" data-testid="issue-identifier">
          {issue.identifier}
        </span>
      </header>
      <div className="flex min-h-0 flex-1">
        <article className="min-w-0 flex-1 overflow-y-auto">
          <div className="mx-auto max-w-[820px] px-12 py-10">
            <TitleEditor issue={issue} />
            <div className="mt-4">
              <Suspense fallback={<DescriptionPreview html={issue.description} />}>
                <DescriptionEditor
                  key={issue.id}
                  html={issue.description}
                  onSave={(description) => void store.issueActions.update(issue.id, { description })}
                />
              </Suspense>
            </div>
            <div className="mt-10 border-t border-line pt-4 text-sm text-muted">
              <span className="font-medium text-fg">Activity</span>
              <p className="mt-2">
                {store.users.get(issue.creatorId)?.name || 'Someone'} created the issue · {dateTime.format(new Date(issue.createdAt))}
              </p>
            </div>
          </div>
        </article>
        <Properties issue={issue} />
      </div>
    </div>
  );
});

function DescriptionPreview({ html }: { html: string | null }) {
  // The server sanitizes every description (sanitize-html allowlist) before storing it.
  if (!html) return <div className="prose-issue text-faint">Add description…</div>;
  return <div className="prose-issue" dangerouslySetInnerHTML={{ __html: html }} />;
}

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

const Properties = observer(function Properties({ issue }: { issue: Issue }) {
  const store = useStore();
  const state = store.states.get(issue.stateId);
  const assignee = store.users.get(issue.assigneeId);
  const open = (kind: PickerKind) => () => store.ui.openPicker(kind, [issue.id]);
  return (
    <aside className="w-[272px] shrink-0 overflow-y-auto border-l border-line bg-sidebar px-4 py-4" aria-label="Properties">
      <h2 className="mb-2 px-2 text-sm font-medium text-faint">Properties</h2>
      <Property label="Status" keys={['s']} onClick={open('state')} testId="prop-status">
        {state && <StateIcon category={state.category} color={state.color} />}
        <span className="truncate">{state?.name ?? '—'}</span>
      </Property>
      <Property label="Priority" keys={['p']} onClick={open('priority')} testId="prop-priority">
        <PriorityIcon priority={issue.priority} />
        <span className="truncate">{PRIORITY_LABELS[issue.priority]}</span>
      </Property>
      <Property label="Assignee" keys={['a']} onClick={open('assignee')} testId="prop-assignee">
        <Avatar name={assignee ? assignee.name || assignee.email : null} size={18} />
        <span className="truncate">{assignee ? assignee.name || assignee.email : 'Unassigned'}</span>
      </Property>
      <div className="mt-6 space-y-1.5 border-t border-line px-2 pt-4 text-sm text-muted">
        <div className="flex justify-between gap-2">
          <span>Created</span>
          <span className="text-fg">{dateTime.format(new Date(issue.createdAt))}</span>
        </div>
        <div className="flex justify-between gap-2">
          <span>Updated</span>
          <span className="text-fg">{dateTime.format(new Date(issue.updatedAt))}</span>
        </div>
      </div>
    </aside>
  );
});

function Property(props: { label: string; keys: string[]; onClick: () => void; children: React.ReactNode; testId: string }) {
  return (
    <div className="flex items-center gap-2">
      <span className="w-[72px] shrink-0 px-2 text-sm text-muted">{props.label}</span>
      <button
        type="button"
        onClick={props.onClick}
        data-testid={props.testId}
        title={`${props.label} (${props.keys.join(' ').toUpperCase()})`}
        className="group flex h-8 min-w-0 flex-1 items-center gap-2 rounded-md px-2 text-left hover:bg-hover"
      >
        {props.children}
        <span className="flex-1" />
        <span className="hidden shrink-0 group-hover:inline-flex">
          <Kbd keys={props.keys} />
        </span>
      </button>
    </div>
  );
}
