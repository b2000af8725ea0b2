/**
 * The bootstrap snapshot: everything a user may read in a workspace, streamed as NDJSON so a
 * workspace of 100k issues never sits in memory (after Linear's `/sync/bootstrap`, see
 * reference/sync-design.md §1 and §10).
 *
 * Lines, in order:
 * 1. header `{version, protocol, workspaceId, userId, includeArchived, lastMutationId?}`;
 * 2. `{entity, data}` for the workspace, its members (public profiles), the readable teams,
 *    their memberships, workflow states, labels, then issues (non-archived unless asked), each
 *    presented exactly as REST and the op log present it (issue lines are made as JSON text by
 *    the database, `issueLinesSql`, byte for byte what `presentIssue` + `JSON.stringify` make:
 *    no row objects, Dates or intermediate strings per issue in this process; bench B9);
 * 3. trailer `{complete: true, counts}` (lines per entity). A response without the trailer is
 *    incomplete and must be discarded.
 *
 * Consistency: on PostgreSQL every line comes from one REPEATABLE READ, read-only transaction, so
 * the data is exactly the state at `version`. PGlite serves one caller at a time and a
 * transaction held for the length of a download would stall every other request, so there the
 * version is read first and the rows in short statements after it: each row is then at
 * `version` or later, and because every operation carries a full post-image, applying the
 * operations after `version` (which every client does next) yields exactly the state they end
 * at. Either way the client resumes from the header's `version`.
 */
import { and, asc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { clientMutation, label, member, teamMember, user, workflowState, workspace, type Database, type Executor } from '@exponential/db';
import { presentLabel } from '../modules/labels/labels.presenter.ts';
import { presentMemberOp } from '../modules/members/members.presenter.ts';
import { presentState, presentTeam, presentTeamMember } from '../modules/teams/teams.presenter.ts';
import { readableTeams } from '../modules/teams/teams.repository.ts';
import { presentWorkspace } from '../modules/workspaces/workspaces.service.ts';
import { headVersion } from './oplog.ts';
import { SYNC_PROTOCOL } from './protocol.ts';
import type { SyncScope } from './scope.ts';

/** Entities a bootstrap contains, in the order they are sent. */
export const BOOTSTRAP_ENTITIES = ['workspace', 'member', 'team', 'teamMember', 'workflowState', 'label', 'issue'] as const;

/** Options of {@link streamBootstrap}. */
export interface BootstrapOptions {
  /** Include archived issues too. */
  includeArchived: boolean;
  /** A sync client id: its last applied mutation id is reported in the header. */
  clientId?: string;
  /** Issues per database page. */
  pageSize?: number;
  /** Bytes buffered before handing a chunk to the sink (default 64 KB). */
  chunkBytes?: number;
}

/**
 * Where lines go; `write` resolves once the consumer can take more (back-pressure). A sink that
 * also has `writeBytes` gets UTF-8 chunks instead, encoded straight into a buffer line by line
 * (no joined string to flatten and copy again; what the HTTP route uses).
 */
export interface LineSink {
  write(chunk: string): Promise<void>;
  writeBytes?(chunk: Buffer): Promise<void>;
}

/**
 * Streams the bootstrap of `scope`'s user to `sink`.
 * @throws Error when the sink fails (the client went away); nothing is written after that
 */
export async function streamBootstrap(database: Database, scope: SyncScope, opts: BootstrapOptions, sink: LineSink): Promise<void> {
  if (database.kind === 'postgres') {
    await database.db.transaction(async (tx) => writeSnapshot(tx, scope, opts, sink), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
  } else {
    await writeSnapshot(database.db, scope, opts, sink);
  }
}

/** Buffers lines into chunks of about `chunkBytes` (64 KB) before handing them to the sink. */
class LineWriter {
  private str = '';
  private buf: Buffer | null = null;
  private len = 0;
  readonly counts: Record<string, number> = {};
  constructor(
    private readonly sink: LineSink,
    private readonly chunkBytes: number,
  ) {
    if (sink.writeBytes) this.buf = Buffer.allocUnsafe(Math.max(chunkBytes, 1024));
  }

  async line(obj: unknown): Promise<void> {
    await this.append(`${JSON.stringify(obj)}\n`, '', '');
  }

  async entity(entity: string, data: unknown): Promise<void> {
    this.counts[entity] = (this.counts[entity] ?? 0) + 1;
    await this.line({ entity, data });
  }

  /** An `{entity, data}` line whose `data` is already JSON text. */
  async raw(entity: string, json: string): Promise<void> {
    this.counts[entity] = (this.counts[entity] ?? 0) + 1;
    await this.append(`{"entity":${JSON.stringify(entity)},"data":`, json, '}\n');
  }

  /** An `{entity, data}` line whose `data` is JSON as UTF-8 bytes (copied, not decoded, in byte mode). */
  async rawBytes(entity: string, json: Buffer): Promise<void> {
    const buf = this.buf;
    const prefix = `{"entity":${JSON.stringify(entity)},"data":`;
    if (!buf || prefix.length + json.length + 2 > buf.length - this.len) {
      await this.raw(entity, json.toString('utf8'));
      return;
    }
    this.counts[entity] = (this.counts[entity] ?? 0) + 1;
    this.len += buf.write(prefix, this.len, 'latin1');
    this.len += json.copy(buf, this.len);
    this.len += buf.write('}\n', this.len, 'latin1');
    if (this.len >= this.chunkBytes) await this.flush();
  }

  /** Appends `a`, `b` and `c` (one line, or its parts); flushes a full chunk. */
  private async append(a: string, b: string, c: string): Promise<void> {
    const buf = this.buf;
    if (!buf) {
      this.str += a + b + c;
      if (this.str.length >= this.chunkBytes) await this.flush();
      return;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit; count exactly only when that bound does not fit.
    const room = buf.length - this.len;
    if ((a.length + b.length + c.length) * 3 > room) {
      const exact = Buffer.byteLength(a) + Buffer.byteLength(b) + Buffer.byteLength(c);
      if (exact > room) {
        await this.flush();
        if (exact > (this.buf as Buffer).length) {
          await (this.sink.writeBytes as (c: Buffer) => Promise<void>)(Buffer.from(a + b + c));
          return;
        }
      }
    }
    const into = this.buf as Buffer;
    this.len += into.write(a, this.len);
    if (b) this.len += into.write(b, this.len);
    if (c) this.len += into.write(c, this.len);
    if (this.len >= this.chunkBytes) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf) {
      if (!this.len) return;
      const chunk = this.buf.subarray(0, this.len);
      this.buf = Buffer.allocUnsafe(this.buf.length);
      this.len = 0;
      await (this.sink.writeBytes as (c: Buffer) => Promise<void>)(chunk);
      return;
    }
    if (!this.str) return;
    const chunk = this.str;
    this.str = '';
    await this.sink.write(chunk);
  }
}

/** Rows of `db.execute`: postgres.js returns an array, PGlite an object with `rows`. */
function rowsOf<T>(res: unknown): T[] {
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

/** What {@link rawCursor} needs of drizzle's postgres-js database or transaction (internal fields). */
interface PostgresJsInternals {
  dialect?: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } };
  session?: {
    client?: {
      unsafe(query: string, params: unknown[]): { raw(): { cursor(rows: number): AsyncIterable<Array<Array<Buffer | null>>> } };
    };
  };
}

/**
 * On postgres.js: a function that runs `q` on the executor's own connection (so inside its
 * transaction) and yields its rows `rows` at a time as raw byte arrays. Undefined on PGlite, or
 * if drizzle's internals ever change shape (the caller then pages with `execute`).
 */
function rawCursor(ex: Executor): ((q: SQL, rows: number) => AsyncIterable<Array<Array<Buffer | null>>>) | undefined {
  const { dialect, session } = ex as unknown as PostgresJsInternals;
  const client = session?.client;
  if (!dialect || typeof dialect.sqlToQuery !== 'function' || !client || typeof client.unsafe !== 'function') return undefined;
  return (q, rows) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return client.unsafe(text, params).raw().cursor(rows);
  };
}

