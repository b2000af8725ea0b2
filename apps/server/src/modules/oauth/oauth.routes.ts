/**
 * The OAuth 2 authorization server for workspace applications (RFC 6749 authorization code grant
 * with PKCE S256 required (RFC 7636), refresh tokens with rotation, revocation (RFC 7009) and
 * metadata (RFC 8414)), on @node-oauth/oauth2-server.
 *
 * The authorization endpoint validates the client and the redirect URI before anything else: an
 * unknown client or an unregistered redirect URI gets a 400 page on our origin and never a
 * redirect. Only then are other errors sent back to the (registered) redirect URI.
 */
import { eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type OAuth2Server from '@node-oauth/oauth2-server';
import { type Static, Type } from 'typebox';
import { oauthApplication, oauthToken, workspace } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';
import { sha256 } from '../../lib/crypto.ts';
import { lazyImport } from '../../lib/lazy.ts';
import { escapeHtml, sendPage } from '../../lib/pages.ts';
import { SESSION_COOKIE, type Actor } from '../../plugins/auth.ts';
import { CODE_TTL_S, OAUTH_SCOPES, createOAuthModel, grantedScopes, matchRedirectUri, revokeFamily } from './oauth.model.ts';

/** @node-oauth/oauth2-server is loaded by the first authorization or token request. */
const loadOAuth2 = lazyImport('@node-oauth/oauth2-server', async (): Promise<typeof OAuth2Server> => (await import('@node-oauth/oauth2-server')).default);

const SCOPE_TEXT: Record<string, string> = {
  read: 'Read everything you can see in the workspace',
  write: 'Create and change issues, comments and other data as you',
  'issues:create': 'Create issues as you',
  'comments:create': 'Comment as you',
  admin: 'Administer the workspace with your role',
};

const AuthorizeQuery = Type.Object({
  response_type: Type.Optional(Type.String({ maxLength: 50 })),
  client_id: Type.Optional(Type.String({ maxLength: 100 })),
  redirect_uri: Type.Optional(Type.String({ maxLength: 2048 })),
  scope: Type.Optional(Type.String({ maxLength: 500 })),
  state: Type.Optional(Type.String({ maxLength: 1024 })),
  code_challenge: Type.Optional(Type.String({ maxLength: 200 })),
  code_challenge_method: Type.Optional(Type.String({ maxLength: 20 })),
});
type AuthorizeParams = Static<typeof AuthorizeQuery>;

const esc = escapeHtml;

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return sendPage(reply, status, title, body);
}

/** Redirects to a registered redirect URI with an OAuth error (only after the URI was validated). */
function redirectError(reply: FastifyReply, redirectUri: string, error: string, description: string, state?: string) {
  const u = new URL(redirectUri);
  u.searchParams.set('error', error);
  u.searchParams.set('error_description', description);
  if (state) u.searchParams.set('state', state);
  return reply.redirect(u.href, 303);
}

