/**
 * The audit log: security-relevant events (`audit_event` rows) — who did what, to what, from
 * where. Call `recordAudit` with the transaction that makes the change, so the event exists
 * exactly when the change committed; for events that are not a change (a failed sign-in), pass
 * the database itself.
 *
 * Action names are dotted and past-tense: `auth.signed_in`, `auth.sign_in_failed`,
 * `session.revoked`, `token.created`, `token.revoked`, `member.role_changed`, ….
 * Events about an account rather than a workspace (sign-ins, sessions) have no workspace; the
 * workspace audit log shows them for the workspace's current members.
 * Metadata must never hold secrets (tokens, cookies, link tokens): `recordAudit` refuses keys
 * that look like one.
 */
import { auditEvent, type Executor } from '@exponential/db';
import type { FastifyRequest } from 'fastify';
import { clientIp } from './client-ip.ts';
import { newId } from './ids.ts';

/** Longest User-Agent stored. */
export const MAX_USER_AGENT = 512;

/** Actions this codebase records (others may be added; keep them dotted and past-tense). */
export const AUDIT_ACTIONS = {
  signedIn: 'auth.signed_in',
  signInFailed: 'auth.sign_in_failed',
  sessionRevoked: 'session.revoked',
} as const;

/** One event to record. */
export interface AuditRecord {
  /** Workspace the event belongs to; null for account-level events (sign-in, sessions). */
  workspaceId: string | null;
  /** User who acted; null when unknown (e.g. a sign-in attempt with an invalid link). */
  actorId: string | null;
  /** Dotted action name, e.g. `session.revoked`. */
  action: string;
  /** Kind of the object acted on (`session`, `token`, `member`…), or null. */
  targetType?: string | null;
  /** Id of the object acted on, or null. */
  targetId?: string | null;
  /** Client address (lib/client-ip.ts), or null. */
  ip?: string | null;
  /** User-Agent header, truncated to {@link MAX_USER_AGENT} characters. */
  userAgent?: string | null;
  /** Extra facts (no secrets). */
  metadata?: Record<string, unknown>;
  /** Time of the event (the server clock: `ctx.now` or `clock.now()`). */
  at: Date;
}

const SECRET_KEY = /token|secret|password|cookie|authorization/i;

/**
 * Inserts an audit event.
 * @param ex the transaction making the change (or the database for a non-change event)
 * @returns the new event's id
 * @throws Error when metadata has a key that looks like a secret (a programming error)
 */
export async function recordAudit(ex: Executor, e: AuditRecord): Promise<string> {
  for (const k of Object.keys(e.metadata ?? {})) {
    if (SECRET_KEY.test(k)) throw new Error(`audit metadata must not hold secrets (key "${k}")`);
  }
  const id = newId();
  await ex.insert(auditEvent).values({
    id,
    workspaceId: e.workspaceId,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    ip: e.ip ?? null,
    userAgent: e.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    metadata: e.metadata ?? {},
    createdAt: e.at,
  });
  return id;
}

/** Where a request came from: its client address and User-Agent, ready for {@link recordAudit}. */
export function requestOrigin(req: FastifyRequest): { ip: string; userAgent: string | null } {
  const ua = req.headers['user-agent'];
  return { ip: clientIp(req), userAgent: typeof ua === 'string' ? ua.slice(0, MAX_USER_AGENT) : null };
}
