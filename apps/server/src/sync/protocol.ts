/**
 * The sync protocol's messages (JSON text frames on `GET /api/v1/sync/ws`), after
 * reference/sync-design.md §10. The SDK (packages/sdk/src/sync/protocol.ts) mirrors these types.
 *
 * Client → server:
 * - `hello {protocol, clientId, baseVersion, token?, workspace?}`: the first frame. `token` (a
 *   personal access token) is how non-browser clients authenticate; browsers use the session
 *   cookie. Credentials never travel in the URL.
 * - `pong {t}`: the answer to a `ping`.
 *
 * Server → client:
 * - `welcome {protocol, headVersion, userId, workspaceId, teamIds, heartbeatMs}`
 * - `ops {fromVersion, toVersion, ops}`: apply only when `fromVersion` equals the local version.
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
}

/** Server frames. */
export type ServerMessage =
  | { type: 'welcome'; protocol: number; headVersion: number; userId: string; workspaceId: string; teamIds: string[]; heartbeatMs: number }
  | { type: 'ops'; fromVersion: number; toVersion: number; ops: WireOp[] }
  | { type: 'caughtUp'; version: number }
  | { type: 'scopeChange'; version: number; added: string[]; removed: string[] }
  | { type: 'reset'; reason: ResetReason; retryAfterMs: number }
  | { type: 'error'; code: string; retry: 'backoff' | 'reauth' | 'none'; detail: string }
  | { type: 'ping'; t: number };
