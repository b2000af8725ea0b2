/**
 * Sign-in with Google or any OpenID Connect issuer (openid-client, authorization code flow with
 * PKCE S256, state and nonce). The flow's secrets travel in a signed, HttpOnly, 10-minute cookie
 * set by the start endpoint, so the callback only completes in the browser that began it.
 * `email_verified` must be true; accounts are linked by provider subject, else by verified e-mail.
 * Provider tokens are not kept.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type * as Oidc from 'openid-client';
import { Type } from 'typebox';
import { authAccount, user } from '@exponential/db';
import type { App, ModuleDeps } from '../../app.ts';
import type { OidcProviderConfig } from '../../config.ts';
import { AppError, badRequest, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { lazyImport } from '../../lib/lazy.ts';
import { ListOf } from '../../lib/schemas.ts';
import { SESSION_COOKIE } from '../../plugins/auth.ts';
import { escapeHtml, sendPage } from '../../lib/pages.ts';
import { assertSignInAllowed } from './auth-policy.ts';
import { createAuthService, normalizeEmail, safeRedirect } from './auth.service.ts';

/** openid-client (and oauth4webapi, jose) is loaded by the first sign-in through a provider. */
const loadOidc = lazyImport('openid-client', () => import('openid-client'));

const FLOW_COOKIE = 'exponential_oidc';
const FLOW_TTL_S = 600;

interface FlowState {
  p: string;
  s: string;
  n: string;
  v: string;
  r: string;
}

/** Public description of a configured provider, for the sign-in page. */
const ProviderSchema = Type.Object({ id: Type.String(), name: Type.String(), startUrl: Type.String() });