/** `ts` as `Date.prototype.toISOString` writes it (UTC, milliseconds truncated, `Z`), or null. */
const isoSql = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One page of a team's issues, each as the JSON text of `presentIssue` (same fields, same order,
 * same values: the identifier from the team's current key, the priority's name, label ids sorted,
 * timestamps as ISO strings with milliseconds), and its number for the next page.
 * test/sync-bootstrap.test.ts holds this equal to `presentIssue` on both engines.
 */
function issueLinesSql(teamId: string, teamKey: string, after: number, limit: number | null, includeArchived: boolean): SQL {
  const i = sql.raw('i');
  return sql`
    SELECT r.number AS n, row_to_json(r)::text AS j FROM (
      SELECT
        ${i}.id,
        ${teamKey}::text || '-' || ${i}.number AS identifier,
        ${i}.number,
        ${i}.team_id AS "teamId",
        ${i}.title,
        ${i}.description,
        ${i}.state_id AS "stateId",
        (CASE ${i}.priority WHEN 1 THEN 'urgent' WHEN 2 THEN 'high' WHEN 3 THEN 'medium' WHEN 4 THEN 'low' ELSE 'none' END) AS priority,
        ${i}.estimate,
        ${i}.assignee_id AS "assigneeId",
        ${i}.creator_id AS "creatorId",
        ${i}.parent_id AS "parentId",
        COALESCE((SELECT to_json(array_agg(il.label_id ORDER BY il.label_id)) FROM issue_label il WHERE il.issue_id = ${i}.id), '[]'::json) AS "labelIds",
        ${i}.sort_order AS "sortOrder",
        ${i}.due_date AS "dueDate",
        ${isoSql(sql`${i}.started_at`)} AS "startedAt",
        ${isoSql(sql`${i}.completed_at`)} AS "completedAt",
        ${isoSql(sql`${i}.canceled_at`)} AS "canceledAt",
        ${isoSql(sql`${i}.archived_at`)} AS "archivedAt",
        ${isoSql(sql`${i}.created_at`)} AS "createdAt",
        ${isoSql(sql`${i}.updated_at`)} AS "updatedAt"
      FROM issue ${i}
      WHERE ${i}.team_id = ${teamId} AND ${i}.number > ${after} ${includeArchived ? sql`` : sql`AND ${i}.archived_at IS NULL`}
      ORDER BY ${i}.number
      ${limit === null ? sql`` : sql`LIMIT ${limit}`}
    ) r`;
}