/** OAuth endpoints: `/oauth/authorize` (consent), `/oauth/token`, `/oauth/revoke`, metadata. */
export async function oauthRoutes(app: App, deps: ModuleDeps) {
  const db = deps.database.db;
  const { config, clock } = deps;

  /** Validates client and redirect URI; answers a 400 page (never a redirect) when either is wrong. */
  async function checkClient(q: AuthorizeParams, reply: FastifyReply) {
    if (!q.client_id) return { fail: page(reply, 400, 'Invalid request', '<p>The application did not say who it is (client_id is missing).</p>') };
    const [oapp] = await db.select().from(oauthApplication).where(eq(oauthApplication.clientId, q.client_id));
    if (!oapp) return { fail: page(reply, 400, 'Unknown application', '<p>No application is registered with this client id.</p>') };
    if (!q.redirect_uri || !matchRedirectUri(q.redirect_uri, oapp.redirectUris)) {
      return { fail: page(reply, 400, 'Invalid redirect URI', '<p>The redirect URI is not one registered for this application.</p>') };
    }
    return { oapp, redirectUri: q.redirect_uri };
  }

  /** The signed-in user, acting in the application's workspace, or null. */
  async function sessionIn(req: FastifyRequest, workspaceId: string): Promise<Actor | null> {
    const raw = req.cookies[SESSION_COOKIE];
    if (!raw) return null;
    try {
      const actor = await app.resolveCredentials({ sessionToken: raw, workspace: workspaceId });
      return actor && actor.workspaceId === workspaceId ? actor : null;
    } catch {
      return null;
    }
  }

  /** Checks the rest of an authorization request; returns an error redirect or the granted scopes. */
  function checkRequest(q: AuthorizeParams, oapp: typeof oauthApplication.$inferSelect, redirectUri: string, reply: FastifyReply) {
    if (q.response_type !== 'code') return { fail: redirectError(reply, redirectUri, 'unsupported_response_type', 'Only response_type=code is supported', q.state) };
    if (!q.code_challenge || q.code_challenge_method !== 'S256') {
      return { fail: redirectError(reply, redirectUri, 'invalid_request', 'PKCE with code_challenge_method=S256 is required', q.state) };
    }
    const scopes = grantedScopes(q.scope, oapp.scopes);
    if (!scopes) return { fail: redirectError(reply, redirectUri, 'invalid_scope', 'A requested scope is unknown or not allowed for this application', q.state) };
    return { scopes };
  }

  app.get(
    '/oauth/authorize',
    { schema: { hide: true, querystring: AuthorizeQuery }, config: { auth: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const q = req.query;
      const c = await checkClient(q, reply);
      if (c.fail) return c.fail;
      const { oapp, redirectUri } = c as { oapp: typeof oauthApplication.$inferSelect; redirectUri: string };
      const r = checkRequest(q, oapp, redirectUri, reply);
      if (r.fail) return r.fail;
      const actor = await sessionIn(req, oapp.workspaceId);
      if (!actor) {
        const back = `/oauth/authorize?${new URLSearchParams(q as Record<string, string>).toString()}`;
        return page(
          reply,
          401,
          'Sign in to continue',
          `<p>Sign in to exponential with an account that belongs to this application's workspace, then open this page again.</p><p><a href="/login?redirectTo=${esc(encodeURIComponent(back))}">Sign in</a></p>`,
        );
      }
      const [ws] = await db.select({ name: workspace.name }).from(workspace).where(eq(workspace.id, oapp.workspaceId));
      const hidden = Object.entries(q)
        .filter(([, v]) => typeof v === 'string')
        .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(String(v))}">`)
        .join('');
      const scopes = (r.scopes as string[]).map((s) => `<li>${esc(SCOPE_TEXT[s] ?? s)}</li>`).join('');
      return page(
        reply,
        200,
        `Authorize ${oapp.name}`,
        `<p><strong>${esc(oapp.name)}</strong> wants to access the <strong>${esc(ws?.name ?? '')}</strong> workspace as ${esc(actor.email)}:</p><ul>${scopes}</ul>
<p>It will be sent back to ${esc(new URL(redirectUri).origin)}.</p>
<form method="post" action="/oauth/authorize">${hidden}
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
      );
    },
  );

  app.post(
    '/oauth/authorize',
    {
      schema: { hide: true, body: Type.Intersect([AuthorizeQuery, Type.Object({ decision: Type.Optional(Type.String({ maxLength: 10 })) })]) },
      config: { auth: 'session', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const q = req.body;
      const c = await checkClient(q, reply);
      if (c.fail) return c.fail;
      const { oapp, redirectUri } = c as { oapp: typeof oauthApplication.$inferSelect; redirectUri: string };
      const r = checkRequest(q, oapp, redirectUri, reply);
      if (r.fail) return r.fail;
      const actor = await sessionIn(req, oapp.workspaceId);
      if (!actor) return page(reply, 403, 'Not allowed', "<p>Your account does not belong to this application's workspace.</p>");
      if (q.decision !== 'allow') return redirectError(reply, redirectUri, 'access_denied', 'The user denied access', q.state);
      const OAuth2 = await loadOAuth2();
      const { OAuthError, Request: OAuthRequest, Response: OAuthResponse } = OAuth2;
      const server = new OAuth2({ model: createOAuthModel(db, clock, { redirectUri }) as never, authorizationCodeLifetime: CODE_TTL_S, allowEmptyState: true });
      const request = new OAuthRequest({ method: 'POST', query: {}, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1' }, body: { ...q, scope: (r.scopes as string[]).join(' ') } });
      const response = new OAuthResponse({ headers: {} });
      try {
        await server.authorize(request, response, { authenticateHandler: { handle: () => ({ id: actor.userId }) } });
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
      }
      const location = response.get('location') as string | undefined;
      if (!location) return page(reply, 500, 'Authorization failed', '<p>Try again.</p>');
      return reply.redirect(location, 303);
    },
  );

  const tokenBody = Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 2048 }));

  app.post(
    '/oauth/token',
    { schema: { hide: true, body: tokenBody }, config: { auth: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const OAuth2 = await loadOAuth2();
      const { OAuthError, Request: OAuthRequest, Response: OAuthResponse } = OAuth2;
      const server = new OAuth2({
        model: createOAuthModel(db, clock, { redirectUri: req.body.redirect_uri }) as never,
        accessTokenLifetime: 3600,
        refreshTokenLifetime: 30 * 86400,
        alwaysIssueNewRefreshToken: true,
      });
      // The library checks the media type with type-is, which also wants a body length.
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1' };
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      const request = new OAuthRequest({ method: 'POST', query: {}, headers, body: req.body });
      const response = new OAuthResponse({ headers: {} });
      reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
      try {
        const token = await server.token(request, response, { requireClientAuthentication: { authorization_code: true, refresh_token: true } });
        return reply.status(200).send({
          access_token: token.accessToken,
          token_type: 'Bearer',
          expires_in: Math.max(0, Math.round(((token.accessTokenExpiresAt as Date).getTime() - clock.now().getTime()) / 1000)),
          refresh_token: token.refreshToken,
          scope: [token.scope ?? []].flat().join(' '),
        });
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
        const code = err.name === 'invalid_client' ? 401 : 400;
        return reply.status(code).send({ error: err.name, error_description: err.message });
      }
    },
  );

  app.post(
    '/oauth/revoke',
    { schema: { hide: true, body: tokenBody }, config: { auth: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (req, reply) => {
      // RFC 7009: authenticate the client, then answer 200 whether or not the token was known.
      const creds = clientCredentials(req.headers.authorization, req.body);
      const model = createOAuthModel(db, clock);
      const client = creds ? await model.getClient(creds.id, creds.secret) : false;
      if (!client) return reply.status(401).send({ error: 'invalid_client', error_description: 'Client authentication failed' });
      const token = req.body.token ?? '';
      const h = sha256(token);
      const [row] = await db.select().from(oauthToken).where(token.startsWith('ort_') ? eq(oauthToken.refreshTokenHash, h) : eq(oauthToken.accessTokenHash, h));
      if (row && row.applicationId === client.id) {
        if (token.startsWith('ort_')) await revokeFamily(db, row.familyId, clock.now());
        else await db.update(oauthToken).set({ revokedAt: clock.now() }).where(eq(oauthToken.id, row.id));
      }
      return reply.status(200).send({});
    },
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    { schema: { hide: true }, config: { auth: 'public' } },
    async () => ({
      issuer: config.appUrl,
      authorization_endpoint: `${config.appUrl}/oauth/authorize`,
      token_endpoint: `${config.appUrl}/oauth/token`,
      revocation_endpoint: `${config.appUrl}/oauth/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...OAUTH_SCOPES],
    }),
  );
}

/** Client credentials from HTTP Basic or the body (client_secret_basic / client_secret_post). */
function clientCredentials(h: string | undefined, body: Record<string, string> | undefined): { id: string; secret: string } | null {
  if (h?.startsWith('Basic ')) {
    const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  }
  if (body?.client_id && body.client_secret) return { id: body.client_id, secret: body.client_secret };
  return null;
}
