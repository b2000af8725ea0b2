/**
 * Sessions a user can see and end (ASVS 5.0 7.5.2): list the caller's live browser sessions, end
 * one, or end every other one. Each ended session leaves a `session.revoked` audit event.
 * Sessions belong to the account, not to a workspace, so nothing here touches the sync op log.
 *
 * "Live" means neither lifetime has passed: the absolute one (`expires_at`) and the idle one
 * (`last_seen_at` + `sessionIdleSeconds`), the same two rules plugins/auth.ts enforces.
 */
import { and, desc, eq, gt, lt, ne } from 'drizzle-orm';
import { session } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { AUDIT_ACTIONS, recordAudit } from '../../lib/audit.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import type { Actor } from '../../plugins/auth.ts';
import { deviceLabel } from './device-label.ts';

/** Where the request came from, recorded with each audit event. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

type SessionRow = typeof session.$inferSelect;

/** Creates the sessions service. */
export function createSessionService(deps: ModuleDeps) {
  const db = deps.database.db;
  const { config, clock } = deps;
  const cursors = createCursorCodec([config.sessionSecret, ...(config.sessionSecretPrevious ? [config.sessionSecretPrevious] : [])]);
  const idleMs = config.sessionIdleSeconds * 1000;

  const present = (s: SessionRow, currentId: string | undefined) => ({
    id: s.id,
    current: s.id === currentId,
    ip: s.ip,
    userAgent: s.userAgent,
    device: deviceLabel(s.userAgent),
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    idleExpiresAt: new Date(Math.min(s.lastSeenAt.getTime() + idleMs, s.expiresAt.getTime())).toISOString(),
  });

  /** Conditions selecting the live sessions of `userId` at `now`. */
  const live = (userId: string, now: Date) =>
    and(eq(session.userId, userId), gt(session.expiresAt, now), gt(session.lastSeenAt, new Date(now.getTime() - idleMs)));

  return {
    /**
     * The caller's live sessions, newest first.
     * @throws AppError 400 `invalid_cursor`
     */
    async list(actor: Actor, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50;
      let before;
      if (query.cursor) {
        const [id] = cursors.decode(query.cursor);
        if (typeof id !== 'string' || !isUuid(id)) throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
        before = lt(session.id, id);
      }
      const rows = await db
        .select()
        .from(session)
        .where(and(live(actor.userId, clock.now()), before))
        .orderBy(desc(session.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page.map((s) => present(s, actor.sessionId)),
        nextCursor: rows.length > limit && last ? cursors.encode([last.id]) : null,
      };
    },

    /**
     * Ends one of the caller's sessions (possibly the current one: that is signing out).
     * @returns whether the ended session was the current one
     * @throws AppError 404 `not_found` when the id is not one of the caller's live sessions
     */
    async revoke(actor: Actor, sessionId: string, origin: RequestOrigin): Promise<{ current: boolean }> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(session)
          .where(and(eq(session.id, sessionId), live(actor.userId, now)))
          .returning({ id: session.id });
        if (!gone) throw notFound('Session', '/params/sessionId');
        const current = gone.id === actor.sessionId;
        await recordAudit(tx, {
          workspaceId: null,
          actorId: actor.userId,
          action: AUDIT_ACTIONS.sessionRevoked,
          targetType: 'session',
          targetId: gone.id,
          ...origin,
          metadata: { reason: current ? 'signed_out' : 'revoked', current },
          at: now,
        });
        return { current };
      });
    },

    /**
     * Ends every session of the caller except the current one (expired ones included).
     * @returns how many live sessions were ended
     */
    async revokeOthers(actor: Actor, origin: RequestOrigin): Promise<{ revoked: number }> {
      const now = clock.now();
      const currentId = actor.sessionId ?? '00000000-0000-0000-0000-000000000000';
      return db.transaction(async (tx) => {
        const gone = await tx
          .delete(session)
          .where(and(eq(session.userId, actor.userId), ne(session.id, currentId)))
          .returning({ id: session.id, expiresAt: session.expiresAt, lastSeenAt: session.lastSeenAt });
        const wasLive = gone.filter((s) => s.expiresAt > now && s.lastSeenAt.getTime() + idleMs > now.getTime());
        for (const s of wasLive) {
          await recordAudit(tx, {
            workspaceId: null,
            actorId: actor.userId,
            action: AUDIT_ACTIONS.sessionRevoked,
            targetType: 'session',
            targetId: s.id,
            ...origin,
            metadata: { reason: 'revoke_others', current: false },
            at: now,
          });
        }
        return { revoked: wasLive.length };
      });
    },
  };
}

/** The sessions service's type. */
export type SessionService = ReturnType<typeof createSessionService>;
