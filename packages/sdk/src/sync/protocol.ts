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
  /**
   * Full post-image; null (or the key of a team membership) for deletes. An operation that
   * arrived as a `patch` has it filled in by the store once applied (the held record with the
   * patch over it); it stays undefined only when the store did not hold the record.
   */
  data?: any;
  /**
   * Sent instead of `data` for issue updates when the client asked for patches: the fields that
   * differ from the previous operation. Apply as `{...held, ...patch}`.
   */
  patch?: Record<string, any>;
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

/** Compression of large `ops` frames (binary frames of raw DEFLATE, RFC 1951). */
export type FrameCompression = 'deflate-raw';

/** Frames the server sends. */
export type ServerFrame =
  | {
      type: 'welcome';
      protocol: number;
      headVersion: number;
      userId: string;
      workspaceId: string;
      teamIds: string[];
      heartbeatMs: number;
      /** Whether issue updates may come as patches (absent from servers that never send them). */
      patches?: boolean;
      /** Compression of large `ops` frames, or null/absent for text only. */
      compression?: FrameCompression | null;
    }
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
  /** Accept issue updates as patches (only a client that keeps a store). */
  patches?: boolean;
  /** Accept large `ops` frames compressed this way (binary frames). */
  compression?: FrameCompression;
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
