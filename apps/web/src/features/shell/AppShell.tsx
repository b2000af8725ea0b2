/**
 * The signed-in app inside one workspace: sidebar, the current screen, and the workspace-wide
 * overlays (command palette, `?` help, create-issue modal, property pickers). Entering a workspace
 * (URL `/$workspace/…`) loads its teams and workflow states into the store.
 */
import { Link, Outlet, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useEffect } from 'react';
import { registry } from '../../commands/registry.ts';
import { useCommands } from '../../commands/useCommands.ts';
import { go, lastTeam, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { appCommands, destinationCommands } from '../commands/appCommands.ts';
import { CommandPalette } from '../commands/CommandPalette.tsx';
import { HelpSheet } from '../commands/HelpSheet.tsx';
import { CreateIssueModal } from '../create/CreateIssueModal.tsx';
import { Peek, peekCommands } from '../issue-page/Peek.tsx';
import { issueCommands } from '../pickers/issueCommands.ts';
import { IssuePicker } from '../pickers/IssuePicker.tsx';
import { triageCommands } from '../triage/triage.ts';
import { ConnectionBanner } from '../sync/ConnectionBanner.tsx';
import { NarrowNav } from './NarrowNav.tsx';
import { Splash, useRequireSession } from './Root.tsx';
import { Sidebar } from './Sidebar.tsx';

/** Layout of `/$workspace/*`. */
export const AppShell = observer(function AppShell() {
  const store = useStore();
  const signedIn = useRequireSession();
  const { workspace: slug } = useParams({ strict: false }) as { workspace?: string };
  const known = !!slug && !!store.me?.workspaces.some((w) => w.urlSlug === slug || w.id === slug);

  useEffect(() => {
    if (!signedIn || !slug) return;
    if (store.me && store.me.workspaces.length === 0) {
      go(paths.onboarding(), { replace: true });
      return;
    }
    void store.enterWorkspace(slug);
  }, [signedIn, slug, store, store.me]);

  useEffect(() => registry.setOverlayCheck(() => store.ui.overlayOpen), [store]);
  useCommands(() => appCommands(store), [store]);
  useCommands(() => [...issueCommands(store), ...triageCommands(store), ...peekCommands(store)], [store]);
  const destinationsKey = `${store.workspace?.id}:${store.sortedTeams().map((t) => `${t.id}${t.name}${t.key}`).join()}`;
  useCommands(() => destinationCommands(store), [store, destinationsKey]);

  if (!signedIn) return <Splash />;
  if (!known) {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-2 text-center">
        <div className="text-lg font-medium">Workspace not found</div>
        <p className="text-muted">It does not exist, or you are not a member.</p>
        <Link to="/" className="text-accent hover:underline">
          Go to your workspace
        </Link>
      </div>
    );
  }
  return (
    <div className="flex h-full overflow-hidden">
      <NarrowNav>
        <Sidebar />
      </NarrowNav>
      <main className="flex min-w-0 flex-1 flex-col bg-bg">
        <ConnectionBanner />
        {store.workspaceLoad === 'loaded' ? (
          <Outlet />
        ) : store.workspaceLoad === 'error' ? (
          <div className="m-auto text-center">
            <p className="mb-2 text-danger">{store.workspaceError}</p>
            <button type="button" className="text-accent hover:underline" onClick={() => slug && void store.enterWorkspace(slug)}>
              Retry
            </button>
          </div>
        ) : (
          <div className="flex-1" aria-busy="true" />
        )}
      </main>
      {store.ui.paletteOpen && <CommandPalette />}
      {store.ui.helpOpen && <HelpSheet />}
      {store.ui.createIssue && <CreateIssueModal defaults={store.ui.createIssue} />}
      {store.ui.picker && <IssuePicker kind={store.ui.picker.kind} issueIds={store.ui.picker.issueIds} arg={store.ui.picker.arg} />}
      <Peek />
    </div>
  );
});

/**
 * `/$workspace`: the issues of the team last shown in this workspace, else of its oldest team (the
 * one created with the workspace), or My issues when there is no team.
 */
export const WorkspaceHome = observer(function WorkspaceHome() {
  const store = useStore();
  const ws = store.workspace;
  const teams = store.sortedTeams();
  const remembered = ws ? lastTeam(ws.id) : null;
  const first =
    teams.find((t) => t.key === remembered) ?? [...teams].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name))[0];
  useEffect(() => {
    if (!ws) return;
    go(first ? paths.team(ws.urlSlug, first.key, 'all') : paths.myIssues(ws.urlSlug), { replace: true });
  }, [ws, first]);
  return null;
});
