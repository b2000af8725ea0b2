/**
 * OAuth applications of a workspace (owners and admins register them: name, redirect URIs,
 * scopes; the client secret is shown once, stored as SHA-256, and rotatable) and the
 * applications a user has authorized (listed and revoked by that user).
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { Type } from 'typebox';
import { auditEvent, oauthApplication, oauthToken } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { invalid, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../lib/policy.ts';
import { ListOf, Text, Timestamp, Uuid, errorResponses, iso } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { OAUTH_SCOPES, redirectUriProblem } from './oauth.model.ts';

const Scope = Type.Union(OAUTH_SCOPES.map((s) => Type.Literal(s)));
const ApplicationSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  clientId: Type.String(),
  secretPreview: Type.String(),
  redirectUris: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const AppBody = Type.Object(
  {
    name: Text(100),
    redirectUris: Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { minItems: 1, maxItems: 10, uniqueItems: true }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: OAUTH_SCOPES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);
const AppParams = Type.Object({ applicationId: Uuid });

type AppRow = typeof oauthApplication.$inferSelect;
const present = (a: AppRow) => ({
  id: a.id,
  name: a.name,
  clientId: a.clientId,
  secretPreview: a.secretPreview,
  redirectUris: a.redirectUris,
  scopes: a.scopes,
  createdAt: iso(a.createdAt) as string,
  updatedAt: iso(a.updatedAt) as string,
});

function checkRedirects(uris: string[]): void {
  uris.forEach((u, i) => {
    const problem = redirectUriProblem(u);
    if (problem) throw invalid(`/body/redirectUris/${i}`, `Redirect URI ${problem}`, 'invalid_redirect_uri');
  });
}

/** Routes under `/api/v1/oauth/applications` and `/api/v1/oauth/authorizations`. */
export async function oauthAppRoutes(app: App, deps: ModuleDeps) {
  const db = deps.database.db;
  const audit = (ws: string, actorId: string, action: string, targetId: string, metadata: object = {}) =>
    db.insert(auditEvent).values({ id: newId(), workspaceId: ws, actorId, action, targetType: 'oauth_application', targetId, metadata, createdAt: deps.clock.now() });

  const loadApp = async (workspaceId: string, id: string) => {
    const [a] = await db.select().from(oauthApplication).where(and(eq(oauthApplication.id, id), eq(oauthApplication.workspaceId, workspaceId)));
    if (!a) throw notFound('Application', '/params/applicationId', id);
    return a;
  };

  app.get('/api/v1/oauth/applications', {
    schema: { operationId: 'listOAuthApplications', tags: ['oauth'], response: { 200: ListOf(ApplicationSchema), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => {
    const actor = workspaceActor(req);
    authorize(actor, 'workspace.update', 'Only workspace owners and admins can manage applications');
    const rows = await db.select().from(oauthApplication).where(eq(oauthApplication.workspaceId, actor.workspaceId)).orderBy(desc(oauthApplication.createdAt));
    return { data: rows.map(present) };
  });

  app.post('/api/v1/oauth/applications', {
    schema: {
      operationId: 'createOAuthApplication', tags: ['oauth'], body: AppBody,
      response: { 201: Type.Object({ application: ApplicationSchema, clientSecret: Type.String() }), ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    const actor = workspaceActor(req);
    authorize(actor, 'workspace.update', 'Only workspace owners and admins can manage applications');
    checkRedirects(req.body.redirectUris);
    const secret = randomToken('ocs_');
    const now = deps.clock.now();
    const [a] = await db.insert(oauthApplication).values({
      id: newId(),
      workspaceId: actor.workspaceId,
      name: req.body.name.trim(),
      clientId: `oac_${randomToken().slice(0, 24)}`,
      clientSecretHash: sha256(secret),
      secretPreview: `${secret.slice(0, 8)}…`,
      redirectUris: req.body.redirectUris,
      scopes: req.body.scopes,
      createdById: actor.userId,
      createdAt: now,
      updatedAt: now,
    }).returning();
    await audit(actor.workspaceId, actor.userId, 'oauth_application.created', a!.id);
    return reply.status(201).send({ application: present(a!), clientSecret: secret });
  });

  app.patch('/api/v1/oauth/applications/:applicationId', {
    schema: {
      operationId: 'updateOAuthApplication', tags: ['oauth'], params: AppParams,
      body: Type.Partial(AppBody, { additionalProperties: false, minProperties: 1 }),
      response: { 200: ApplicationSchema, ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => {
    const actor = workspaceActor(req);
    authorize(actor, 'workspace.update', 'Only workspace owners and admins can manage applications');
    await loadApp(actor.workspaceId, req.params.applicationId);
    if (req.body.redirectUris) checkRedirects(req.body.redirectUris);
    const [a] = await db.update(oauthApplication).set({
      ...(req.body.name ? { name: req.body.name.trim() } : {}),
      ...(req.body.redirectUris ? { redirectUris: req.body.redirectUris } : {}),
      ...(req.body.scopes ? { scopes: req.body.scopes } : {}),
      updatedAt: deps.clock.now(),
    }).where(eq(oauthApplication.id, req.params.applicationId)).returning();
    await audit(actor.workspaceId, actor.userId, 'oauth_application.updated', a!.id);
    return present(a!);
  });

  app.post('/api/v1/oauth/applications/:applicationId/rotate-secret', {
    schema: {
      operationId: 'rotateOAuthApplicationSecret', tags: ['oauth'], params: AppParams,
      response: { 200: Type.Object({ application: ApplicationSchema, clientSecret: Type.String() }), ...errorResponses },
    },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req) => {
    const actor = workspaceActor(req);
    authorize(actor, 'workspace.update', 'Only workspace owners and admins can manage applications');
    await loadApp(actor.workspaceId, req.params.applicationId);
    const secret = randomToken('ocs_');
    const [a] = await db.update(oauthApplication).set({ clientSecretHash: sha256(secret), secretPreview: `${secret.slice(0, 8)}…`, updatedAt: deps.clock.now() })
      .where(eq(oauthApplication.id, req.params.applicationId)).returning();
    await audit(actor.workspaceId, actor.userId, 'oauth_application.secret_rotated', a!.id);
    return { application: present(a!), clientSecret: secret };
  });

  app.delete('/api/v1/oauth/applications/:applicationId', {
    schema: { operationId: 'deleteOAuthApplication', tags: ['oauth'], params: AppParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'workspace', scope: 'admin' },
  }, async (req, reply) => {
    const actor = workspaceActor(req);
    authorize(actor, 'workspace.update', 'Only workspace owners and admins can manage applications');
    await loadApp(actor.workspaceId, req.params.applicationId);
    await db.delete(oauthApplication).where(eq(oauthApplication.id, req.params.applicationId));
    await audit(actor.workspaceId, actor.userId, 'oauth_application.deleted', req.params.applicationId);
    return reply.status(204).send(null);
  });

  const AuthorizationSchema = Type.Object({ applicationId: Uuid, name: Type.String(), scopes: Type.Array(Type.String()), authorizedAt: Timestamp, lastUsedAt: Type.Union([Timestamp, Type.Null()]) });

  app.get('/api/v1/oauth/authorizations', {
    schema: { operationId: 'listOAuthAuthorizations', tags: ['oauth'], response: { 200: ListOf(AuthorizationSchema), ...errorResponses } },
    config: { auth: 'session' },
  }, async (req) => {
    const actor = workspaceActor(req);
    const now = deps.clock.now();
    const rows = await db
      .select({ t: oauthToken, name: oauthApplication.name })
      .from(oauthToken)
      .innerJoin(oauthApplication, eq(oauthApplication.id, oauthToken.applicationId))
      .where(and(eq(oauthToken.userId, actor.userId), eq(oauthToken.workspaceId, actor.workspaceId), isNull(oauthToken.revokedAt), gt(oauthToken.refreshExpiresAt, now)));
    const byApp = new Map<string, { applicationId: string; name: string; scopes: Set<string>; authorizedAt: Date; lastUsedAt: Date | null }>();
    for (const r of rows) {
      const e = byApp.get(r.t.applicationId) ?? { applicationId: r.t.applicationId, name: r.name, scopes: new Set<string>(), authorizedAt: r.t.createdAt, lastUsedAt: null };
      for (const s of r.t.scopes) e.scopes.add(s);
      if (r.t.createdAt < e.authorizedAt) e.authorizedAt = r.t.createdAt;
      if (r.t.lastUsedAt && (!e.lastUsedAt || r.t.lastUsedAt > e.lastUsedAt)) e.lastUsedAt = r.t.lastUsedAt;
      byApp.set(r.t.applicationId, e);
    }
    return { data: [...byApp.values()].map((e) => ({ ...e, scopes: [...e.scopes].sort(), authorizedAt: iso(e.authorizedAt) as string, lastUsedAt: iso(e.lastUsedAt) })) };
  });

  app.delete('/api/v1/oauth/authorizations/:applicationId', {
    schema: { operationId: 'revokeOAuthAuthorization', tags: ['oauth'], params: AppParams, response: { 204: Type.Null(), ...errorResponses } },
    config: { auth: 'session' },
  }, async (req, reply) => {
    const actor = workspaceActor(req);
    const revoked = await db.update(oauthToken).set({ revokedAt: deps.clock.now() })
      .where(and(eq(oauthToken.userId, actor.userId), eq(oauthToken.applicationId, req.params.applicationId), isNull(oauthToken.revokedAt)))
      .returning({ id: oauthToken.id });
    if (!revoked.length) throw notFound('Authorized application', '/params/applicationId', req.params.applicationId);
    await audit(actor.workspaceId, actor.userId, 'oauth_application.authorization_revoked', req.params.applicationId);
    return reply.status(204).send(null);
  });
}
