/**
 * The routed issue screens: a team's issues (All / Active / Backlog, and Triage when the team has
 * triage on) and My issues. Both are the
 * same {@link IssuesScreen} over a different scope; filters and display options come from the URL.
 */
import type { FilterCondition, FilterNode, ViewDisplay } from '@exponential/domain';
import { Link, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Issue, StateCategory, Team } from '../../../api/types.ts';
import { go, paths, rememberLastTeam, type TeamView } from '../../../navigation.ts';
import { useStore } from '../../../store/context.tsx';
import { LIST_DEFAULT_DISPLAY } from '../../../store/filters.ts';
import { NavIcon } from '../../../ui/icons.tsx';
import { Kbd } from '../../../ui/Kbd.tsx';
import { NotFound } from '../../shell/Root.tsx';
import { TeamBadge } from '../../shell/Sidebar.tsx';
import { SaveViewDialog, type SaveViewRequest } from '../../views/SaveViewDialog.tsx';
import { viewPath } from '../../views/SidebarViews.tsx';
import { IssuesScreen } from './IssuesScreen.tsx';
import type { ListScope } from './model.ts';

/** Titles of the team views. */
export const TEAM_VIEW_TITLES: Record<TeamView, string> = { all: 'All issues', active: 'Active', backlog: 'Backlog', triage: 'Triage' };

/** Categories each team view shows (Linear: Active = unstarted + started; Backlog = backlog). */
const TEAM_VIEW_CATEGORIES: Record<TeamView, ReadonlySet<StateCategory> | undefined> = {
  all: undefined,
  active: new Set(['unstarted', 'started']),
  backlog: new Set(['backlog']),
  triage: new Set(['triage']),
};

/** The same narrowing as a filter condition (what a view saved from the screen keeps). */
const TEAM_VIEW_FILTER: Record<TeamView, FilterCondition | null> = {
  all: null,
  active: { field: 'stateCategory', op: 'isAnyOf', value: ['unstarted', 'started'] },
  backlog: { field: 'stateCategory', op: 'is', value: 'backlog' },
  triage: { field: 'stateCategory', op: 'is', value: 'triage' },
};
const MY_ISSUES_FILTER: FilterCondition = { field: 'assignee', op: 'is', value: 'me' };

const isTeamView = (v: string | undefined): v is TeamView => v === 'all' || v === 'active' || v === 'backlog' || v === 'triage';

/** The triage keys, shown in the Triage view's header. */
function TriageHint() {
  return (
    <span className="ml-2 hidden items-center gap-3 text-sm text-faint lg:flex" data-testid="triage-hint">
      <span className="flex items-center gap-1">
        <Kbd keys={['1']} /> Accept
      </span>
      <span className="flex items-center gap-1">
        <Kbd keys={['2']} /> Duplicate
      </span>
      <span className="flex items-center gap-1">
        <Kbd keys={['3']} /> Decline
      </span>
    </span>
  );
}

function ViewTabs({ team, view, ws }: { team: Team; view: TeamView; ws: string }) {
  return (
    // On a phone the tabs scroll sideways; their right edge fades out so a cut tab reads as "more".
    <nav
      className="flex min-w-0 items-center gap-1 overflow-x-auto [scrollbar-width:none] max-sm:[mask-image:linear-gradient(to_right,#000_calc(100%-20px),transparent)] max-sm:pr-4"
      aria-label="Team views"
    >
      {([...(team.triageEnabled || view === 'triage' ? (['triage'] as const) : []), 'all', 'active', 'backlog'] as const).map((v) => (
        <Link
          key={v}
          to={paths.team(ws, team.key, v) as '/'}
          className={`shrink-0 whitespace-nowrap rounded-md border px-2 py-0.5 text-sm sm:px-2.5 ${v === view ? 'border-line-strong bg-selected font-medium text-fg' : 'border-line text-muted hover:bg-hover hover:text-fg'}`}
        >
          {TEAM_VIEW_TITLES[v]}
        </Link>
      ))}
    </nav>
  );
}

/**
 * The filter a saved view needs to show what the screen shows: the screen's own narrowing (a
 * team view's categories, My issues' assignee) joined with the user's filter.
 */
