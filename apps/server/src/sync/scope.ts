/**
 * What one user may receive from a workspace's sync stream: their role and the set of teams they
 * may read (lib/policy.ts `canReadTeam`: private teams only for their members and owners/admins,
 * guests only their teams). Operations carry the team that governs them (`teamId`, null for
 * workspace-wide entities); an operation reaches a user only when that team is in their scope.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { member, team, teamMember, type Executor } from '@exponential/db';
import { canReadTeam, type Role } from '../lib/policy.ts';
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

/**
 * Loads the scopes of many users of one workspace in three statements (members, teams, team
 * memberships), whatever their number: what the gateway's heartbeat uses for all of a
 * workspace's connections at once. Same rules as {@link loadScope}.
 * @returns the scope per user id; users no longer members are absent
 */
export async function loadScopes(ex: Executor, workspaceId: string, userIds: string[]): Promise<Map<string, SyncScope>> {
  const out = new Map<string, SyncScope>();
  const unique = [...new Set(userIds)];
  if (!unique.length) return out;
  const teams = await ex.select({ id: team.id, isPrivate: team.isPrivate }).from(team).where(eq(team.workspaceId, workspaceId));
  for (let i = 0; i < unique.length; i += 1000) {
    const part = unique.slice(i, i + 1000);
    const [members, memberships] = await Promise.all([
      ex.select({ userId: member.userId, role: member.role }).from(member).where(and(eq(member.workspaceId, workspaceId), inArray(member.userId, part))),
      ex
        .select({ userId: teamMember.userId, teamId: teamMember.teamId })
        .from(teamMember)
        .where(and(eq(teamMember.workspaceId, workspaceId), inArray(teamMember.userId, part))),
    ]);
    const mine = new Map<string, Set<string>>();
    for (const m of memberships) {
      const set = mine.get(m.userId);
      if (set) set.add(m.teamId);
      else mine.set(m.userId, new Set([m.teamId]));
    }
    for (const m of members) {
      const own = mine.get(m.userId);
      const teamIds = new Set(teams.filter((t) => canReadTeam(m.role, t, own?.has(t.id) ?? false)).map((t) => t.id));
      out.set(m.userId, { userId: m.userId, workspaceId, role: m.role, teamIds });
    }
  }
  return out;
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
