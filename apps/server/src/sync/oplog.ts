/**
 * Reading the op log (`sync_operation`) for catch-up and live streaming.
 *
 * Versions are gapless per workspace and follow commit order (sync/mutation.ts), so a reader that
 * sees version V has seen every version below it. Pages always end on a whole version: a
 * client's store moves from one committed state to another, never into half a transaction.
 * Per-user filtering leaves holes, so every page says which versions it covers
 * (`fromVersion` exclusive, `toVersion` inclusive) rather than relying on `v` being contiguous.
 *
 * Patches: the log keeps every operation's full post-image (lossless: replaying it rebuilds the
 * tables, test/oplog-replay.test.ts). A page read with `patches` carries, for an issue update
 * whose previous operation on the same issue is still in the log, only the fields that differ
 * from that operation's post-image (`patch`, computed by the database from the two post-images)
 * instead of `data`. A reader that applied every operation it could see holds exactly that
 * previous post-image, because the patch is used only when nothing about visibility changed
 * between the two: the previous operation is an insert or update of the same team, neither
 * post-image is archived (clients drop archived issues), and no field disappeared. Anything else
 * keeps the full post-image.
 */
import { and, asc, eq, gt, min, sql } from 'drizzle-orm';
import { queryRows, syncOperation, workspace, type Executor } from '@exponential/db';
import type { OpAction } from './mutation.ts';
import { SCOPE_ENTITIES, inScope, type SyncScope } from './scope.ts';

/** An operation as clients receive it. */
export interface WireOp {
  /** The version of the transaction that made it. */
  v: number;
  /** Its position inside that transaction. */
  seq: number;
  entity: string;
  id: string;
  action: OpAction;
  /**
   * Full post-image as REST presents it; for deletes null (or the key, e.g. a team membership).
   * Absent when `patch` is sent.
   */
  data?: unknown;
  /**
   * Instead of `data`, for issue updates on connections that asked for patches: the fields whose
   * values differ from the previous operation's post-image (see the module comment).
   */
  patch?: Record<string, unknown>;
  /** User who made the change (null for system changes). */
  actor: string | null;
  /** The client mutation that caused it; only sent to the user who made it. */
  cm?: { clientId: string; mutationId: number };
}

/**
 * A stored operation, as a page holds it: a page read with patches has `patch` set (and `data`
 * null) on the issue updates it could derive one for.
 */
export type OpRow = Omit<typeof syncOperation.$inferSelect, 'createdAt'> & { patch?: Record<string, unknown> | null };

/** One page of the log: whole versions `(fromVersion, toVersion]`, unfiltered. */
export interface LogPage {
  fromVersion: number;
  toVersion: number;
  rows: OpRow[];
  /** Whether versions after `toVersion` may exist (read the next page from `toVersion`). */
  more: boolean;
}

/** The workspace's current version, or null when the workspace no longer exists. */
export async function headVersion(ex: Executor, workspaceId: string): Promise<number | null> {
  const [w] = await ex.select({ version: workspace.version }).from(workspace).where(eq(workspace.id, workspaceId));
  return w ? w.version : null;
}

/**
 * The lowest version a client may resume from: versions below the oldest retained operation
 * are gone, so a client behind that must re-bootstrap. Equals `head` when no operation is kept.
 */
export async function retentionFloor(ex: Executor, workspaceId: string, head: number): Promise<number> {
  const [r] = await ex.select({ m: min(syncOperation.version) }).from(syncOperation).where(eq(syncOperation.workspaceId, workspaceId));
  const oldest = r?.m === null || r?.m === undefined ? null : Number(r.m);
  return oldest === null ? head : oldest - 1;
}

/** Presents a stored operation for `viewerId` (the client mutation only to its author). */
export function presentOp(row: OpRow, viewerId: string): WireOp {
  const op: WireOp = row.patch
    ? { v: row.version, seq: row.seq, entity: row.entity, id: row.entityId, action: row.action as OpAction, patch: row.patch, actor: row.actorId }
    : { v: row.version, seq: row.seq, entity: row.entity, id: row.entityId, action: row.action as OpAction, data: row.data ?? null, actor: row.actorId };
  if (row.clientId && row.mutationId !== null && row.actorId === viewerId) {
    op.cm = { clientId: row.clientId, mutationId: row.mutationId };
  }
  return op;
}

/** The operations of `rows` that `scope`'s user may receive, presented for them. */
export function visibleOps(rows: OpRow[], scope: SyncScope): WireOp[] {
  return rows.filter((r) => inScope(scope, r.teamId)).map((r) => presentOp(r, scope.userId));
}

/** Whether any of `rows` may change who can read what (see scope.ts `SCOPE_ENTITIES`). */
export function touchesScope(rows: OpRow[]): boolean {
  return rows.some((r) => SCOPE_ENTITIES.has(r.entity));
}

