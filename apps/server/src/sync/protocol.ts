/**
 * The sync protocol's messages (JSON text frames on `GET /api/v1/sync/ws`), after
 * reference/sync-design.md §10. The SDK (packages/sdk/src/sync/protocol.ts) mirrors these types.
 *
 * Client → server:
 * - `hello {protocol, clientId, baseVersion, token?, workspace?, patches?, compression?}`: the
 *   first frame. `token` (a personal access token) is how non-browser clients authenticate;
 *   browsers use the session cookie. Credentials never travel in the URL. The two options are
 *   capabilities of the client (both off when absent, so older clients are served as before):
 *   - `patches: true`: issue updates may carry `patch` (the fields that changed since the issue's
 *     previous operation) instead of `data`. Only a client that keeps a store and has applied
 *     every operation it could see may ask (oplog.ts says when a patch is used). A patch for an
 *     issue the client does not hold means its copy is not what the server thinks: bootstrap.
 *   - `compression: 'deflate-raw'`: large `ops` frames (at least `gatewayLimits.compressMinBytes`
 *     of JSON, i.e. catch-up pages) may arrive as binary frames holding the JSON text compressed
 *     as raw DEFLATE (RFC 1951; `DecompressionStream('deflate-raw')` in browsers and Node). Each
 *     page is compressed once for every reader with the same view, not per connection, so the
 *     server keeps no zlib state per socket (unlike permessage-deflate, ws#1202).
 * - `pong {t}`: the answer to a `ping`.
 *
 * Server → client:
 * - `welcome {protocol, headVersion, userId, workspaceId, teamIds, heartbeatMs, patches,
 *   compression}`: the last two say which of the hello's options the server uses (false / null:
 *   none).
 * - `ops {fromVersion, toVersion, ops}`: apply only when `fromVersion` equals the local version.
 *   Each op is `{v, seq, entity, id, action, data | patch, actor, cm?}`; apply a `patch` over the
 *   held record (`{...record, ...patch}`).
 * - `caughtUp {version}`: the catch-up reached the head (sent once per connection).
 * - `scopeChange {version, added, removed}`: teams the user gained or lost (before the batch
 *   that reaches `version`); entities of removed teams must be dropped, added teams fetched.
 * - `reset {reason, retryAfterMs}`: drop the local copy and bootstrap again.
 * - `error {code, retry, detail}` then close.
 * - `ping {t}` every `heartbeatMs`.
 */
import type { WireOp } from './oplog.ts';

/** Protocol version spoken by this server. */
export const SYNC_PROTOCOL = 1;

/** Close codes (after Linear's 4001–4004 range). */
export const CLOSE = {
  /** Bootstrap again (follows a `reset`). */
  reset: 4001,
  /** Missing or invalid credentials. */
  unauthenticated: 4002,
  /** No longer allowed in the workspace. */
  forbidden: 4003,
  /** Malformed frame or protocol violation. */
  protocol: 4004,
  /** Closed for falling too far behind in reading. */
  slowConsumer: 4008,
} as const;

/** Why a client must re-bootstrap. */
export type ResetReason = 'too_far_behind' | 'slow_consumer' | 'protocol_unsupported' | 'scope_changed';

/** First client frame. */
export interface HelloMessage {
  type: 'hello';
  protocol: number;
  clientId: string;
  /** Version of the client's local copy (from a bootstrap or the last applied batch). */
  baseVersion: number;
  token?: string;
  /** Workspace id or URL slug (session clients with several workspaces). */
  workspace?: string;
  /** The client applies `patch` operations (see the module comment). */
  patches?: boolean;
  /** The client inflates binary `ops` frames compressed this way. */
  compression?: string;
}

/** Compression of large `ops` frames a client may ask for. */
export type FrameCompression = 'deflate-raw';

/** Server frames. */
export type ServerMessage =
  | {
      type: 'welcome';
      protocol: number;
      headVersion: number;
      userId: string;
      workspaceId: string;
      teamIds: string[];
      heartbeatMs: number;
      patches: boolean;
      compression: FrameCompression | null;
    }
  | { type: 'ops'; fromVersion: number; toVersion: number; ops: WireOp[] }
  | { type: 'caughtUp'; version: number }
  | { type: 'scopeChange'; version: number; added: string[]; removed: string[] }
  | { type: 'reset'; reason: ResetReason; retryAfterMs: number }
  | { type: 'error'; code: string; retry: 'backoff' | 'reauth' | 'none'; detail: string }
  | { type: 'ping'; t: number };
