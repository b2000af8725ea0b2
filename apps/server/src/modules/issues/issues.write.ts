/**
 * The issue writes every entry point shares (single create, PATCH, bulk update, archive, move,
 * delete), each run inside a mutation: validate references, write the row, its labels, its
 * history (`created` | `updated` with `{field: {from, to}}` | `archived` | `unarchived`) and
 * subscriptions, and emit the issue's post-image to the op log.
 */
import { and, asc, eq, inArray, type SQLWrapper, sql } from 'drizzle-orm';
import { issue, issueHistory, issueLabel, issueSubscription, label, type Executor, type Tx } from '@exponential/db';
import { conflict } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { sanitizeRichText } from '../../lib/sanitize.ts';
import type { MutationContext } from '../../sync/mutation.ts';
import type { TeamViewer } from '../teams/teams.repository.ts';
import { emitIssuePostImages } from './issues.events.ts';
import { type Allocation, allocateNumber, allocateNumberAndTop, finishAllocation, hasPosition, MAX_RANK_LENGTH, rankFor } from './issues.position.ts';
import { rankBetween } from '../../lib/rank.ts';
import { type PresentedIssue, presentIssue, priorityValue } from './issues.presenter.ts';
import { createIssueRefs, type IssueRefs } from './issues.refs.ts';
import { checkStorableDate, historyChanges, lifecycleTimestamps, nextLabelIds, normalizeTitle } from './issues.rules.ts';
import type { CreateIssueInput, IssuePatch } from './issues.schemas.ts';

type IssueRow = typeof issue.$inferSelect;

/** The columns an update may change (besides `updatedAt`). */
const UPDATABLE = [
  'teamId',
  'number',
  'title',
  'description',
  'stateId',
  'priority',
  'estimate',
  'assigneeId',
  'parentId',
  'sortOrder',
  'dueDate',
  'startedAt',
  'completedAt',
  'canceledAt',
  'archivedAt',
] as const satisfies ReadonlyArray<keyof IssueRow>;

/** An issue row with its team's key, as `getReadableIssue` returns it. */
export type KeyedIssue = IssueRow & { teamKey: string };

/** Label ids of an issue, sorted. */
export async function labelIdsOf(ex: Executor, issueId: string): Promise<string[]> {
  const rows = await ex.select({ id: issueLabel.labelId }).from(issueLabel).where(eq(issueLabel.issueId, issueId)).orderBy(asc(issueLabel.labelId));
  return rows.map((r) => r.id);
}

/** The insert of one history row (run it, or pass it to {@link writeTogether}). */
function historyInsert(ctx: MutationContext, issueId: string, kind: string, changes: object = {}) {
  return ctx.tx.insert(issueHistory).values({ id: newId(), workspaceId: ctx.workspaceId, issueId, actorId: ctx.actorId, kind, changes, createdAt: ctx.now });
}

async function writeHistory(ctx: MutationContext, issueId: string, kind: string, changes: object = {}) {
  await historyInsert(ctx, issueId, kind, changes);
}

/** The insert subscribing `userIds` to an issue (kept subscriptions stay), or null when there is no one. */
function subscriptionInsert(ctx: MutationContext, issueId: string, userIds: Array<string | null | undefined>) {
  const ids = [...new Set(userIds.filter((u): u is string => !!u))];
  if (!ids.length) return null;
  return ctx.tx
    .insert(issueSubscription)
    .values(ids.map((userId) => ({ issueId, userId, workspaceId: ctx.workspaceId, createdAt: ctx.now })))
    .onConflictDoNothing();
}

/**
 * Runs independent writes as ONE statement, one round trip: `with w0 as (…), w1 as (…) <last>`
 * (PostgreSQL's data-modifying CTEs; PGlite is PostgreSQL). They share one snapshot, so none may
 * depend on another's effect or touch the same row; foreign keys among them (an issue and its
 * history rows) are checked at the end of the statement, when every row is in.
 */
async function writeTogether(tx: Tx, writes: Array<SQLWrapper | null>): Promise<void> {
  const list = writes.filter((w): w is SQLWrapper => w !== null);
  const last = list.pop();
  if (!last) return;
  if (!list.length) {
    await tx.execute(last.getSQL());
    return;
  }
  // getSQL(): a query builder placed in a template directly would be wrapped in parentheses.
  const ctes = list.map((w, i) => sql`${sql.raw(`w${i}`)} as (${w.getSQL()})`);
  await tx.execute(sql`with ${sql.join(ctes, sql`, `)} ${last.getSQL()}`);
}