async function writeSnapshot(ex: Executor, scope: SyncScope, opts: BootstrapOptions, sink: LineSink): Promise<void> {
  const { workspaceId, userId } = scope;
  // First statement: under REPEATABLE READ it fixes the snapshot, and the version belongs to it.
  const version = await headVersion(ex, workspaceId);
  if (version === null) throw new Error('workspace vanished');
  const out = new LineWriter(sink, opts.chunkBytes ?? 64 * 1024);
  let lastMutationId: number | undefined;
  if (opts.clientId) {
    const [cm] = await ex
      .select({ last: clientMutation.lastMutationId })
      .from(clientMutation)
      .where(and(eq(clientMutation.clientId, opts.clientId), eq(clientMutation.userId, userId)));
    lastMutationId = cm?.last ?? 0;
  }
  await out.line({
    version,
    protocol: SYNC_PROTOCOL,
    workspaceId,
    userId,
    includeArchived: opts.includeArchived,
    ...(lastMutationId !== undefined ? { lastMutationId } : {}),
  });

  const [w] = await ex.select().from(workspace).where(eq(workspace.id, workspaceId));
  if (w) await out.entity('workspace', presentWorkspace(w));

  const members = await ex
    .select({ m: member, u: { name: user.name, email: user.email, avatarUrl: user.avatarUrl } })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(eq(member.workspaceId, workspaceId))
    .orderBy(asc(member.id));
  for (const r of members) await out.entity('member', presentMemberOp(r.m, r.u));

  const teams = (await readableTeams(ex, { userId, workspaceId, role: scope.role })).sort((a, b) => (a.id < b.id ? -1 : 1));
  const teamIds = teams.map((t) => t.id);
  for (const t of teams) await out.entity('team', presentTeam(t));

  if (teamIds.length) {
    const tms = await ex
      .select({ teamId: teamMember.teamId, userId: teamMember.userId })
      .from(teamMember)
      .where(and(eq(teamMember.workspaceId, workspaceId), inArray(teamMember.teamId, teamIds)))
      .orderBy(asc(teamMember.teamId), asc(teamMember.userId));
    for (const tm of tms) await out.entity('teamMember', presentTeamMember(tm.teamId, tm.userId));

    const states = await ex
      .select()
      .from(workflowState)
      .where(and(eq(workflowState.workspaceId, workspaceId), inArray(workflowState.teamId, teamIds)))
      .orderBy(asc(workflowState.teamId), asc(workflowState.position), asc(workflowState.id));
    for (const s of states) await out.entity('workflowState', presentState(s));
  }

  const labels = await ex
    .select()
    .from(label)
    .where(and(eq(label.workspaceId, workspaceId), teamIds.length ? or(isNull(label.teamId), inArray(label.teamId, teamIds)) : isNull(label.teamId)))
    .orderBy(asc(label.id));
  for (const l of labels) await out.entity('label', presentLabel(l));

  // Issues team by team, in pages along the (team_id, number) unique index; each line's JSON is
  // built by the database (see issueLinesSql), so no row, Date or presented object is made here.
  const pageSize = opts.pageSize ?? 2000;
  const cursor = rawCursor(ex);
  for (const t of teams) {
    if (cursor) {
      // PostgreSQL: one query per team read through a cursor inside the snapshot's transaction,
      // `pageSize` rows at a time and only when the sink took the previous ones; the JSON stays
      // bytes (postgres.js raw rows) from the socket to the response.
      for await (const rows of cursor(issueLinesSql(t.id, t.key, 0, null, opts.includeArchived), pageSize)) {
        for (const r of rows) await out.rawBytes('issue', r[1] as Buffer);
      }
      continue;
    }
    let after = 0;
    for (;;) {
      const rows = rowsOf<{ n: number; j: string }>(await ex.execute(issueLinesSql(t.id, t.key, after, pageSize, opts.includeArchived)));
      if (!rows.length) break;
      for (const r of rows) await out.raw('issue', r.j);
      after = Number((rows[rows.length - 1] as { n: number }).n);
      if (rows.length < pageSize) break;
    }
  }
  await out.line({ complete: true, counts: out.counts });
  await out.flush();
}
