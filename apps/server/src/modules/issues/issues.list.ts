/**
 * `GET /issues`: filters, search and keyset pagination over the issues of the teams the actor
 * may read.
 *
 * Orders (each ends with `id` so equal keys — e.g. 25 issues created in one transaction — have
 * one strict order and every row appears exactly once while paging):
 * - `createdAt` (default), `updatedAt`: newest first, `(ts, id) < (cursor)`; timestamps travel
 *   in the cursor with microseconds as PostgreSQL prints them, so no row is lost at a boundary;
 * - `priority`: urgent, high, medium, low, then none — rank `(priority + 4) % 5` ascending, then
 *   id (index `issue_workspace_priority_rank_idx`);
 * - `manual`: the team's manual order (`sort_order` ascending, byte-wise), then id.
 * Search (`q`): case-insensitive substring of the title with LIKE wildcards escaped (trigram
 * index `issue_title_trgm_idx`), or an identifier such as `ENG-12`. Text longer than a title
 * (255 code points) cannot match a title, so it matches nothing rather than being refused.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { issue, issueLabel, team, workflowState, type Executor } from '@exponential/db';
import type { CursorCodec } from '../../lib/cursor.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { codePointLength } from '../../lib/text.ts';
import { getReadableTeam, readableTeamSql, type TeamViewer, teamIdByKey } from '../teams/teams.repository.ts';
import { type PresentedIssueListItem, presentIssueListItem, priorityValue } from './issues.presenter.ts';
import { getReadableIssue, parseIdentifier } from './issues.repository.ts';
import { checkStorableDate, escapeLike } from './issues.rules.ts';
import { type IssueOrderName, type ListIssuesInput, TITLE_MAX } from './issues.schemas.ts';

const ISO_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const RANK = /^[0-9A-Za-z]{1,2000}$/;
const CURSOR_TAG = 'i1';

/** The priority rank expression ordering urgent (0) … low (3), none (4). */
export const priorityRank = sql<number>`((${issue.priority} + 4) % 5)`;