function cleanDescription(html: string | null): string | null {
  if (html === null) return null;
  return sanitizeRichText(html) || null;
}

/** What a create needs that no database read decides: the normalized title and the sanitized description. */
export interface PreparedCreate {
  title: string;
  description: string | null;
}

/**
 * The checks and clean-ups of a create that need no database: the title normalized, the due date
 * checked, the description sanitized (lib/sanitize.ts). Run before the mutation, so that none of
 * it happens while the workspace lock is held.
 * @throws AppError 422 naming `/body/title` or `/body/dueDate`
 */
export function prepareCreate(input: CreateIssueInput): PreparedCreate {
  const title = normalizeTitle(input.title, '/body/title');
  checkStorableDate(input.dueDate, '/body/dueDate');
  return { title, description: cleanDescription(input.description ?? null) };
}

/**
 * Creates an issue: number from the team's counter, rank at the top of the team (or at
 * `afterId`/`beforeId`), default state = the team's default backlog state. The creator and the
 * assignee are subscribed. The row and what goes with it are written as one statement left
 * running (`ctx.later`): the op-log insert shares its round trip.
 * @param allocation the team's number and first rank, already sent (`sendAllocation` for
 *   `input.teamId` with `top`), when the issue goes to the top of the team
 * @param prepared {@link prepareCreate} of `input`, when the caller ran it before the mutation
 * @throws AppError 404/422 naming the offending body field, 409 `id_taken`
 */
