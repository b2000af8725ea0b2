/**
 * Reading the audit log (`GET /api/v1/audit-events`): owners and admins see, newest first, the
 * workspace's events plus the account-level events (sign-ins, failed sign-ins, ended sessions)
 * of the workspace's current members. Keyset pagination on (created_at, id).
 */
import { and, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { auditEvent, member, user } from '@exponential/db';
import type { ModuleDeps } from '../../app.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { badRequest } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { authorize, type Role } from '../../lib/policy.ts';

/** Who is reading: a workspace actor. */
export interface AuditReader {
  workspaceId: string;
  role: Role;
}

/** Filters and paging of the list. */
export interface AuditQuery {
  limit?: number;
  cursor?: string;
  action?: string;
}

/** Creates the audit-log reading service. */
export function createAuditService(deps: ModuleDeps) {
  const db = deps.database.db;
  const { config } = deps;
  const cursors = createCursorCodec([config.sessionSecret, ...(config.sessionSecretPrevious ? [config.sessionSecretPrevious] : [])]);

  return {
    /**
     * One page of audit events, newest first.
     * @throws AppError 403 `forbidden` for members and guests; 400 `invalid_cursor`
     */
    async list(actor: AuditReader, query: AuditQuery) {
      authorize(actor, 'audit.read', 'Only workspace owners and admins can read the audit log');
      const limit = query.limit ?? 50;
      let before;
      if (query.cursor) {
        const [at, id] = cursors.decode(query.cursor);
        const when = typeof at === 'string' ? new Date(at) : null;
        if (!when || Number.isNaN(when.getTime()) || typeof id !== 'string' || !isUuid(id)) {
          throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
        }
        before = or(lt(auditEvent.createdAt, when), and(eq(auditEvent.createdAt, when), lt(auditEvent.id, id)));
      }
      const members = db.select({ id: member.userId }).from(member).where(eq(member.workspaceId, actor.workspaceId));
      const scope = or(
        eq(auditEvent.workspaceId, actor.workspaceId),
        and(isNull(auditEvent.workspaceId), inArray(auditEvent.actorId, members)),
      );
      const rows = await db
        .select({ e: auditEvent, actorName: user.name, actorEmail: user.email })
        .from(auditEvent)
        .leftJoin(user, eq(user.id, auditEvent.actorId))
        .where(and(scope, query.action ? eq(auditEvent.action, query.action) : undefined, before))
        .orderBy(desc(auditEvent.createdAt), desc(auditEvent.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page.map(({ e, actorName, actorEmail }) => ({
          id: e.id,
          action: e.action,
          actor: e.actorId ? { id: e.actorId, name: actorName ?? '', email: actorEmail ?? '' } : null,
          workspaceId: e.workspaceId,
          targetType: e.targetType,
          targetId: e.targetId,
          ip: e.ip,
          userAgent: e.userAgent,
          metadata: (e.metadata ?? {}) as Record<string, unknown>,
          createdAt: e.createdAt.toISOString(),
        })),
        nextCursor: rows.length > limit && last ? cursors.encode([last.e.createdAt.toISOString(), last.e.id]) : null,
      };
    },
  };
}
