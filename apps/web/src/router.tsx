/**
 * Routes (code-based TanStack Router):
 *   /login, /onboarding, / (home: the last workspace)
 *   /invite/$token                   → an invitation link; /invite resumes it after sign-in
 *   /$workspace                      → the workspace's first team
 *   /$workspace/my-issues
 *   /$workspace/team/$teamKey/$view  (view: all | active | backlog)
 *   /$workspace/issue/$identifier
 *   /$workspace/view/$viewId         (a saved view)
 *   /$workspace/settings[/$section[/$teamKey]]  (lazy chunk)
 *
 * Issue screens take `?filter=` and `?display=` (store/filters.ts).
 */
import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from '@tanstack/react-router';
import { SignIn } from './features/auth/SignIn.tsx';
import { MyIssuesScreen, TeamIssuesScreen } from './features/issues/list/screens.tsx';
import { InviteResumeScreen, InviteScreen } from './features/onboarding/Invite.tsx';
import { Onboarding } from './features/onboarding/Onboarding.tsx';
import { AppShell, WorkspaceHome } from './features/shell/AppShell.tsx';
import { Home, NotFound, Root } from './features/shell/Root.tsx';
import { ViewScreen } from './features/views/ViewScreen.tsx';
import { parseListSearch } from './store/filters.ts';

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFound });

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  component: SignIn,
  validateSearch: (s: Record<string, unknown>): { next?: string } => (typeof s.next === 'string' ? { next: s.next } : {}),
});
const onboardingRoute = createRoute({ getParentRoute: () => rootRoute, path: '/onboarding', component: Onboarding });
const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: '/invite/$token', component: InviteScreen });
const inviteResumeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/invite', component: InviteResumeScreen });
const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: Home });

const workspaceRoute = createRoute({ getParentRoute: () => rootRoute, path: '$workspace', component: AppShell });
const workspaceIndexRoute = createRoute({ getParentRoute: () => workspaceRoute, path: '/', component: WorkspaceHome });
const myIssuesRoute = createRoute({ getParentRoute: () => workspaceRoute, path: 'my-issues', component: MyIssuesScreen, validateSearch: parseListSearch });
const teamRoute = createRoute({ getParentRoute: () => workspaceRoute, path: 'team/$teamKey/$view', component: TeamIssuesScreen, validateSearch: parseListSearch });
const viewRoute = createRoute({ getParentRoute: () => workspaceRoute, path: 'view/$viewId', component: ViewScreen, validateSearch: parseListSearch });
const issueRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: 'issue/$identifier',
  // A chunk of its own (sidebar, activity, comments): the first screen of the app loads less.
  component: lazyRouteComponent(() => import('./features/issue-page/IssuePage.tsx'), 'IssuePage'),
});
const settingsRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: 'settings',
  component: lazyRouteComponent(() => import('./features/settings/Settings.tsx'), 'Settings'),
});
const settingsSectionRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: 'settings/$section',
  component: lazyRouteComponent(() => import('./features/settings/Settings.tsx'), 'Settings'),
});
const settingsTeamRoute = createRoute({
  getParentRoute: () => workspaceRoute,
  path: 'settings/$section/$teamKey',
  component: lazyRouteComponent(() => import('./features/settings/Settings.tsx'), 'Settings'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  onboardingRoute,
  inviteRoute,
  inviteResumeRoute,
  indexRoute,
  workspaceRoute.addChildren([workspaceIndexRoute, myIssuesRoute, teamRoute, viewRoute, issueRoute, settingsRoute, settingsSectionRoute, settingsTeamRoute]),
]);

/** The application's router. */
export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
