/**
 * What one user may receive from a workspace's sync stream: their role and the set of teams they
 * may read (lib/policy.ts `canReadTeam`: private teams only for their members and owners/admins,
 * guests only their teams). Operations carry the team that governs them (`teamId`, null for
 * workspace-wide entities); an operation reaches a user only when that team is in their scope.
 */
import { and, eq } from 'drizzle-orm';
import { member, type Executor } from '@exponential/db';
import type { Role } from '../lib/policy.ts';
import { readableTeamIds } from '../modules/teams/teams.repository.ts';

/** A user's read scope in one workspace, as of when it was loaded. */
export interface SyncScope {
  userId: string;
  workspaceId: string;
  role: Role;
  /** Teams the user may read. */
  teamIds: Set<string>;
}

/**
 * Entities whose operations can change who may read what: the gateway reloads scopes after a
 * batch that contains one (`member` is what a membership or role change emits).
 */
export const SCOPE_ENTITIES: ReadonlySet<string> = new Set(['team', 'teamMember', 'member']);

/**
 * Loads a user's scope in a workspace.
 * @returns null when the user is no longer a member of the workspace
 */
export async function loadScope(ex: Executor, userId: string, workspaceId: string): Promise<SyncScope | null> {
  const [m] = await ex
    .select({ role: member.role })
    .from(member)
    .where(and(eq(member.workspaceId, workspaceId), eq(member.userId, userId)));
  if (!m) return null;
  const teamIds = await readableTeamIds(ex, { userId, workspaceId, role: m.role });
  return { userId, workspaceId, role: m.role, teamIds: new Set(teamIds) };
}

/** True when an operation governed by `teamId` may reach the scope's user. */
export function inScope(scope: SyncScope, teamId: string | null): boolean {
  return teamId === null || scope.teamIds.has(teamId);
}

/** Teams gained and lost between two scopes, sorted (for `scopeChange` messages). */
export function diffScopes(before: SyncScope, after: SyncScope): { added: string[]; removed: string[] } {
  const added = [...after.teamIds].filter((t) => !before.teamIds.has(t)).sort();
  const removed = [...before.teamIds].filter((t) => !after.teamIds.has(t)).sort();
  return { added, removed };
}
