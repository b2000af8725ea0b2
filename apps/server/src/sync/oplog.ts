/**
 * Reading the op log (`sync_operation`) for catch-up and live streaming.
 *
 * Versions are gapless per workspace and follow commit order (sync/mutation.ts), so a reader that
 * sees version V has seen every version below it. Pages always end on a whole version: a
 * client's store moves from one committed state to another, never into half a transaction.
 * Per-user filtering leaves holes, so every page says which versions it covers
 * (`fromVersion` exclusive, `toVersion` inclusive) rather than relying on `v` being contiguous.
 */
import { and, asc, eq, gt, min } from 'drizzle-orm';
import { syncOperation, workspace, type Executor } from '@exponential/db';
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
  /** Full post-image as REST presents it; for deletes null (or the key, e.g. a team membership). */
  data: unknown;
  /** User who made the change (null for system changes). */
  actor: string | null;
  /** The client mutation that caused it; only sent to the user who made it. */
  cm?: { clientId: string; mutationId: number };
}

/** A stored operation. */
export type OpRow = typeof syncOperation.$inferSelect;

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
  const op: WireOp = {
    v: row.version,
    seq: row.seq,
    entity: row.entity,
    id: row.entityId,
    action: row.action as OpAction,
    data: row.data ?? null,
    actor: row.actorId,
  };
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

/**
 * Reads whole versions after `after`, up to about `maxOps` operations (a single version larger
 * than that is returned whole).
 */
export async function readLogPage(ex: Executor, workspaceId: string, after: number, maxOps: number): Promise<LogPage> {
  const rows = await ex
    .select()
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
        .select()
        .from(syncOperation)
        .where(and(eq(syncOperation.workspaceId, workspaceId), eq(syncOperation.version, cut)))
        .orderBy(asc(syncOperation.seq));
    }
  }
  const toVersion = page.length ? (page[page.length - 1] as OpRow).version : after;
  return { fromVersion: after, toVersion, rows: page, more };
}