export function withScope(scope: FilterCondition | null, filter: FilterNode | undefined): FilterNode | undefined {
  if (!scope) return filter;
  if (!filter) return { and: [scope] };
  if ('and' in filter) return { and: [scope, ...filter.and] };
  return { and: [scope, filter] };
}

/** State of the save-view dialog of a screen. */
function useSaveView(teamId: string | null, scope: FilterCondition | null) {
  const store = useStore();
  const [request, setRequest] = useState<SaveViewRequest | null>(null);
  const open = useCallback((filter: FilterNode | undefined, display: ViewDisplay) => setRequest({ filter: withScope(scope, filter), display, teamId }), [teamId, scope]);
  const dialog = request && (
    <SaveViewDialog request={request} onClose={() => setRequest(null)} onSaved={(v) => store.workspace && go(viewPath(store.workspace.urlSlug, v.id))} />
  );
  return { open, dialog };
}

/** `/$workspace/team/$teamKey/$view`. */
export const TeamIssuesScreen = observer(function TeamIssuesScreen() {
  const store = useStore();
  const { teamKey, view } = useParams({ strict: false }) as { teamKey?: string; view?: string };
  const team = store.team(teamKey);
  const teamId = team?.id;
  const save = useSaveView(teamId ?? null, isTeamView(view) ? TEAM_VIEW_FILTER[view] : null);
  useEffect(() => {
    if (team) document.title = `${team.name} › ${isTeamView(view) ? TEAM_VIEW_TITLES[view] : ''} · exponential`;
  }, [team, view]);
  const workspaceId = store.workspace?.id;
  useEffect(() => {
    if (team && workspaceId) rememberLastTeam(workspaceId, team.key);
  }, [team, workspaceId]);
  const scope = useMemo<ListScope | null>(
    () => (teamId && isTeamView(view) ? { key: `team:${teamId}`, teamId, pick: (i: Issue) => i.teamId === teamId, categories: TEAM_VIEW_CATEGORIES[view] } : null),
    [teamId, view],
  );
  if (!team || !scope || !isTeamView(view) || !store.workspace) return <NotFound />;
  return (
    <>
      <IssuesScreen
        heading={
          <>
            <TeamBadge team={team} size={18} />
            <h1 className="sr-only truncate font-medium sm:not-sr-only">{team.name}</h1>
            <ViewTabs team={team} view={view} ws={store.workspace.urlSlug} />
            {view === 'triage' && <TriageHint />}
          </>
        }
        scope={scope}
        baseDisplay={LIST_DEFAULT_DISPLAY}
        // New issues from the Triage view start in triage (elsewhere, in the team's default state).
        createDefaults={{ teamId: team.id, ...(view === 'triage' ? { stateId: store.statesOf(team.id).find((st) => st.category === 'triage')?.id } : {}) }}
        emptyText={
          view === 'all'
            ? `${team.name} has no issues yet. Press C to create the first one.`
            : view === 'triage'
              ? `Triage is clear: nothing in ${team.name} waits for a decision.`
              : `No ${TEAM_VIEW_TITLES[view].toLowerCase()} issues in ${team.name}.`
        }
        onSaveView={save.open}
      />
      {save.dialog}
    </>
  );
});

/** `/$workspace/my-issues`: issues assigned to the user in every team. */
export const MyIssuesScreen = observer(function MyIssuesScreen() {
  const store = useStore();
  const me = store.userId;
  const save = useSaveView(null, MY_ISSUES_FILTER);
  useEffect(() => {
    document.title = 'My issues · exponential';
  }, []);
  const scope = useMemo<ListScope>(() => ({ key: `my:${me}`, pick: (i: Issue) => i.assigneeId === me }), [me]);
  return (
    <>
      <IssuesScreen
        heading={
          <>
            <NavIcon name="my" />
            <h1 className="truncate font-medium">My issues</h1>
          </>
        }
        scope={scope}
        baseDisplay={LIST_DEFAULT_DISPLAY}
        createDefaults={{ assigneeId: me }}
        emptyText="Issues assigned to you appear here. Press I on an issue to take it."
        onSaveView={save.open}
      />
      {save.dialog}
    </>
  );
});
