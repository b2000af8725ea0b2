/**
 * Manual order of a team's issues and identifier numbers.
 *
 * Ranks are fractional-index strings (lib/rank.ts) computed only here, inside the mutation's
 * transaction. `runMutation` holds the workspace's version lock, so two writers never read the
 * same neighbours: two clients dropping different issues into the same gap get distinct ranks
 * (the second lands between the first and the gap's lower end). The unique index
 * `issue_team_sort_order_uq` is the last guard.
 */
import { and, asc, desc, eq, getTableColumns, gt, lt, ne, type SQL, sql } from 'drizzle-orm';
import { issue, team, type Executor } from '@exponential/db';
import { invalid } from '../../lib/errors.ts';
import { rankBetween, ranksBetween } from '../../lib/rank.ts';
import type { MutationContext } from '../../sync/mutation.ts';
import { presentTeam } from '../teams/teams.presenter.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { emitIssuePostImages } from './issues.events.ts';
import { getReadableIssue } from './issues.repository.ts';

/**
 * Longest rank kept as is. Dropping issues into the same gap again and again lengthens ranks by
 * about one character every few moves; past this length the team's ranks are respaced.
 */
export const MAX_RANK_LENGTH = 24;

/**
 * Rewrites every rank of a team (except `skipId`'s) evenly, keeping their order, and emits the
 * changed issues. Two steps because the unique index on (team, rank) is checked row by row: first
 * every rank moves to a temporary unique value that sorts last, then to its final value.
 */
export async function respaceTeam(ctx: MutationContext, teamId: string, skipId: string | null): Promise<void> {
  const rows = await ctx.tx
    .select({ id: issue.id })
    .from(issue)
    .where(and(eq(issue.teamId, teamId), skipId ? ne(issue.id, skipId) : undefined))
    .orderBy(asc(issue.sortOrder), asc(issue.id));
  if (!rows.length) return;
  const keys = ranksBetween(null, null, rows.length);
  await ctx.tx
    .update(issue)
    .set({ sortOrder: sql`'~' || ${issue.id}::text` })
    .where(and(eq(issue.teamId, teamId), skipId ? ne(issue.id, skipId) : undefined));
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r, j) => sql`(${r.id}::uuid, ${keys[i + j]}::text)`);
    await ctx.tx.execute(
      sql`update ${issue} set sort_order = v.rank from (values ${sql.join(chunk, sql`, `)}) as v(id, rank) where ${issue.id} = v.id`,
    );
  }
  await emitIssuePostImages(ctx, rows.map((r) => r.id));
}

/** Where to put an issue: directly after `afterId` (null = first) or directly before `beforeId` (null = last). */
export interface PositionInput {
  afterId?: string | null;
  beforeId?: string | null;
}

/** True when the input asks for a position at all. */
export function hasPosition(p: PositionInput): boolean {
  return p.afterId !== undefined || p.beforeId !== undefined;
}

async function neighbour(ex: Executor, teamId: string, movingId: string | null, cond: SQL | undefined, dir: 'asc' | 'desc'): Promise<string | null> {
  const [row] = await ex
    .select({ sortOrder: issue.sortOrder })
    .from(issue)
    .where(and(eq(issue.teamId, teamId), cond, movingId ? ne(issue.id, movingId) : undefined))
    .orderBy(dir === 'asc' ? asc(issue.sortOrder) : desc(issue.sortOrder))
    .limit(1);
  return row?.sortOrder ?? null;
}

/**
 * The rank for an issue placed in `teamId`'s manual order.
 *
 * - nothing given: first in the team (new issues go to the top);
 * - `afterId`: directly after that issue (`null`: first); a `beforeId` sent along must sort
 *   after `afterId`, else 422 — it is a consistency check, `afterId` decides;
 * - only `beforeId`: directly before that issue (`null`: last).
 * @param movingId the issue being placed (excluded from the neighbours), null on create
 * @param prefix JSON pointer of the object holding the fields (`/body`)
 * @param ctx the mutation, so that ranks grown past {@link MAX_RANK_LENGTH} can be respaced
 * @throws AppError 404 (anchor absent or unreadable), 422 (anchor in another team, the issue itself, or out of order)
 */
export async function rankFor(
  ex: Executor,
  viewer: TeamViewer,
  teamId: string,
  movingId: string | null,
  pos: PositionInput,
  prefix: string,
  ctx?: MutationContext,
): Promise<string> {
  const rank = await computeRank(ex, viewer, teamId, movingId, pos, prefix);
  if (rank.length <= MAX_RANK_LENGTH || !ctx) return rank;
  await respaceTeam(ctx, teamId, movingId);
  return computeRank(ex, viewer, teamId, movingId, pos, prefix);
}

