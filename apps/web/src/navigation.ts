/**
 * URLs of the app's screens and navigation usable outside React (commands run from the
 * registry). The router binds itself at start.
 */
import type { AnyRouter } from '@tanstack/react-router';

/** Team issue views: all issues, active (unstarted + started), backlog. */
export type TeamView = 'all' | 'active' | 'backlog' | 'triage';

let router: AnyRouter | null = null;

/** Binds the router (main.tsx, once). */
export function bindRouter(r: AnyRouter): void {
  router = r;
}

/** Paths of the screens; workspace slugs, team keys and identifiers are URL-encoded. */
export const paths = {
  login: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  onboarding: () => '/onboarding',
  workspace: (ws: string) => `/${encodeURIComponent(ws)}`,
  myIssues: (ws: string) => `/${encodeURIComponent(ws)}/my-issues`,
  team: (ws: string, key: string, view: TeamView = 'all') => `/${encodeURIComponent(ws)}/team/${encodeURIComponent(key)}/${view}`,
  issue: (ws: string, identifier: string) => `/${encodeURIComponent(ws)}/issue/${encodeURIComponent(identifier)}`,
  settings: (ws: string) => `/${encodeURIComponent(ws)}/settings`,
};

/** Navigates to an app path (pushes history unless `replace`). */
export function go(href: string, opts: { replace?: boolean } = {}): void {
  void router?.navigate({ href, replace: opts.replace });
}

/** The current path with its query string. */
export function currentHref(): string {
  return router ? router.state.location.href : window.location.pathname + window.location.search;
}

const LAST_TEAM_PREFIX = 'exponential.lastTeam.';

/** Remembers the team whose issues were last shown in a workspace (localStorage; a team key, not data). */
export function rememberLastTeam(workspaceId: string, teamKey: string): void {
  try {
    localStorage.setItem(LAST_TEAM_PREFIX + workspaceId, teamKey);
  } catch {
    // storage full or disabled: the landing falls back to the oldest team
  }
}

/** The team key {@link rememberLastTeam} kept for a workspace, or null. */
export function lastTeam(workspaceId: string): string | null {
  try {
    return localStorage.getItem(LAST_TEAM_PREFIX + workspaceId);
  } catch {
    return null;
  }
}
