import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { Nullable, Page, PageQuery, Timestamp, Uuid, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { createAuditService } from './audit.service.ts';

/** One audit event as the API shows it. */
export const AuditEventSchema = Type.Object(
  {
    id: Uuid,
    /** Dotted action name, e.g. `auth.signed_in`, `session.revoked`, `member.role_changed`. */
    action: Type.String(),
    actor: Nullable(Type.Object({ id: Uuid, name: Type.String(), email: Type.String() })),
    /** Null for account-level events (sign-ins, sessions) of a member. */
    workspaceId: Nullable(Uuid),
    targetType: Nullable(Type.String()),
    targetId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { $id: 'AuditEvent' },
);

/** Query of the audit log: paging plus an exact action filter. */
export const ListAuditEventsQuery = Type.Object(
  {
    ...PageQuery,
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][a-z_]*(\\.[a-z][a-z_]*)+$' })),
  },
  { additionalProperties: false },
);

/** The workspace audit log under `/api/v1/audit-events` (owners and admins). */
export async function auditRoutes(app: App, deps: ModuleDeps) {
  const audit = createAuditService(deps);
  app.addSchema(AuditEventSchema);

  app.get('/api/v1/audit-events', {
    schema: {
      operationId: 'listAuditEvents', tags: ['audit'], querystring: ListAuditEventsQuery,
      response: { 200: Page(Type.Ref('AuditEvent')), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req) => audit.list(workspaceActor(req), req.query));
}
