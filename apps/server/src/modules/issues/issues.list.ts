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
import { and, asc, desc, eq, fillPlaceholders, gte, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { issue, issueLabel, team, workflowState, type Executor } from '@exponential/db';
import type { CursorCodec } from '../../lib/cursor.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { codePointLength } from '../../lib/text.ts';
import { getReadableTeam, readableTeamSql, type TeamViewer, teamIdByKey } from '../teams/teams.repository.ts';
import { isManager } from '../../lib/policy.ts';
import { isoFromPg } from '../../lib/schemas.ts';
import { PRIORITIES, type PresentedIssueListItem, priorityValue } from './issues.presenter.ts';
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
  after(key: unknown, id: unknown): SQL;
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

/**
 * What distinguishes one page query's SQL text from another's: the order, whether there is a
 * cursor, the viewer's visibility class and which filters are present. Values never enter it, so
 * the text is built once per shape (see {@link pageQueryText}) and every request only fills in
 * its parameters.
 */
interface PageShape {
  orderBy: IssueOrderName;
  cursor: boolean;
  /** `all`: owners and admins (no team predicate); `member`, `guest`: see readableTeamSql. */
  visibility: 'all' | 'member' | 'guest';
  team: boolean;
  state: boolean;
  stateCategory: boolean;
  assignee: 'none' | 'id' | null;
  creator: boolean;
  label: boolean;
  priority: boolean;
  parent: 'none' | 'id' | null;
  dueBefore: boolean;
  dueAfter: boolean;
  includeArchived: boolean;
  search: 'title' | 'identifier' | 'both' | null;
}

/** A request's page query: its shape and the values of the shape's placeholders. */
interface PagePlan {
  shape: PageShape;
  values: Record<string, unknown>;
  /**
   * The team named by `teamId`, whose readability the page query checks itself (a predicate on
   * the joined team): an empty page must then ask whether the team is readable at all (404).
   */
  teamId: string | null;
}

/**
 * Resolves a list's filters to a shape and its values, or null when the list is empty by
 * construction (search text that cannot match). Team visibility is part of the page query (see
 * readableTeamSql), so a list of readable teams costs no statement of its own.
 * @throws AppError 404 for a `teamId` key that names no team, or a `parentId` the viewer cannot read
 */
async function planPage(ex: Executor, viewer: TeamViewer, q: ListIssuesInput, pos: { key: unknown; id: string } | null): Promise<PagePlan | null> {
  const values: Record<string, unknown> = { ws: viewer.workspaceId, limit: (q.limit ?? 50) + 1 };
  const visibility = isManager(viewer.role) ? 'all' : viewer.role === 'guest' ? 'guest' : 'member';
  if (visibility !== 'all') values.viewer = viewer.userId;
  let teamId: string | null = null;
  if (q.teamId) {
    teamId = isUuid(q.teamId) ? q.teamId : await teamIdByKey(ex, viewer.workspaceId, q.teamId);
    if (!teamId) throw notFound('Team', '/query/teamId', q.teamId);
    values.team = teamId;
  }
  if (q.stateId) values.state = q.stateId;
  if (q.stateCategory) values.stateCategory = q.stateCategory;
  if (q.assigneeId && q.assigneeId !== 'none') values.assignee = q.assigneeId === 'me' ? viewer.userId : q.assigneeId;
  if (q.creatorId) values.creator = q.creatorId === 'me' ? viewer.userId : q.creatorId;
  if (q.labelId) values.label = q.labelId;
  if (q.priority) values.priority = priorityValue(q.priority);
  if (q.parentId && q.parentId !== 'none') values.parent = (await getReadableIssue(ex, viewer, q.parentId, '/query/parentId')).id;
  checkStorableDate(q.dueBefore, '/query/dueBefore', 400);
  checkStorableDate(q.dueAfter, '/query/dueAfter', 400);
  if (q.dueBefore) values.dueBefore = q.dueBefore;
  if (q.dueAfter) values.dueAfter = q.dueAfter;
  let search: PageShape['search'] = null;
  const text = q.q?.trim() ?? '';
  if (text) {
    const ident = parseIdentifier(text);
    if (ident) {
      const identTeam = await teamIdByKey(ex, viewer.workspaceId, ident.key);
      if (identTeam) {
        values.identTeam = identTeam;
        values.identNumber = ident.number;
      }
    }
    const byIdent = values.identTeam !== undefined;
    const byTitle = codePointLength(text) <= TITLE_MAX;
    if (byTitle) values.title = `%${escapeLike(text)}%`;
    if (!byIdent && !byTitle) return null;
    search = byIdent && byTitle ? 'both' : byIdent ? 'identifier' : 'title';
  }
  if (pos) {
    values.cursorKey = pos.key;
    values.cursorId = pos.id;
  }
  const shape: PageShape = {
    orderBy: q.orderBy ?? 'createdAt',
    cursor: pos !== null,
    visibility,
    team: teamId !== null,
    state: !!q.stateId,
    stateCategory: !!q.stateCategory,
    assignee: q.assigneeId === 'none' ? 'none' : q.assigneeId ? 'id' : null,
    creator: !!q.creatorId,
    label: !!q.labelId,
    priority: !!q.priority,
    parent: q.parentId === 'none' ? 'none' : q.parentId ? 'id' : null,
    dueBefore: !!q.dueBefore,
    dueAfter: !!q.dueAfter,
    includeArchived: !!q.includeArchived,
    search,
  };
  return { shape, values, teamId };
}

const ph = sql.placeholder;

/**
 * The WHERE conditions of a shape, with placeholders where the values go (named as the keys of
 * {@link PagePlan.values}).
 */
function shapeConditions(ex: Executor, s: PageShape): SQL[] {
  const where: SQL[] = [eq(issue.workspaceId, ph('ws'))];
  // readableTeamSql embeds the viewer's id: a placeholder here (it only reads role and userId).
  const visible =
    s.visibility === 'all' ? undefined : readableTeamSql({ role: s.visibility, userId: ph('viewer') as unknown as string, workspaceId: '' });
  if (s.team) {
    where.push(eq(issue.teamId, ph('team')));
    // The joined team row is the one team: check it directly.
    if (visible) where.push(visible);
  } else if (visible) {
    // Every readable team: a semi-join the planner can drive from the readable teams.
    where.push(inArray(issue.teamId, ex.select({ id: team.id }).from(team).where(and(eq(team.workspaceId, ph('ws')), visible))));
  }
  if (s.state) where.push(eq(issue.stateId, ph('state')));
  if (s.stateCategory) {
    where.push(
      inArray(
        issue.stateId,
        ex
          .select({ id: workflowState.id })
          .from(workflowState)
          .where(and(eq(workflowState.workspaceId, ph('ws')), eq(workflowState.category, ph('stateCategory')))),
      ),
    );
  }
  if (s.assignee === 'none') where.push(isNull(issue.assigneeId));
  else if (s.assignee) where.push(eq(issue.assigneeId, ph('assignee')));
  if (s.creator) where.push(eq(issue.creatorId, ph('creator')));
  if (s.label) where.push(inArray(issue.id, ex.select({ id: issueLabel.issueId }).from(issueLabel).where(eq(issueLabel.labelId, ph('label')))));
  if (s.priority) where.push(eq(issue.priority, ph('priority')));
  if (s.parent === 'none') where.push(isNull(issue.parentId));
  else if (s.parent) where.push(eq(issue.parentId, ph('parent')));
  if (s.dueBefore) where.push(lte(issue.dueDate, ph('dueBefore')));
  if (s.dueAfter) where.push(gte(issue.dueDate, ph('dueAfter')));
  if (!s.includeArchived) where.push(isNull(issue.archivedAt));
  if (s.search) {
    const byTitle = sql`${issue.title} ilike ${ph('title')}`;
    const byIdent = and(eq(issue.teamId, ph('identTeam')), eq(issue.number, ph('identNumber'))) as SQL;
    where.push(s.search === 'both' ? (or(byTitle, byIdent) as SQL) : s.search === 'title' ? byTitle : byIdent);
  }
  if (s.cursor) where.push(ORDERS[s.orderBy].after(ph('cursorKey'), ph('cursorId')));
  return where;
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

/**
 * The list columns, named as `IssueListItem` names them (see PresentedIssueListItem), in its order:
 * no `description`, label ids folded in. Rows come back from the driver with these names and are
 * finished in place by {@link finishRow}: `identifier` carries the team key until then, `priority`
 * the stored number, timestamps PostgreSQL's text.
 */
const LIST_COLUMNS = {
  id: sql`${issue.id}`.as('id'),
  identifier: sql`${team.key}`.as('identifier'),
  number: sql`${issue.number}`.as('number'),
  teamId: sql`${issue.teamId}`.as('teamId'),
  title: sql`${issue.title}`.as('title'),
  stateId: sql`${issue.stateId}`.as('stateId'),
  priority: sql`${issue.priority}`.as('priority'),
  estimate: sql`${issue.estimate}`.as('estimate'),
  assigneeId: sql`${issue.assigneeId}`.as('assigneeId'),
  creatorId: sql`${issue.creatorId}`.as('creatorId'),
  parentId: sql`${issue.parentId}`.as('parentId'),
  labelIds: labelIdsSql.as('labelIds'),
  sortOrder: sql`${issue.sortOrder}`.as('sortOrder'),
  dueDate: sql`${issue.dueDate}`.as('dueDate'),
  startedAt: sql`${issue.startedAt}`.as('startedAt'),
  completedAt: sql`${issue.completedAt}`.as('completedAt'),
  canceledAt: sql`${issue.canceledAt}`.as('canceledAt'),
  archivedAt: sql`${issue.archivedAt}`.as('archivedAt'),
  createdAt: sql`${issue.createdAt}`.as('createdAt'),
  updatedAt: sql`${issue.updatedAt}`.as('updatedAt'),
};

/** SQL text and parameters (placeholders or constants) of a page query, as drizzle built it. */
interface PageQueryText {
  sql: string;
  params: unknown[];
}

/** Page query texts by shape key; bounded (the oldest shape goes first) though the shapes are few. */
const pageQueries = new Map<string, PageQueryText>();
const PAGE_QUERIES_MAX = 512;

function shapeKey(s: PageShape): string {
  return `${s.orderBy}|${+s.cursor}|${s.visibility}|${+s.team}${+s.state}${+s.stateCategory}|${s.assignee}|${+s.creator}${+s.label}${+s.priority}|${s.parent}|${+s.dueBefore}${+s.dueAfter}${+s.includeArchived}|${s.search}`;
}

/**
 * The page query of a shape: the first `limit + 1` rows after the cursor (list columns and the
 * order's cursor key), built with drizzle on the shape's first use and kept.
 */
function pageQueryText(ex: Executor, s: PageShape): PageQueryText {
  const key = shapeKey(s);
  let text = pageQueries.get(key);
  if (!text) {
    const spec = ORDERS[s.orderBy];
    text = ex
      .select({ ...LIST_COLUMNS, cursorKey: spec.key.as('cursorKey') })
      .from(issue)
      .innerJoin(team, eq(team.id, issue.teamId))
      .where(and(...shapeConditions(ex, s)))
      .orderBy(...spec.orderBy)
      .limit(ph('limit') as unknown as number)
      .toSQL();
    if (pageQueries.size >= PAGE_QUERIES_MAX) pageQueries.delete(pageQueries.keys().next().value as string);
    pageQueries.set(key, text);
  }
  return text;
}

/** A built page query with its values filled in. */
export interface IssueListQuery {
  sql: string;
  params: unknown[];
  /** The same, as drizzle's `toSQL()` gives it (tests EXPLAIN it). */
  toSQL(): { sql: string; params: unknown[] };
}

/**
 * The list's query (the first `limit + 1` rows after the cursor, list columns with their label
 * ids), or null when it is empty by construction, with the `teamId` whose readability an empty
 * page must confirm. Exposed so tests can EXPLAIN exactly what runs.
 * @throws AppError 400 `invalid_cursor`, 404 for an unreadable `teamId`/`parentId`
 */
export async function buildIssueListQuery(
  ex: Executor,
  viewer: TeamViewer,
  q: ListIssuesInput,
  codec: CursorCodec,
): Promise<{ query: IssueListQuery; teamId: string | null } | null> {
  const orderBy: IssueOrderName = q.orderBy ?? 'createdAt';
  const pos = q.cursor ? decodeCursor(codec, q.cursor, orderBy) : null;
  const plan = await planPage(ex, viewer, q, pos);
  if (!plan) return null;
  const text = pageQueryText(ex, plan.shape);
  const params = fillPlaceholders(text.params, plan.values);
  return { query: { sql: text.sql, params, toSQL: () => ({ sql: text.sql, params }) }, teamId: plan.teamId };
}

/** A page row as the driver returns it (see LIST_COLUMNS), finished in place into a list item. */
type ListRow = PresentedIssueListItem & { cursorKey: unknown };

const TIMESTAMPS = ['startedAt', 'completedAt', 'canceledAt', 'archivedAt', 'createdAt', 'updatedAt'] as const;

/** Turns a page row into an `IssueListItem` in place: identifier, priority name, ISO timestamps. */
function finishRow(r: ListRow): void {
  r.identifier = `${r.identifier}-${r.number}`;
  r.priority = PRIORITIES[r.priority as unknown as number] ?? 'none';
  for (const k of TIMESTAMPS) {
    const v = r[k] as string | null;
    if (v !== null) r[k] = isoFromPg(v);
  }
}

/**
 * One page of issues, list columns only (no `description`). Two statements in the common case
 * (the credentials, then the page with team visibility and label ids folded in); an empty page
 * of a named team costs the team check that tells "no issues" from 404. The page query's text is
 * built once per shape and its rows are presented in place (no ORM row mapping).
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
  // Unprepared (as drizzle runs its queries): PostgreSQL plans each page with its values.
  const result = (await ex._.session.prepareQuery({ sql: built.query.sql, params: built.query.params }, undefined, undefined, false).execute()) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: ListRow[] }).rows) as ListRow[];
  if (!rows.length && built.teamId) await getReadableTeam(ex, viewer, built.teamId, '/query/teamId');
  const n = Math.min(rows.length, limit);
  const data: ListRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as ListRow;
    finishRow(r);
    data[i] = r;
  }
  const last = rows[n - 1];
  const orderBy = q.orderBy ?? 'createdAt';
  return {
    data,
    nextCursor: rows.length > limit && last ? codec.encode([CURSOR_TAG, orderBy, last.cursorKey, last.id]) : null,
  };
}