function tsText(col: typeof issue.createdAt | typeof issue.updatedAt): SQL<string> {
  return sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** One order: its sort key as selected for the cursor, its ORDER BY and its "after the cursor" predicate. */
interface OrderSpec {
  key: SQL<unknown>;
  orderBy: SQL[];
  after(key: unknown, id: string): SQL;
  validKey(key: unknown): boolean;
}

const ORDERS: Record<IssueOrderName, OrderSpec> = {
  createdAt: {
    key: tsText(issue.createdAt),
    orderBy: [desc(issue.createdAt), desc(issue.id)],
    after: (k, id) => sql`(${issue.createdAt}, ${issue.id}) < (${k}::timestamptz, ${id}::uuid)`,
    validKey: (k) => typeof k === 'string' && ISO_US.test(k),
  },
  updatedAt: {
    key: tsText(issue.updatedAt),
    orderBy: [desc(issue.updatedAt), desc(issue.id)],
    after: (k, id) => sql`(${issue.updatedAt}, ${issue.id}) < (${k}::timestamptz, ${id}::uuid)`,
    validKey: (k) => typeof k === 'string' && ISO_US.test(k),
  },
  priority: {
    key: priorityRank,
    orderBy: [asc(priorityRank), asc(issue.id)],
    after: (k, id) => sql`(${priorityRank}, ${issue.id}) > (${k}::int, ${id}::uuid)`,
    validKey: (k) => Number.isInteger(k) && (k as number) >= 0 && (k as number) <= 4,
  },
  manual: {
    key: sql<string>`${issue.sortOrder}`,
    orderBy: [asc(issue.sortOrder), asc(issue.id)],
    after: (k, id) => sql`(${issue.sortOrder}, ${issue.id}) > (${k}::text collate "C", ${id}::uuid)`,
    validKey: (k) => typeof k === 'string' && RANK.test(k),
  },
};

/** What the page query needs besides its WHERE conditions. */
interface ListConditions {
  where: SQL[];
  /**
   * The team named by `teamId`, whose readability the page query checks itself (a predicate on
   * the joined team): an empty page must then ask whether the team is readable at all (404).
   */
  teamId: string | null;
}

/**
 * Builds the WHERE conditions of a list, or null when the list is empty by construction (search
 * text that cannot match). Team visibility is part of the conditions (see readableTeamSql), so a
 * list of readable teams costs no statement of its own.
 * @throws AppError 404 for a `teamId` key that names no team, or a `parentId` the viewer cannot read
 */
async function conditions(ex: Executor, viewer: TeamViewer, q: ListIssuesInput): Promise<ListConditions | null> {
  const where: SQL[] = [eq(issue.workspaceId, viewer.workspaceId)];
  const visible = readableTeamSql(viewer);
  let teamId: string | null = null;
  if (q.teamId) {
    teamId = isUuid(q.teamId) ? q.teamId : await teamIdByKey(ex, viewer.workspaceId, q.teamId);
    if (!teamId) throw notFound('Team', '/query/teamId', q.teamId);
    where.push(eq(issue.teamId, teamId));
    // The joined team row is the one team: check it directly.
    if (visible) where.push(visible);
  } else if (visible) {
    // Every readable team: a semi-join the planner can drive from the readable teams.
    where.push(
      inArray(
        issue.teamId,
        ex
          .select({ id: team.id })
          .from(team)
          .where(and(eq(team.workspaceId, viewer.workspaceId), visible)),
      ),
    );
  }
  if (q.stateId) where.push(eq(issue.stateId, q.stateId));
  if (q.stateCategory) {
    where.push(
      inArray(
        issue.stateId,
        ex
          .select({ id: workflowState.id })
          .from(workflowState)
          .where(and(eq(workflowState.workspaceId, viewer.workspaceId), eq(workflowState.category, q.stateCategory))),
      ),
    );
  }
  if (q.assigneeId === 'none') where.push(isNull(issue.assigneeId));
  else if (q.assigneeId) where.push(eq(issue.assigneeId, q.assigneeId === 'me' ? viewer.userId : q.assigneeId));
  if (q.creatorId) where.push(eq(issue.creatorId, q.creatorId === 'me' ? viewer.userId : q.creatorId));
  if (q.labelId) {
    where.push(inArray(issue.id, ex.select({ id: issueLabel.issueId }).from(issueLabel).where(eq(issueLabel.labelId, q.labelId))));
  }
  if (q.priority) where.push(eq(issue.priority, priorityValue(q.priority)));
  if (q.parentId === 'none') where.push(isNull(issue.parentId));
  else if (q.parentId) where.push(eq(issue.parentId, (await getReadableIssue(ex, viewer, q.parentId, '/query/parentId')).id));
  checkStorableDate(q.dueBefore, '/query/dueBefore', 400);
  checkStorableDate(q.dueAfter, '/query/dueAfter', 400);
  if (q.dueBefore) where.push(lte(issue.dueDate, q.dueBefore));
  if (q.dueAfter) where.push(gte(issue.dueDate, q.dueAfter));
  if (!q.includeArchived) where.push(isNull(issue.archivedAt));
  const text = q.q?.trim() ?? '';
  if (text) {
    const ident = parseIdentifier(text);
    let byIdent: SQL | undefined;
    if (ident) {
      const teamId = await teamIdByKey(ex, viewer.workspaceId, ident.key);
      if (teamId) byIdent = and(eq(issue.teamId, teamId), eq(issue.number, ident.number));
    }
    const byTitle = codePointLength(text) <= TITLE_MAX ? sql`${issue.title} ilike ${`%${escapeLike(text)}%`}` : undefined;
    if (!byIdent && !byTitle) return null;
    where.push((byIdent && byTitle ? or(byTitle, byIdent) : (byIdent ?? byTitle)) as SQL);
  }
  return { where, teamId };
}

/** The decoded position of a cursor for `orderBy`. @throws AppError 400 `invalid_cursor` */
function decodeCursor(codec: CursorCodec, cursor: string, orderBy: IssueOrderName): { key: unknown; id: string } {
  const v = codec.decode(cursor);
  const [tag, order, key, id] = v;
  if (v.length !== 4 || tag !== CURSOR_TAG || order !== orderBy || !ORDERS[orderBy].validKey(key) || typeof id !== 'string' || !isUuid(id)) {
    throw badRequest('invalid_cursor', 'The cursor is invalid for this list; start again without it', '/query/cursor');
  }
  return { key, id };
}

/** The label ids of the selected issue, sorted, as a uuid[] (one index lookup per row). */
const labelIdsSql = sql<string[]>`array(select ${issueLabel.labelId} from ${issueLabel} where ${issueLabel.issueId} = ${issue.id} order by ${issueLabel.labelId})`;

/** The list columns (see presentIssueListItem): no `description`, labels folded in. */
const LIST_COLUMNS = {
  id: issue.id,
  number: issue.number,
  teamId: issue.teamId,
  title: issue.title,
  stateId: issue.stateId,
  priority: issue.priority,
  estimate: issue.estimate,
  assigneeId: issue.assigneeId,
  creatorId: issue.creatorId,
  parentId: issue.parentId,
  sortOrder: issue.sortOrder,
  dueDate: issue.dueDate,
  startedAt: issue.startedAt,
  completedAt: issue.completedAt,
  canceledAt: issue.canceledAt,
  archivedAt: issue.archivedAt,
  createdAt: issue.createdAt,
  updatedAt: issue.updatedAt,
  teamKey: team.key,
  labelIds: labelIdsSql,
};

/**
 * The list's query (the first `limit + 1` rows after the cursor, list columns with their label
 * ids), or null when it is empty by construction, with the `teamId` whose readability an empty
 * page must confirm. Exposed so tests can EXPLAIN exactly what runs. Wrapped in an object because
 * a Drizzle query is thenable: returned bare from an async function it would run.
 */
export async function buildIssueListQuery(ex: Executor, viewer: TeamViewer, q: ListIssuesInput, codec: CursorCodec) {
  const orderBy: IssueOrderName = q.orderBy ?? 'createdAt';
  const spec = ORDERS[orderBy];
  const limit = q.limit ?? 50;
  const pos = q.cursor ? decodeCursor(codec, q.cursor, orderBy) : null;
  const built = await conditions(ex, viewer, q);
  if (!built) return null;
  const { where } = built;
  if (pos) where.push(spec.after(pos.key, pos.id));
  const query = ex
    .select({ ...LIST_COLUMNS, cursorKey: spec.key })
    .from(issue)
    .innerJoin(team, eq(team.id, issue.teamId))
    .where(and(...where))
    .orderBy(...spec.orderBy)
    .limit(limit + 1);
  return { query, teamId: built.teamId };
}

/**
 * One page of issues, list columns only (no `description`). Two statements in the common case
 * (the credentials, then the page with team visibility and label ids folded in); an empty page
 * of a named team costs the team check that tells "no issues" from 404.
 * @returns `{ data, nextCursor }`; `nextCursor` is null on the last page
 * @throws AppError 400 `invalid_cursor`, 404 for an unreadable `teamId`/`parentId`
 */
export async function listIssues(
  ex: Executor,
  viewer: TeamViewer,
  q: ListIssuesInput,
  codec: CursorCodec,
): Promise<{ data: PresentedIssueListItem[]; nextCursor: string | null }> {
  const built = await buildIssueListQuery(ex, viewer, q, codec);
  if (!built) {
    // Search text that cannot match: still a 404 for a team the viewer cannot read.
    if (q.teamId) await getReadableTeam(ex, viewer, q.teamId, '/query/teamId');
    return { data: [], nextCursor: null };
  }
  const limit = q.limit ?? 50;
  const rows = await built.query;
  if (!rows.length && built.teamId) await getReadableTeam(ex, viewer, built.teamId, '/query/teamId');
  const n = Math.min(rows.length, limit);
  const data: PresentedIssueListItem[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as (typeof rows)[number];
    data[i] = presentIssueListItem(r, r.teamKey, r.labelIds);
  }
  const last = rows[n - 1];
  const orderBy = q.orderBy ?? 'createdAt';
  return {
    data,
    nextCursor: rows.length > limit && last ? codec.encode([CURSOR_TAG, orderBy, last.cursorKey, last.id]) : null,
  };
}
