/**
 * Team lookups shared by every module: resolving a team by id or key within a workspace, and the
 * set of teams an actor may read (private teams and guests, see lib/policy.ts).
 */
import { and, eq, or, type SQL, sql } from 'drizzle-orm';
import { team, teamKeyAlias, teamMember, type Executor } from '@exponential/db';
import { notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { canReadTeam, isManager, type Role } from '../../lib/policy.ts';

/** The actor fields team visibility depends on. */
export interface TeamViewer {
  userId: string;
  workspaceId: string;
  role: Role;
}

type TeamRow = typeof team.$inferSelect;

/**
 * The id of the team whose current key, or one of whose former keys, is `key` (upper-cased).
 * @returns the team id, or null when no team has or had that key
 */
export async function teamIdByKey(ex: Executor, workspaceId: string, key: string): Promise<string | null> {
  const k = key.toUpperCase();
  const [t] = await ex.select({ id: team.id }).from(team).where(and(eq(team.workspaceId, workspaceId), eq(team.key, k)));
  if (t) return t.id;
  const [a] = await ex
    .select({ id: teamKeyAlias.teamId })
    .from(teamKeyAlias)
    .where(and(eq(teamKeyAlias.workspaceId, workspaceId), eq(teamKeyAlias.key, k)));
  return a?.id ?? null;
}

/** Ids of the teams `viewer` belongs to in its workspace. */
export async function memberTeamIds(ex: Executor, viewer: TeamViewer): Promise<Set<string>> {
  const rows = await ex
    .select({ teamId: teamMember.teamId })
    .from(teamMember)
    .where(and(eq(teamMember.workspaceId, viewer.workspaceId), eq(teamMember.userId, viewer.userId)));
  return new Set(rows.map((r) => r.teamId));
}

/** Every team of the workspace that `viewer` may read, with whether they are a member. */
export async function readableTeams(ex: Executor, viewer: TeamViewer): Promise<Array<TeamRow & { isMember: boolean }>> {
  const [teams, mine] = await Promise.all([
    ex.select().from(team).where(eq(team.workspaceId, viewer.workspaceId)),
    memberTeamIds(ex, viewer),
  ]);
  return teams
    .map((t) => ({ ...t, isMember: mine.has(t.id) }))
    .filter((t) => canReadTeam(viewer.role, t, t.isMember));
}

/**
 * SQL true for a row of `team` that `viewer` may read: {@link canReadTeam} as a predicate, for
 * folding the visibility check into a query (e.g. the issue list's page query). Owners and admins
 * read every team of their workspace, so there is no predicate (undefined); members read public
 * teams and the private teams they belong to; guests only their teams. The caller restricts the
 * rows to the viewer's workspace.
 */
export function readableTeamSql(viewer: TeamViewer): SQL | undefined {
  if (isManager(viewer.role)) return undefined;
  const mine = sql`exists (select 1 from ${teamMember} where ${teamMember.teamId} = ${team.id} and ${teamMember.userId} = ${viewer.userId})`;
  return viewer.role === 'guest' ? mine : or(eq(team.isPrivate, false), mine);
}

/** Ids of the teams `viewer` may read. */
export async function readableTeamIds(ex: Executor, viewer: TeamViewer): Promise<string[]> {
  return (await readableTeams(ex, viewer)).map((t) => t.id);
}

/**
 * Finds a team by id or key in the viewer's workspace, if the viewer may read it.
 * @param field where the reference came from, for the 404 (`/params/teamId`, `/body/teamId`)
 * @param lock take a row lock (FOR UPDATE), e.g. to allocate an issue number
 * @throws AppError 404 when absent, in another workspace, or not readable
 */
export async function getReadableTeam(ex: Executor, viewer: TeamViewer, ref: string, field: string, lock = false): Promise<TeamRow & { isMember: boolean }> {
  const id = isUuid(ref) ? ref : await teamIdByKey(ex, viewer.workspaceId, ref);
  if (!id) throw notFound('Team', field, ref);
  const q = ex.select().from(team).where(and(eq(team.workspaceId, viewer.workspaceId), eq(team.id, id)));
  const [t] = lock ? await q.for('update') : await q;
  if (!t) throw notFound('Team', field, ref);
  const [m] = await ex
    .select({ userId: teamMember.userId })
    .from(teamMember)
    .where(and(eq(teamMember.teamId, t.id), eq(teamMember.userId, viewer.userId)));
  if (!canReadTeam(viewer.role, t, !!m)) throw notFound('Team', field, ref);
  return { ...t, isMember: !!m };
}
