import { asc, eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { member, user, workspace } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';
import { forbidden } from '../../lib/errors.ts';
import { abilitiesOf } from '../../lib/policy.ts';
import { ProblemSchema, Uuid, errorResponses } from '../../lib/schemas.ts';
import { SESSION_COOKIE, actorOf } from '../../plugins/auth.ts';
import { PAGE_CSS, PAGE_CSS_PATH, escapeHtml, sendPage } from '../../lib/pages.ts';
import { createAuthService } from './auth.service.ts';

const MeSchema = Type.Object({
  user: Type.Object({ id: Uuid, email: Type.String(), name: Type.String(), avatarUrl: Type.Union([Type.String(), Type.Null()]) }),
  workspaceId: Type.Union([Uuid, Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  abilities: Type.Array(Type.String()),
  via: Type.String(),
  workspaces: Type.Array(Type.Object({ id: Uuid, name: Type.String(), urlSlug: Type.String(), role: Type.String() })),
});

/** Sign-in routes: magic link request, confirmation page, verification, sign-out, and `GET /me`. */
export async function authRoutes(app: App, deps: ModuleDeps) {
  const auth = createAuthService({
    db: deps.database.db,
    clock: deps.clock,
    config: deps.config,
    mailer: deps.mailer,
    // Locally the link is printed as a plain line a person can copy (and logged as well).
    log: (line) => {
      app.log.info(line);
      if (deps.config.mode === 'local') process.stdout.write(`\n  ${line}\n\n`);
    },
  });
  const secure = deps.config.appUrl.startsWith('https://');

  const setSessionCookie = (reply: FastifyReply, token: string, expiresAt: Date) => {
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
  };

  // A browser that sends an Origin must send ours: stops login CSRF (signing a victim into another account).
  const checkLoginOrigin = (req: FastifyRequest) => {
    const origin = req.headers.origin;
    const refused = `Cross-site sign-in refused: the Origin is not allowed; allowed: ${deps.config.allowedOrigins.join(', ')}`;
    if (req.headers['sec-fetch-site'] === 'cross-site') throw forbidden(refused, 'csrf_origin');
    if (typeof origin === 'string' && !deps.config.allowedOrigins.includes(origin)) throw forbidden(refused, 'csrf_origin');
  };

  app.post(
    '/api/v1/auth/magic-link',
    {
      schema: {
        operationId: 'requestMagicLink',
        tags: ['auth'],
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 254 }),
            redirectTo: Type.Optional(Type.String({ maxLength: 2048 })),
            workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ ok: Type.Boolean() }), ...errorResponses },
      },
      config: { auth: 'public', rateLimit: { max: deps.config.signInRateLimit, timeWindow: '15 minutes' } },
    },
    async (req, reply) => {
      checkLoginOrigin(req);
      await auth.requestMagicLink(req.body.email, req.body.redirectTo, req.body.workspace);
      return reply.status(202).send({ ok: true });
    },
  );

  app.get(
    PAGE_CSS_PATH,
    { schema: { hide: true }, config: { auth: 'public' } },
    async (_req, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(PAGE_CSS),
  );

  app.get(
    '/auth/verify',
    {
      schema: { hide: true, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }) },
      config: { auth: 'public' },
    },
    async (req, reply) => {
      const token = req.query.token ?? '';
      // `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null` with the
      // form's POST (Fetch §3.1), which the login CSRF check refuses. The token still never leaves
      // the origin in a Referer.
      reply.header('Referrer-Policy', 'same-origin');
      return sendPage(
        reply,
        200,
        'Sign in to exponential',
        `<p>Confirm to finish signing in on this device.</p><form method="post" action="/api/v1/auth/magic-link/verify"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit" class="primary">Continue</button></form>`,
      );
    },
  );

  app.post(
    '/api/v1/auth/magic-link/verify',
    {
      schema: {
        operationId: 'verifyMagicLink',
        tags: ['auth'],
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ userId: Uuid, redirectTo: Type.String() }), 303: Type.Null(), ...errorResponses },
      },
      config: { auth: 'public', rateLimit: { max: deps.config.signInRateLimit, timeWindow: '15 minutes' } },
    },
    async (req, reply) => {
      checkLoginOrigin(req);
      const s = await auth.verifyMagicLink(req.body.token, { ip: req.ip, userAgent: req.headers['user-agent'] });
      // Re-authentication replaces the browser's previous session instead of leaving it alive.
      const previous = req.cookies[SESSION_COOKIE];
      if (previous) await auth.signOut(previous);
      setSessionCookie(reply, s.token, s.expiresAt);
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      if (isForm) return reply.status(303).header('Location', s.redirectTo).send(null);
      return { userId: s.userId, redirectTo: s.redirectTo };
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      schema: { operationId: 'signOut', tags: ['auth'], response: { 204: Type.Null(), 401: ProblemSchema, 403: ProblemSchema } },
      config: { auth: 'session' },
    },
    async (req, reply) => {
      const raw = req.cookies[SESSION_COOKIE];
      if (raw) await auth.signOut(raw);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: { operationId: 'getMe', tags: ['auth'], response: { 200: MeSchema, 401: ProblemSchema } },
      config: { auth: 'user' },
    },
    async (req) => {
      const actor = actorOf(req);
      const db = deps.database.db;
      const [u] = await db.select().from(user).where(eq(user.id, actor.userId));
      const memberships = await db
        .select({ id: workspace.id, name: workspace.name, urlSlug: workspace.urlSlug, role: member.role })
        .from(member)
        .innerJoin(workspace, eq(workspace.id, member.workspaceId))
        .where(eq(member.userId, actor.userId))
        .orderBy(asc(member.createdAt));
      return {
        user: { id: u!.id, email: u!.email, name: u!.name, avatarUrl: u!.avatarUrl },
        workspaceId: actor.workspaceId,
        role: actor.role,
        abilities: abilitiesOf(actor.role),
        via: actor.via,
        workspaces: actor.via === 'session' ? memberships : memberships.filter((m) => m.id === actor.workspaceId),
      };
    },
  );
}
