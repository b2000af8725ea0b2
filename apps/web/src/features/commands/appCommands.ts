/**
 * Workspace-wide commands: palette, help, create issue, navigation chords (Linear's G-keys),
 * theme and sign-out. Issue property keys live in features/pickers/issueCommands.ts.
 * Screen-specific commands (j/k, Enter) are registered by the screens themselves.
 */
import type { Command } from '../../commands/registry.ts';
import { currentHref, go, paths, type TeamView } from '../../navigation.ts';
import type { RootStore } from '../../store/root.ts';
import { getThemePreference, setThemePreference } from '../../theme.ts';

/** The team the user is looking at (from the URL or the focused issue), else the first team. */
export function contextTeamId(store: RootStore): string | undefined {
  const m = /\/team\/([^/]+)\//.exec(currentHref());
  if (m) {
    const t = store.team(decodeURIComponent(m[1]!));
    if (t) return t.id;
  }
  const focused = store.issue(store.ui.focusedIssueId);
  if (focused) return focused.teamId;
  return store.sortedTeams()[0]?.id;
}

/** Builds the workspace-wide commands. */
export function appCommands(store: RootStore): Command[] {
  const { ui } = store;
  const ws = () => store.workspace?.urlSlug ?? '';
  const focused = () => (ui.focusedIssueId && store.issues.get(ui.focusedIssueId) ? ui.focusedIssueId : null);
  const goTeam = (view: TeamView) => () => {
    const t = store.team(contextTeamId(store));
    if (t) go(paths.team(ws(), t.key, view));
  };
  const hasTeam = () => store.teams.rows.size > 0;

  const cmds: Command[] = [
    {
      id: 'palette.toggle',
      title: 'Open command menu',
      group: 'General',
      keys: ['mod+k'],
      palette: false,
      allowInInput: true,
      allowInOverlay: true,
      isEnabled: () => !ui.createIssue && !ui.picker,
      run: () => ui.setPalette(!ui.paletteOpen),
    },
    {
      id: 'help.toggle',
      title: 'Show keyboard shortcuts',
      group: 'General',
      keys: ['?'],
      keywords: ['help', 'keys', 'hotkeys'],
      allowInOverlay: true,
      isEnabled: () => !ui.createIssue && !ui.picker && !ui.paletteOpen,
      run: () => ui.setHelp(!ui.helpOpen),
    },
    {
      id: 'issue.create',
      title: 'Create new issue',
      group: 'Issue',
      keys: ['c'],
      keywords: ['new', 'add'],
      isEnabled: hasTeam,
      run: () => {
        const focusedIssue = store.issue(focused());
        ui.openCreateIssue({ teamId: contextTeamId(store) ?? focusedIssue?.teamId });
      },
    },
    {
      id: 'issue.create.submit',
      title: 'Submit the new issue',
      group: 'Issue',
      keys: ['mod+enter'],
      palette: false,
      allowInInput: true,
      allowInOverlay: true,
      isEnabled: () => ui.createIssue !== null && ui.submitCreateIssue !== null,
      run: () => ui.submitCreateIssue?.(),
    },
    { id: 'nav.myIssues', title: 'Go to My issues', group: 'Navigation', keys: ['g', 'm'], run: () => go(paths.myIssues(ws())) },
    { id: 'nav.issues', title: 'Go to issues', group: 'Navigation', keys: ['g', 'i'], isEnabled: hasTeam, run: goTeam('all') },
    { id: 'nav.teams', title: 'Go to teams', group: 'Navigation', keys: ['g', 't'], keywords: ['settings', 'workflow'], run: () => go(`${paths.settings(ws())}/teams`) },
    { id: 'nav.allIssues', title: 'Go to team issues', group: 'Navigation', keys: ['g', 'e'], isEnabled: hasTeam, run: goTeam('all') },
    { id: 'nav.active', title: 'Go to active issues', group: 'Navigation', keys: ['g', 'a'], isEnabled: hasTeam, run: goTeam('active') },
    { id: 'nav.backlog', title: 'Go to backlog', group: 'Navigation', keys: ['g', 'b'], isEnabled: hasTeam, run: goTeam('backlog') },
    { id: 'nav.settings', title: 'Go to settings', group: 'Navigation', keys: ['g', 's'], run: () => go(paths.settings(ws())) },
    { id: 'theme.light', title: 'Switch to light theme', group: 'Preferences', keywords: ['appearance'], isEnabled: () => getThemePreference() !== 'light', run: () => setThemePreference('light') },
    { id: 'theme.dark', title: 'Switch to dark theme', group: 'Preferences', keywords: ['appearance'], isEnabled: () => getThemePreference() !== 'dark', run: () => setThemePreference('dark') },
    { id: 'theme.system', title: 'Use system theme', group: 'Preferences', keywords: ['appearance'], isEnabled: () => getThemePreference() !== 'system', run: () => setThemePreference('system') },
    { id: 'workspace.create', title: 'Create workspace', group: 'Workspace', run: () => go(paths.onboarding()) },
    { id: 'session.signOut', title: 'Sign out', group: 'Workspace', keywords: ['log out', 'logout'], run: () => void store.signOut() },
  ];
  return cmds;
}

/** Per-team and per-workspace navigation commands for the palette (no keys). */
export function destinationCommands(store: RootStore): Command[] {
  const ws = store.workspace?.urlSlug ?? '';
  const out: Command[] = [];
  for (const t of store.sortedTeams()) {
    out.push({ id: `nav.team.${t.id}`, title: `${t.name} › Issues`, group: 'Teams', keywords: [t.key], run: () => go(paths.team(ws, t.key, 'all')) });
    out.push({ id: `nav.team.${t.id}.active`, title: `${t.name} › Active`, group: 'Teams', keywords: [t.key], run: () => go(paths.team(ws, t.key, 'active')) });
    out.push({ id: `nav.team.${t.id}.backlog`, title: `${t.name} › Backlog`, group: 'Teams', keywords: [t.key], run: () => go(paths.team(ws, t.key, 'backlog')) });
    if (t.triageEnabled) out.push({ id: `nav.team.${t.id}.triage`, title: `${t.name} › Triage`, group: 'Teams', keywords: [t.key, 'inbox'], run: () => go(paths.team(ws, t.key, 'triage')) });
  }
  for (const w of store.me?.workspaces ?? []) {
    if (w.id === store.workspace?.id) continue;
    out.push({ id: `nav.workspace.${w.id}`, title: `Switch to ${w.name}`, group: 'Workspace', run: () => go(paths.workspace(w.urlSlug)) });
  }
  return out;
}