export async function createIssueIn(
  ctx: MutationContext,
  viewer: TeamViewer,
  input: CreateIssueInput,
  refs: IssueRefs = createIssueRefs(ctx.tx, viewer),
  allocation?: Promise<Allocation | undefined>,
  prepared: PreparedCreate = prepareCreate(input),
): Promise<PresentedIssue> {
  const { title, description } = prepared;
  const t = await refs.targetTeam(input.teamId, '/body/teamId');
  if (input.id && (await refs.idTaken(input.id))) throw conflict('An issue with this id already exists', 'id_taken', '/body/id');
  const state = input.stateId ? await refs.state(input.stateId, t.id, '/body/stateId') : await refs.defaultState(t.id);
  if (input.assigneeId) await refs.assignee(input.assigneeId, t.id, '/body/assigneeId');
  const parent = input.parentId ? await refs.parent(input.parentId, null, '/body/parentId') : null;
  const labelIds = input.labelIds ?? [];
  await refs.labels(labelIds, t.id, (i) => `/body/labelIds/${i}`);
  const placed = hasPosition(input);
  let sortOrder = placed ? await rankFor(ctx.tx, viewer, t.id, null, input, '/body', ctx) : null;
  // At the top of the team (no position given): the first rank comes with the number.
  const { number, top } = allocation && !placed ? finishAllocation(ctx, await allocation) : await allocateNumberAndTop(ctx, t.id, !placed);
  sortOrder ??= rankBetween(null, top);
  if (sortOrder.length > MAX_RANK_LENGTH) sortOrder = await rankFor(ctx.tx, viewer, t.id, null, input, '/body', ctx);
  const times = lifecycleTimestamps(null, state.category, { startedAt: null, completedAt: null, canceledAt: null }, ctx.now);
  // Every value is known here (no defaults or triggers fill columns in), so the row is presented
  // from them and the insert needs no RETURNING.
  const created: IssueRow = {
    id: input.id ?? newId(),
    workspaceId: ctx.workspaceId,
    teamId: t.id,
    number,
    title,
    description,
    stateId: state.id,
    assigneeId: input.assigneeId ?? null,
    creatorId: viewer.userId,
    priority: priorityValue(input.priority ?? 'none'),
    estimate: input.estimate ?? null,
    parentId: parent?.id ?? null,
    sortOrder,
    dueDate: input.dueDate ?? null,
    startedAt: times.startedAt ?? null,
    completedAt: times.completedAt ?? null,
    canceledAt: times.canceledAt ?? null,
    archivedAt: null,
    externalSource: null,
    externalKey: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.later(writeTogether(ctx.tx, [
    ctx.tx.insert(issue).values(created),
    labelIds.length ? ctx.tx.insert(issueLabel).values(labelIds.map((labelId) => ({ issueId: created.id, labelId, workspaceId: ctx.workspaceId }))) : null,
    historyInsert(ctx, created.id, 'created'),
    subscriptionInsert(ctx, created.id, [viewer.userId, input.assigneeId]),
  ]));
  const presented = presentIssue(created, t.key, [...labelIds].sort());
  ctx.emit({ entity: 'issue', id: created.id, action: 'insert', data: presented, teamId: t.id });
  return presented;
}

/**
 * Labels after a change, validated. Ids the client names are checked against the issue's
 * (final) team; on a team move, kept labels of the old team are dropped.
 */
async function resolveLabels(ctx: MutationContext, refs: IssueRefs, current: string[], patch: IssuePatch, teamId: string, teamMoved: boolean, prefix: string) {
  let next = nextLabelIds(current, patch, prefix);
  const source = patch.labelIds ? 'labelIds' : 'addedLabelIds';
  const named = patch.labelIds ?? patch.addedLabelIds ?? [];
  const check = teamMoved ? named : named.filter((id) => !current.includes(id));
  await refs.labels(check, teamId, (i) => `${prefix}/${source}/${named.indexOf(check[i] as string)}`);
  if (teamMoved) {
    const kept = (next ?? current).filter((id) => !named.includes(id));
    if (kept.length) {
      const rows = await ctx.tx.select({ id: label.id, teamId: label.teamId }).from(label).where(inArray(label.id, kept));
      const foreign = new Set(rows.filter((r) => r.teamId && r.teamId !== teamId).map((r) => r.id));
      if (foreign.size) next = (next ?? current).filter((id) => !foreign.has(id));
    }
  }
  return next;
}

/**
 * Applies a partial update (PATCH, bulk, archive) to `current`. Writes nothing and emits nothing
 * when nothing changes.
 * @param prefix JSON pointer of the object holding the fields, for errors (`/body`, `/body/update`)
 * @returns the post-image
 * @throws AppError 404/422 naming the offending field
 */
export async function updateIssueIn(
  ctx: MutationContext,
  viewer: TeamViewer,
  current: KeyedIssue,
  patch: IssuePatch,
  prefix = '/body',
  refs: IssueRefs = createIssueRefs(ctx.tx, viewer),
  knownLabels?: string[],
): Promise<PresentedIssue> {
  const { teamKey: currentKey, ...cur } = current;
  const currentLabels = knownLabels ?? (await labelIdsOf(ctx.tx, current.id));
  const before = presentIssue(cur, currentKey, currentLabels);
  const next: IssueRow = { ...cur };
  let teamKey = currentKey;
  let teamMoved = false;

  if (patch.teamId !== undefined) {
    const t = await refs.targetTeam(patch.teamId, `${prefix}/teamId`);
    if (t.id !== cur.teamId) {
      teamMoved = true;
      teamKey = t.key;
      next.teamId = t.id;
      next.number = await allocateNumber(ctx, t.id);
      if (patch.stateId === undefined) {
        // Keep the workflow position: the new team's default state of the same category.
        next.stateId = (await refs.defaultState(t.id, await refs.categoryOf(cur.stateId, cur.teamId))).id;
      }
    }
  }
  if (patch.stateId !== undefined) next.stateId = (await refs.state(patch.stateId, next.teamId, `${prefix}/stateId`)).id;
  if (next.stateId !== cur.stateId) {
    const from = await refs.categoryOf(cur.stateId, cur.teamId);
    const to = await refs.categoryOf(next.stateId, next.teamId);
    Object.assign(next, lifecycleTimestamps(from, to, cur, ctx.now));
  }
  if (patch.title !== undefined) next.title = normalizeTitle(patch.title, `${prefix}/title`);
  if (patch.description !== undefined) next.description = cleanDescription(patch.description);
  if (patch.priority !== undefined) next.priority = priorityValue(patch.priority);
  if (patch.estimate !== undefined) next.estimate = patch.estimate;
  if (patch.dueDate !== undefined) {
    checkStorableDate(patch.dueDate, `${prefix}/dueDate`);
    next.dueDate = patch.dueDate;
  }
  if (patch.assigneeId !== undefined) {
    if (patch.assigneeId && (patch.assigneeId !== cur.assigneeId || teamMoved)) {
      await refs.assignee(patch.assigneeId, next.teamId, `${prefix}/assigneeId`);
    }
    next.assigneeId = patch.assigneeId;
  }
  if (patch.parentId !== undefined) {
    next.parentId = patch.parentId === null ? null : (await refs.parent(patch.parentId, cur.id, `${prefix}/parentId`)).id;
  }
  const labels = await resolveLabels(ctx, refs, currentLabels, patch, next.teamId, teamMoved, prefix);
  if (hasPosition(patch) || teamMoved) next.sortOrder = await rankFor(ctx.tx, viewer, next.teamId, cur.id, patch, prefix, ctx);
  if (patch.archived !== undefined) next.archivedAt = patch.archived ? (cur.archivedAt ?? ctx.now) : null;

  const finalLabels = labels ?? currentLabels;
  const changes = historyChanges(before, presentIssue(next, teamKey, finalLabels));
  const archiveChanged = !next.archivedAt !== !cur.archivedAt;
  if (!Object.keys(changes).length && next.sortOrder === cur.sortOrder && !archiveChanged) return before;

  // Only the columns that changed (and updatedAt); the post-image is `next` (no RETURNING needed).
  const set: Partial<IssueRow> = { updatedAt: ctx.now };
  for (const k of UPDATABLE) if (next[k] !== cur[k]) (set as Record<string, unknown>)[k] = next[k];
  next.updatedAt = ctx.now;
  const removed = labels ? currentLabels.filter((id) => !labels.includes(id)) : [];
  const added = labels ? labels.filter((id) => !currentLabels.includes(id)) : [];
  // Left running (ctx.later): the op-log insert shares its round trip; later statements of this
  // transaction (a bulk update's next issue) run after it.
  ctx.later(writeTogether(ctx.tx, [
    ctx.tx.update(issue).set(set).where(eq(issue.id, cur.id)),
    removed.length ? ctx.tx.delete(issueLabel).where(and(eq(issueLabel.issueId, cur.id), inArray(issueLabel.labelId, removed))) : null,
    added.length ? ctx.tx.insert(issueLabel).values(added.map((labelId) => ({ issueId: cur.id, labelId, workspaceId: ctx.workspaceId }))) : null,
    Object.keys(changes).length ? historyInsert(ctx, cur.id, 'updated', changes) : null,
    archiveChanged ? historyInsert(ctx, cur.id, next.archivedAt ? 'archived' : 'unarchived') : null,
    next.assigneeId !== cur.assigneeId ? subscriptionInsert(ctx, cur.id, [next.assigneeId]) : null,
  ]));
  const after = presentIssue(next, teamKey, finalLabels);
  // Moving teams: readers of the old team only must drop the issue, so it leaves that team's
  // stream first; readers of the new team receive the update (applied as an upsert).
  if (after.teamId !== cur.teamId) ctx.emit({ entity: 'issue', id: cur.id, action: 'delete', data: null, teamId: cur.teamId });
  ctx.emit({ entity: 'issue', id: cur.id, action: 'update', data: after, teamId: after.teamId });
  return after;
}

/**
 * Deletes an issue for good. Its sub-issues become top-level (their change is recorded in their
 * history and their post-images are emitted); labels, comments, relations, history and
 * subscriptions go with it (foreign keys cascade).
 */
export async function deleteIssueIn(ctx: MutationContext, current: KeyedIssue): Promise<void> {
  const children = await ctx.tx
    .update(issue)
    .set({ parentId: null, updatedAt: ctx.now })
    .where(eq(issue.parentId, current.id))
    .returning({ id: issue.id });
  for (const c of children) await writeHistory(ctx, c.id, 'updated', { parentId: { from: current.id, to: null } });
  await ctx.tx.delete(issue).where(eq(issue.id, current.id));
  ctx.emit({ entity: 'issue', id: current.id, action: 'delete', data: null, teamId: current.teamId });
  await emitIssuePostImages(ctx, children.map((c) => c.id));
}
