/**
 * Wire types of the sync protocol, mirroring the server's apps/server/src/sync/protocol.ts
 * (the SDK never imports server code). See reference/sync-design.md §10.
 */

/** Protocol version this SDK speaks. */
export const SYNC_PROTOCOL = 1;

/** Operation actions. */
export type OpAction = 'insert' | 'update' | 'delete';

/** One change from the op log. */
export interface SyncOp {
  /** Version of the transaction that made it. */
  v: number;
  /** Position inside that transaction. */
  seq: number;
  entity: string;
  id: string;
  action: OpAction;
  /** Full post-image; null (or the key of a team membership) for deletes. */
  data: any;
  actor: string | null;
  /** The client mutation that caused it (only on your own operations). */
  cm?: { clientId: string; mutationId: number };
}

/** A batch: every visible operation of the versions `(fromVersion, toVersion]`. */
export interface OpsBatch {
  fromVersion: number;
  toVersion: number;
  ops: SyncOp[];
}

/** Why the server asks for a fresh bootstrap. */
export type ResetReason = 'too_far_behind' | 'slow_consumer' | 'protocol_unsupported' | 'scope_changed';

/** Frames the server sends. */
export type ServerFrame =
  | { type: 'welcome'; protocol: number; headVersion: number; userId: string; workspaceId: string; teamIds: string[]; heartbeatMs: number }
  | ({ type: 'ops' } & OpsBatch)
  | { type: 'caughtUp'; version: number }
  | { type: 'scopeChange'; version: number; added: string[]; removed: string[] }
  | { type: 'reset'; reason: ResetReason; retryAfterMs: number }
  | { type: 'error'; code: string; retry: 'backoff' | 'reauth' | 'none'; detail: string }
  | { type: 'ping'; t: number }
  | { type: 'pong'; t: unknown };

/** The first frame a client sends. */
export interface HelloFrame {
  type: 'hello';
  protocol: number;
  clientId: string;
  baseVersion: number;
  /** A personal access token (non-browser clients); browsers rely on the session cookie. */
  token?: string;
  /** Workspace id or URL slug, for session clients in several workspaces. */
  workspace?: string;
}

/** Header line of a bootstrap stream. */
export interface BootstrapHeader {
  version: number;
  protocol: number;
  workspaceId: string;
  userId: string;
  includeArchived: boolean;
  lastMutationId?: number;
}