/** The columns of a page (everything but `created_at`). */
const pageColumns = {
  workspaceId: syncOperation.workspaceId,
  version: syncOperation.version,
  seq: syncOperation.seq,
  entity: syncOperation.entity,
  entityId: syncOperation.entityId,
  action: syncOperation.action,
  data: syncOperation.data,
  teamId: syncOperation.teamId,
  actorId: syncOperation.actorId,
  clientId: syncOperation.clientId,
  mutationId: syncOperation.mutationId,
};

/**
 * Up to `limit` operations after `after` in order, each issue update whose patch can be derived
 * (module comment) with `patch` instead of `data`. The previous operation is found through
 * `sync_operation_entity_idx`; the patch is every top-level field of the new post-image whose
 * JSON value differs from the previous one's (`IS DISTINCT FROM` on jsonb).
 */
async function readPatchedRows(ex: Executor, workspaceId: string, after: number, limit: number): Promise<OpRow[]> {
  const rows = await queryRows<{
    version: number | string;
    seq: number;
    entity: string;
    entityId: string;
    action: string;
    data: unknown;
    patch: Record<string, unknown> | null;
    teamId: string | null;
    actorId: string | null;
    clientId: string | null;
    mutationId: number | string | null;
  }>(
    ex,
    sql`SELECT o.version, o.seq, o.entity, o.entity_id AS "entityId", o.action,
          CASE WHEN d.patch IS NULL THEN o.data END AS data, d.patch,
          o.team_id AS "teamId", o.actor_id AS "actorId", o.client_id AS "clientId", o.mutation_id AS "mutationId"
        FROM sync_operation o
        LEFT JOIN LATERAL (
          SELECT CASE
              WHEN p.action <> 'delete' AND jsonb_typeof(p.data) = 'object'
                AND p.team_id IS NOT DISTINCT FROM o.team_id
                AND p.data -> 'archivedAt' = 'null'::jsonb AND o.data -> 'archivedAt' = 'null'::jsonb
                AND p.data - ARRAY(SELECT jsonb_object_keys(o.data)) = '{}'::jsonb
              THEN (SELECT coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb) FROM jsonb_each(o.data) n WHERE p.data -> n.key IS DISTINCT FROM n.value)
            END AS patch
          FROM sync_operation p
          WHERE p.entity_id = o.entity_id AND p.workspace_id = o.workspace_id AND (p.version, p.seq) < (o.version, o.seq)
          ORDER BY p.version DESC, p.seq DESC
          LIMIT 1
        ) d ON o.entity = 'issue' AND o.action = 'update' AND jsonb_typeof(o.data) = 'object'
        WHERE o.workspace_id = ${workspaceId} AND o.version > ${after}
        ORDER BY o.version, o.seq
        LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    workspaceId,
    version: Number(r.version),
    seq: r.seq,
    entity: r.entity,
    entityId: r.entityId,
    action: r.action,
    data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    patch: typeof r.patch === 'string' ? JSON.parse(r.patch) : r.patch,
    teamId: r.teamId,
    actorId: r.actorId,
    clientId: r.clientId,
    mutationId: r.mutationId === null ? null : Number(r.mutationId),
  }));
}

/**
 * Reads whole versions after `after`, up to about `maxOps` operations (a single version larger
 * than that is returned whole, with full post-images).
 * @param opts.patches derive patches for issue updates (see the module comment)
 */
export async function readLogPage(ex: Executor, workspaceId: string, after: number, maxOps: number, opts: { patches?: boolean } = {}): Promise<LogPage> {
  const rows: OpRow[] = opts.patches
    ? await readPatchedRows(ex, workspaceId, after, maxOps + 1)
    : await ex
        .select(pageColumns)
        .from(syncOperation)
        .where(and(eq(syncOperation.workspaceId, workspaceId), gt(syncOperation.version, after)))
        .orderBy(asc(syncOperation.version), asc(syncOperation.seq))
        .limit(maxOps + 1);
  let page: OpRow[] = rows;
  let more = false;
  if (rows.length > maxOps) {
    more = true;
    const cut = (rows[maxOps] as OpRow).version;
    page = rows.slice(0, maxOps).filter((r) => r.version !== cut);
    if (!page.length) {
      // One transaction larger than a page: send it whole.
      page = await ex
        .select(pageColumns)
        .from(syncOperation)
        .where(and(eq(syncOperation.workspaceId, workspaceId), eq(syncOperation.version, cut)))
        .orderBy(asc(syncOperation.seq));
    }
  }
  const toVersion = page.length ? (page[page.length - 1] as OpRow).version : after;
  return { fromVersion: after, toVersion, rows: page, more };
}
