/** The list screens: a team's issues (All / Active / Backlog) and My issues across teams. */
import { Link, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useEffect } from 'react';
import type { Team } from '../../api/types.ts';
import { paths, type TeamView } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button } from '../../ui/Button.tsx';
import { NavIcon, PlusIcon } from '../../ui/icons.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { NotFound } from '../shell/Root.tsx';
import { TeamBadge } from '../shell/Sidebar.tsx';
import { groupByCategory, groupByState, isTeamView, VIEW_TITLES } from './grouping.ts';
import { IssueList } from './IssueList.tsx';

/** The top bar of a list screen. */
function Header({ children, onCreate }: { children: React.ReactNode; onCreate: () => void }) {
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-line px-5">
      {children}
      <span className="flex-1" />
      <Button size="sm" variant="ghost" onClick={onCreate} title="Create issue (C)" className="text-muted">
        <PlusIcon size={12} /> New issue
      </Button>
    </header>
  );
}

/** Shown when a view has no issues. */
function EmptyState({ loading, onCreate, text }: { loading: boolean; onCreate: () => void; text: string }) {
  if (loading) return <div className="flex-1" aria-busy="true" />;
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 pb-20 text-center" data-testid="empty-state">
      <div className="rounded-xl border border-line bg-subtle p-3 text-muted">
        <NavIcon name="issues" />
      </div>
      <div className="text-lg font-medium">No issues here</div>
      <p className="max-w-xs text-muted">{text}</p>
      <Button variant="primary" onClick={onCreate}>
        Create issue <Kbd keys={['c']} className="ml-1 opacity-80" />
      </Button>
    </div>
  );
}

function ViewTabs({ team, view, ws }: { team: Team; view: TeamView; ws: string }) {
  return (
    <nav className="flex items-center gap-1" aria-label="Views">
      {(['all', 'active', 'backlog'] as const).map((v) => (
        <Link
          key={v}
          to={paths.team(ws, team.key, v) as '/'}
          className={`rounded-md border px-2.5 py-0.5 text-sm ${
            v === view ? 'border-line-strong bg-selected font-medium text-fg' : 'border-line text-muted hover:bg-hover hover:text-fg'
          }`}
        >
          {VIEW_TITLES[v]}
        </Link>
      ))}
    </nav>
  );
}

/** `/$workspace/team/$teamKey/$view`. */
export const TeamIssues = observer(function TeamIssues() {
  const store = useStore();
  const { teamKey, view } = useParams({ strict: false }) as { teamKey?: string; view?: string };
  const team = store.team(teamKey);
  const teamId = team?.id;
  useEffect(() => {
    if (teamId) void store.loadTeamIssues(teamId);
  }, [teamId, store]);
  useEffect(() => {
    if (team) document.title = `${team.name} › ${isTeamView(view) ? VIEW_TITLES[view] : ''} · exponential`;
  }, [team, view]);

  if (!team || !isTeamView(view) || !store.workspace) return <NotFound />;
  const groups = groupByState(store.statesOf(team.id), store.issues.by(team.id), view);
  const create = () => store.ui.openCreateIssue({ teamId: team.id });
  const loading = store.teamIssuesLoad.get(team.id) !== 'loaded';
  return (
    <>
      <Header onCreate={create}>
        <TeamBadge team={team} size={18} />
        <h1 className="font-medium">{team.name}</h1>
        <ViewTabs team={team} view={view} ws={store.workspace.urlSlug} />
      </Header>
      {groups.length ? (
        <IssueList groups={groups} onCreateInGroup={(g) => store.ui.openCreateIssue({ teamId: team.id, stateId: g.stateId })} />
      ) : (
        <EmptyState
          loading={loading && store.issues.by(team.id).length === 0}
          onCreate={create}
          text={view === 'all' ? `${team.name} has no issues yet. Press C to create the first one.` : `No ${VIEW_TITLES[view].toLowerCase()} issues in ${team.name}.`}
        />
      )}
    </>
  );
});

/** `/$workspace/my-issues`: issues assigned to the user in every team. */
export const MyIssues = observer(function MyIssues() {
  const store = useStore();
  const teams = store.sortedTeams();
  const teamIds = teams.map((t) => t.id).join();
  useEffect(() => {
    for (const id of teamIds.split(',').filter(Boolean)) void store.loadTeamIssues(id);
  }, [teamIds, store]);
  useEffect(() => {
    document.title = 'My issues · exponential';
  }, []);
  const me = store.userId;
  const mine = store.issues.all().filter((i) => i.assigneeId === me);
  const groups = groupByCategory(mine, (id) => store.states.get(id));
  const loading = teams.some((t) => store.teamIssuesLoad.get(t.id) !== 'loaded');
  const create = () => store.ui.openCreateIssue({ assigneeId: me });
  return (
    <>
      <Header onCreate={create}>
        <NavIcon name="my" />
        <h1 className="font-medium">My issues</h1>
      </Header>
      {groups.length ? (
        <IssueList groups={groups} />
      ) : (
        <EmptyState loading={loading && mine.length === 0} onCreate={create} text="Issues assigned to you appear here. Press I on an issue to take it." />
      )}
    </>
  );
});