async function computeRank(
  ex: Executor,
  viewer: TeamViewer,
  teamId: string,
  movingId: string | null,
  pos: PositionInput,
  prefix: string,
): Promise<string> {
  const anchor = async (ref: string, name: 'afterId' | 'beforeId') => {
    const field = `${prefix}/${name}`;
    const a = await getReadableIssue(ex, viewer, ref, field);
    if (a.id === movingId) throw invalid(field, 'An issue cannot be placed relative to itself');
    if (a.teamId !== teamId) throw invalid(field, `${name} must be an issue of the same team`);
    return a;
  };
  const after = pos.afterId ? await anchor(pos.afterId, 'afterId') : null;
  const before = pos.beforeId ? await anchor(pos.beforeId, 'beforeId') : null;
  if (pos.afterId !== undefined) {
    if (after && before && !(after.sortOrder < before.sortOrder)) {
      throw invalid(`${prefix}/beforeId`, 'beforeId must come after afterId in the manual order');
    }
    const lower = after?.sortOrder ?? null;
    const upper = await neighbour(ex, teamId, movingId, lower === null ? undefined : gt(issue.sortOrder, lower), 'asc');
    return rankBetween(lower, upper);
  }
  if (pos.beforeId !== undefined) {
    const upper = before?.sortOrder ?? null;
    const lower = await neighbour(ex, teamId, movingId, upper === null ? undefined : lt(issue.sortOrder, upper), 'desc');
    return rankBetween(lower, upper);
  }
  return rankBetween(null, await neighbour(ex, teamId, movingId, undefined, 'asc'));
}

/**
 * Hands out the next identifier number of a team (`UPDATE … SET issue_count = issue_count + 1
 * RETURNING`), atomically in the mutation's transaction; numbers are never reused, even after a
 * delete. Emits the team's new post-image (its `issueCount` changed).
 */
export async function allocateNumber(ctx: MutationContext, teamId: string): Promise<number> {
  return (await allocateNumberAndTop(ctx, teamId, false)).number;
}

/**
 * {@link allocateNumber}, and with `top` the team's first rank in manual order (null when it has
 * no issues), read in the same statement: what a create at the top of the team needs
 * (`rankBetween(null, top)`; the caller holds the workspace lock, as {@link rankFor} requires).
 * @throws AppError 422 when the team no longer exists
 */
export async function allocateNumberAndTop(ctx: MutationContext, teamId: string, top: boolean): Promise<{ number: number; top: string | null }> {
  return finishAllocation(ctx, await sendAllocation(ctx, teamId, top));
}

/** The team row after its counter moved on, with the first rank when asked for. */
export type Allocation = typeof team.$inferSelect & { top: string | null };

/**
 * Sends {@link allocateNumberAndTop}'s statement without waiting for it, so that it can share a
 * round trip with statements sent just before or after it (see `MutationContext.later`); finish it
 * with {@link finishAllocation}. Only a team of the mutation's workspace is counted; the result is
 * undefined for any other id. Sent before the team was checked, the bump is undone with the
 * transaction when the check fails.
 */
export function sendAllocation(ctx: MutationContext, teamId: string, top: boolean): Promise<Allocation | undefined> {
  const rows = ctx.tx
    .update(team)
    .set({ issueCount: sql`${team.issueCount} + 1` })
    .where(and(eq(team.id, teamId), eq(team.workspaceId, ctx.workspaceId)))
    .returning({
      ...getTableColumns(team),
      top: top
        ? sql<string | null>`(select ${issue.sortOrder} from ${issue} where ${issue.teamId} = ${teamId} order by ${issue.sortOrder} limit 1)`
        : sql<null>`null`,
    })
    .execute();
  const row = rows.then((r) => r[0]);
  row.catch(() => {});
  return row;
}

/**
 * The number (and first rank) of a sent allocation; emits the team's new post-image.
 * @throws AppError 422 when the team no longer exists
 */
export function finishAllocation(ctx: MutationContext, row: Allocation | undefined): { number: number; top: string | null } {
  if (!row) throw invalid('/body/teamId', 'The team no longer exists');
  const { top: first, ...t } = row;
  ctx.emit({ entity: 'team', id: t.id, action: 'update', data: presentTeam(t), teamId: t.id });
  return { number: t.issueCount, top: first };
}
