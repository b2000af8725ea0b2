import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import { auditEvent, workspace } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../lib/policy.ts';
import { errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { runMutation } from '../../sync/mutation.ts';
import { AUTH_METHODS, policyAdmits } from './auth-policy.ts';
import { session } from '@exponential/db';

const Method = Type.Union(AUTH_METHODS.map((m) => Type.Literal(m)));
const PolicySchema = Type.Object({ allowedMethods: Type.Array(Type.String()) });

/**
 * `GET/PUT /api/v1/workspaces/current/auth-policy`: the sign-in methods allowed into the workspace.
 * Owners and admins change it; a change that would lock out the admin's own session is refused.
 */
export async function authPolicyRoutes(app: App, deps: ModuleDeps) {
  const db = deps.database.db;

  app.get(
    '/api/v1/workspaces/current/auth-policy',
    {
      schema: { operationId: 'getAuthPolicy', tags: ['workspaces'], response: { 200: PolicySchema, ...errorResponses } },
      config: { auth: 'workspace' },
    },
    async (req) => {
      const actor = workspaceActor(req);
      const [w] = await db.select({ allowed: workspace.allowedAuthMethods }).from(workspace).where(eq(workspace.id, actor.workspaceId));
      return { allowedMethods: Array.isArray(w?.allowed) ? w.allowed : [] };
    },
  );

  app.put(
    '/api/v1/workspaces/current/auth-policy',
    {
      schema: {
        operationId: 'setAuthPolicy',
        tags: ['workspaces'],
        body: Type.Object({ allowedMethods: Type.Array(Method, { minItems: 1, maxItems: 3, uniqueItems: true }) }, { additionalProperties: false }),
        response: { 200: PolicySchema, ...errorResponses },
      },
      config: { auth: 'workspace', scope: 'admin' },
    },
    async (req) => {
      const actor = workspaceActor(req);
      authorize(actor, 'workspace.update', 'Only workspace owners and admins can change sign-in methods');
      const allowed = req.body.allowedMethods;
      if (actor.sessionId) {
        const [s] = await db.select({ method: session.authMethod }).from(session).where(eq(session.id, actor.sessionId));
        if (s && !policyAdmits(allowed, s.method as (typeof AUTH_METHODS)[number])) {
          throw invalid('/body/allowedMethods', `Keep "${s.method}" allowed: you are signed in with it and would lock yourself out`, 'policy_lockout');
        }
      }
      const { value } = await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        const [before] = await ctx.tx.select({ allowed: workspace.allowedAuthMethods }).from(workspace).where(eq(workspace.id, actor.workspaceId));
        if (!before) throw new AppError(404, 'not_found', 'Workspace not found');
        await ctx.tx.update(workspace).set({ allowedAuthMethods: allowed, updatedAt: ctx.now }).where(eq(workspace.id, actor.workspaceId));
        await ctx.tx.insert(auditEvent).values({
          id: newId(),
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'auth_policy.updated',
          targetType: 'workspace',
          targetId: actor.workspaceId,
          ip: req.ip,
          userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
          metadata: { from: before.allowed, to: allowed },
          createdAt: ctx.now,
        });
        return { allowedMethods: allowed as string[] };
      });
      return value;
    },
  );
}