/** `/api/v1/auth/providers`, `/api/v1/auth/oidc/:provider/start` and `/callback`. */
export async function oidcRoutes(app: App, deps: ModuleDeps) {
  const { config } = deps;
  const db = deps.database.db;
  const auth = createAuthService({ db, clock: deps.clock, config, mailer: deps.mailer });
  const secure = config.appUrl.startsWith('https://');
  const discovered = new Map<string, Promise<Oidc.Configuration>>();

  const provider = (id: string): OidcProviderConfig => {
    const p = config.oidcProviders.find((x) => x.id === id);
    if (!p) throw notFound('Sign-in provider', '/params/provider', id);
    return p;
  };
  const discover = (oidc: typeof Oidc, p: OidcProviderConfig) => {
    let d = discovered.get(p.id);
    if (!d) {
      const insecure = p.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
      d = oidc.discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, insecure);
      d.catch(() => discovered.delete(p.id));
      discovered.set(p.id, d);
    }
    return d;
  };
  const callbackUrl = (id: string) => `${config.appUrl}/api/v1/auth/oidc/${id}/callback`;

  const failPage = (reply: FastifyReply, status: number, message: string) =>
    sendPage(reply, status, 'Sign-in failed', `<p>${escapeHtml(message)}</p><p><a href="/">Back to sign-in</a></p>`);

  app.get(
    '/api/v1/auth/providers',
    {
      schema: { operationId: 'listSignInProviders', tags: ['auth'], response: { 200: ListOf(ProviderSchema) } },
      config: { auth: 'public' },
    },
    async () => ({
      data: config.oidcProviders.map((p) => ({ id: p.id, name: p.name, startUrl: `/api/v1/auth/oidc/${p.id}/start` })),
    }),
  );

  app.get(
    '/api/v1/auth/oidc/:provider/start',
    {
      schema: {
        operationId: 'startOidcSignIn',
        tags: ['auth'],
        params: Type.Object({ provider: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object({
          redirectTo: Type.Optional(Type.String({ maxLength: 2048 })),
          workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        }),
      },
      config: { auth: 'public', rateLimit: { max: 30, timeWindow: '15 minutes' } },
    },
    async (req, reply) => {
      const p = provider(req.params.provider);
      await assertSignInAllowed(db, req.query.workspace, p.id);
      const oidc = await loadOidc();
      let cfg: Oidc.Configuration;
      try {
        cfg = await discover(oidc, p);
      } catch {
        throw new AppError(503, 'provider_unavailable', `${p.name} sign-in is unavailable right now. Try again shortly.`);
      }
      const flow: FlowState = {
        p: p.id,
        s: oidc.randomState(),
        n: oidc.randomNonce(),
        v: oidc.randomPKCECodeVerifier(),
        r: safeRedirect(req.query.redirectTo, config.appUrl),
      };
      const url = oidc.buildAuthorizationUrl(cfg, {
        redirect_uri: callbackUrl(p.id),
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.v),
        code_challenge_method: 'S256',
        state: flow.s,
        nonce: flow.n,
      });
      reply.setCookie(FLOW_COOKIE, JSON.stringify(flow), {
        signed: true,
        httpOnly: true,
        secure,
        sameSite: 'lax',
        path: '/api/v1/auth/oidc',
        maxAge: FLOW_TTL_S,
      });
      return reply.redirect(url.href, 302);
    },
  );

  app.get(
    '/api/v1/auth/oidc/:provider/callback',
    {
      schema: { operationId: 'finishOidcSignIn', tags: ['auth'], params: Type.Object({ provider: Type.String({ maxLength: 20 }) }) },
      config: { auth: 'public', rateLimit: { max: 30, timeWindow: '15 minutes' } },
    },
    async (req, reply) => {
      const p = provider(req.params.provider);
      const raw = req.cookies[FLOW_COOKIE];
      reply.clearCookie(FLOW_COOKIE, { path: '/api/v1/auth/oidc' });
      const unsigned = raw ? req.unsignCookie(raw) : null;
      let flow: FlowState | null = null;
      try {
        flow = unsigned?.valid && unsigned.value ? (JSON.parse(unsigned.value) as FlowState) : null;
      } catch {
        flow = null;
      }
      if (!flow || flow.p !== p.id) {
        return failPage(reply, 400, 'This sign-in was not started in this browser, or it took too long. Start again.');
      }
      const oidc = await loadOidc();
      let claims: Record<string, unknown> | undefined;
      try {
        const cfg = await discover(oidc, p);
        const current = new URL(`${callbackUrl(p.id)}${req.url.slice(req.url.indexOf('?') === -1 ? req.url.length : req.url.indexOf('?'))}`);
        const tokens = await oidc.authorizationCodeGrant(cfg, current, {
          pkceCodeVerifier: flow.v,
          expectedState: flow.s,
          expectedNonce: flow.n,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        claims = idClaims ? { ...idClaims } : undefined;
        // Many issuers put e-mail claims only in the UserInfo response (OIDC Core §5.4): ask it,
        // bound to the ID token's subject.
        if (claims && (typeof claims.email !== 'string' || claims.email_verified === undefined)) {
          const info = await oidc.fetchUserInfo(cfg, tokens.access_token, String(claims.sub));
          claims = { ...claims, email: info.email, email_verified: info.email_verified, name: claims.name ?? info.name };
        }
      } catch (err) {
        req.log.warn({ provider: p.id, err: (err as Error).message }, 'oidc callback refused');
        return failPage(reply, 400, `${p.name} did not confirm the sign-in. Start again.`);
      }
      const email = typeof claims?.email === 'string' ? normalizeEmail(claims.email) : '';
      if (!claims || !email || claims.email_verified !== true) {
        return failPage(reply, 403, `${p.name} did not confirm a verified e-mail address for this account.`);
      }
      const userId = await linkAccount(p.id, String(claims.sub), email, typeof claims.name === 'string' ? claims.name : undefined);
      // Re-authentication replaces the browser's previous session instead of leaving it alive.
      const previous = req.cookies[SESSION_COOKIE];
      if (previous) await auth.signOut(previous);
      const s = await auth.createSession(userId, { ip: req.ip, userAgent: req.headers['user-agent'] }, p.id);
      reply.setCookie(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: s.expiresAt });
      return reply.redirect(flow.r, 303);
    },
  );

  /** Finds the user for a provider identity: by subject, else by verified e-mail (linking it), else new. */
  async function linkAccount(providerId: string, subject: string, email: string, name?: string): Promise<string> {
    if (!subject || subject.length > 255) throw badRequest('invalid_subject', 'The provider sent no usable subject');
    const now = deps.clock.now();
    return db.transaction(async (tx) => {
      const [linked] = await tx
        .select({ userId: authAccount.userId, id: authAccount.id })
        .from(authAccount)
        .where(and(eq(authAccount.provider, providerId), eq(authAccount.subject, subject)));
      if (linked) {
        await tx.update(authAccount).set({ lastUsedAt: now, email }).where(eq(authAccount.id, linked.id));
        return linked.userId;
      }
      let [u] = await tx.select({ id: user.id }).from(user).where(eq(user.email, email));
      if (!u) {
        // Concurrent first sign-ins of one person: the second insert finds the first one's rows.
        await tx
          .insert(user)
          .values({ id: newId(), email, name: name?.trim().slice(0, 100) || email.split('@')[0] || email, createdAt: now, updatedAt: now })
          .onConflictDoNothing({ target: user.email });
        [u] = await tx.select({ id: user.id }).from(user).where(eq(user.email, email));
      }
      await tx
        .insert(authAccount)
        .values({ id: newId(), userId: u!.id, provider: providerId, subject, email, createdAt: now, lastUsedAt: now })
        .onConflictDoNothing({ target: [authAccount.provider, authAccount.subject] });
      const [acct] = await tx
        .select({ userId: authAccount.userId })
        .from(authAccount)
        .where(and(eq(authAccount.provider, providerId), eq(authAccount.subject, subject)));
      return acct!.userId;
    });
  }
}
