/**
 * Authentication and route auth declarations.
 *
 * Every route declares `config.auth`: `public` (no credentials), `user` (signed in, no workspace
 * needed), `workspace` (signed in and a member of the chosen workspace) or `session` (a browser
 * session only, never a token). Registering a route without it fails at start. Token scope
 * defaults to `read` for safe methods and `write` for the rest; a route may raise it.
 *
 * Credentials: `Authorization: Bearer pat_…` (a personal access token bound to one workspace) or
 * the `exponential_session` cookie (workspace chosen by the `X-Workspace` header, id or URL slug,
 * else the oldest membership). Other Authorization schemes and `?access_token=` are refused (401).
 * Cookie-authenticated unsafe requests must come from an allowed Origin (CSRF).
 */
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { member, oauthToken, personalAccessToken, session, user, workspace, type Db } from '@exponential/db';
import type { Config } from '../config.ts';
import { sha256 } from '../lib/crypto.ts';
import { AppError, forbidden, notFound, unauthenticated } from '../lib/errors.ts';
import { isUuid } from '../lib/ids.ts';
import type { Role } from '../lib/policy.ts';
import type { Clock } from '../lib/clock.ts';

/** How a route is reached. */
export type AuthMode = 'public' | 'user' | 'workspace' | 'session';
/** Token scopes known to the API: `admin` guards workspace administration routes. */
export type Scope = 'read' | 'write' | 'admin';

/** Auth declaration on a route's `config`. */
export interface RouteAuthConfig {
  auth: AuthMode;
  /** Token scope needed; default read for GET/HEAD, write otherwise. */
  scope?: Scope;
}

/** Who is making the request. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  /** The workspace the request acts in (null for a session without memberships). */
  workspaceId: string | null;
  role: Role | null;
  via: 'session' | 'pat' | 'oauth';
  /** Narrow OAuth grants (`issues:create`, `comments:create`) allowing single operations. */
  grants?: string[];
  oauthTokenId?: string;
  /** Effective token scopes; sessions hold every scope. */
  scopes: Scope[];
  sessionId?: string;
  tokenId?: string;
}

/** One registered route and its declared auth (what the route-auth snapshot test pins down). */
export interface RouteAuthEntry {
  method: string;
  url: string;
  auth: AuthMode;
  /** Token scope needed, null for public routes. */
  scope: Scope | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** Every route registered after the auth plugin, with its declared auth. */
    routeManifest: RouteAuthEntry[];
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
    scope?: Scope;
  }
  interface FastifyInstance {
    /**
     * Resolves credentials presented outside the HTTP headers (the sync WebSocket's `hello`):
     * a bearer token, or a session cookie value with an optional workspace (id or URL slug).
     * @returns the actor, or null for an unknown or expired session
     * @throws AppError 401 for an invalid token; 404 for a workspace the user is not in
     */
    resolveCredentials(c: { bearer?: string; sessionToken?: string; workspace?: string }): Promise<Actor | null>;
    /**
     * Re-checks, in a few statements for any number of them, credentials that long-lived
     * connections (the sync WebSocket) resolved earlier: tokens not revoked or expired, sessions
     * not ended or idle past the limit and still admitted by their workspace's sign-in policy.
     * Marks them used (`last_used_at` / `last_seen_at`, at most once a minute), as a request would.
     * Membership is not checked here (the sync scope does that).
     * @returns the verdict per {@link credentialKey}; credentials absent from the database are `unauthenticated`
     */
    recheckCredentials(refs: CredentialRef[]): Promise<Map<string, CredentialVerdict>>;
  }
}

/** A credential held by a long-lived connection, by its row id (never the secret). */
export type CredentialRef = { via: 'pat' | 'oauth'; id: string } | { via: 'session'; id: string; workspaceId: string };

/** The key of a credential in the verdicts of `recheckCredentials` (a session per workspace). */
export function credentialKey(ref: CredentialRef): string {
  return ref.via === 'session' ? `${ref.id}@${ref.workspaceId}` : ref.id;
}

/** Result of {@link FastifyInstance.recheckCredentials} for one credential. */
export type CredentialVerdict = 'ok' | 'unauthenticated' | 'forbidden';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'exponential_session';

/** Request actor, asserting authentication happened (routes other than `public`). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}

/** Request actor with a workspace (routes declared `workspace`). */
export function workspaceActor(req: FastifyRequest): Actor & { workspaceId: string; role: Role } {
  const a = actorOf(req);
  if (!a.workspaceId || !a.role) throw forbidden('Create or join a workspace first', 'no_workspace');
  return a as Actor & { workspaceId: string; role: Role };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Scopes a token holds, expanded: `write` implies `read`; an empty list means read-only. */
export function effectiveScopes(scopes: string[]): Scope[] {
  const out = new Set<Scope>(['read']);
  if (scopes.includes('write')) {
    out.add('write');
    out.add('admin');
  }
  return [...out];
}

/**
 * Scopes an OAuth access token holds: `read`; `write` (implies read); `admin` (workspace
 * administration, implies read); narrow grants stay separate (see {@link OAUTH_GRANT_ROUTES}).
 */
export function oauthScopes(scopes: string[]): Scope[] {
  const out = new Set<Scope>();
  if (scopes.includes('read') || scopes.includes('write') || scopes.includes('admin')) out.add('read');
  if (scopes.includes('write')) out.add('write');
  if (scopes.includes('admin')) out.add('admin');
  return [...out];
}

/** The single operations each narrow OAuth scope allows (`METHOD route-template`). */
export const OAUTH_GRANT_ROUTES: Record<string, string[]> = {
  'issues:create': ['POST /api/v1/issues'],
  'comments:create': ['POST /api/v1/issues/:issueId/comments'],
};

const METHOD_NAMES: Record<string, string> = { magic_link: 'an e-mail link', google: 'Google', oidc: 'single sign-on' };

/** 403 for a session whose sign-in method the workspace's policy does not allow. */
function authMethodRefused(allowed: unknown): AppError {
  const names = Array.isArray(allowed) ? allowed.map((m) => METHOD_NAMES[String(m)] ?? String(m)) : [];
  const how = names.length ? `Sign in with ${names.join(' or ')} to use it.` : 'No sign-in method is allowed.';
  return forbidden(`This workspace does not allow the way you signed in. ${how}`, 'auth_method_not_allowed');
}

function insufficientScope(needed: Scope): AppError {
  return new AppError(403, 'insufficient_scope', `This token lacks the "${needed}" scope`, undefined, {
    'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${needed}"`,
  });
}

/** `ids` in slices small enough for one `IN (…)` list. */
function chunks(ids: string[], size = 1000): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** Options of the auth plugin. */
export interface AuthPluginOptions {
  db: Db;
  config: Config;
  clock: Clock;
}

export default fp<AuthPluginOptions>(
  async (app: FastifyInstance, { db, config, clock }) => {
    app.decorateRequest('actor', null);

    const manifest: RouteAuthEntry[] = [];
    app.decorate('routeManifest', manifest);
    app.addHook('onRoute', (route) => {
      const cfg = route.config as { auth?: AuthMode; scope?: Scope } | undefined;
      const mode = cfg?.auth;
      if (!mode) throw new Error(`Route ${route.method} ${route.url} declares no auth mode`);
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        const scope = mode === 'public' ? null : (cfg?.scope ?? (SAFE.has(method) ? 'read' : 'write'));
        manifest.push({ method, url: route.url, auth: mode, scope });
      }
    });

    // CSRF: fail closed when no origin is configured (cannot happen while appUrl is set, but an
    // empty list must never mean "allow all"); an opaque `Origin: null` is refused outright.
    if (config.allowedOrigins.length === 0) {
      app.log.warn('No allowed origin is configured: every cookie-authenticated unsafe request will be refused (csrf_unconfigured)');
    }
    const originAllowed = (req: FastifyRequest): boolean => {
      if (config.allowedOrigins.length === 0) {
        throw forbidden('Cross-site protection is not configured: set EXPONENTIAL_APP_URL', 'csrf_unconfigured');
      }
      if (req.headers['sec-fetch-site'] === 'cross-site') return false;
      const origin = req.headers.origin;
      if (origin === 'null') return false;
      if (typeof origin === 'string') return config.allowedOrigins.includes(origin);
      const referer = req.headers.referer;
      if (typeof referer === 'string') {
        try {
          return config.allowedOrigins.includes(new URL(referer).origin);
        } catch {
          return false;
        }
      }
      return false;
    };

    async function resolveOAuthToken(raw: string): Promise<Actor> {
      const now = clock.now();
      const rows = await db
        .select({ t: oauthToken, email: user.email, name: user.name, role: member.role })
        .from(oauthToken)
        .innerJoin(user, eq(user.id, oauthToken.userId))
        .leftJoin(member, and(eq(member.userId, oauthToken.userId), eq(member.workspaceId, oauthToken.workspaceId)))
        .where(eq(oauthToken.accessTokenHash, sha256(raw)))
        .limit(1);
      const r = rows[0];
      if (!r || r.t.revokedAt || r.t.accessExpiresAt <= now || !r.role) {
        throw unauthenticated('The token is invalid, expired or revoked', 'invalid_token');
      }
      if (!r.t.lastUsedAt || now.getTime() - r.t.lastUsedAt.getTime() > 60_000) {
        await db.update(oauthToken).set({ lastUsedAt: now }).where(eq(oauthToken.id, r.t.id));
      }
      return {
        userId: r.t.userId,
        email: r.email,
        name: r.name,
        workspaceId: r.t.workspaceId,
        role: r.role,
        via: 'oauth',
        scopes: oauthScopes(r.t.scopes),
        grants: r.t.scopes.filter((s) => s in OAUTH_GRANT_ROUTES),
        oauthTokenId: r.t.id,
      };
    }

    // The token lookup runs on every token-authenticated request: built once, and a prepared
    // statement on PostgreSQL (a unique-index lookup, so the generic plan is the right one).
    const personalTokenQuery = db
      .select({
        tokenId: personalAccessToken.id,
        scopes: personalAccessToken.scopes,
        expiresAt: personalAccessToken.expiresAt,
        revokedAt: personalAccessToken.revokedAt,
        lastUsedAt: personalAccessToken.lastUsedAt,
        workspaceId: personalAccessToken.workspaceId,
        userId: user.id,
        email: user.email,
        name: user.name,
        role: member.role,
      })
      .from(personalAccessToken)
      .innerJoin(user, eq(user.id, personalAccessToken.userId))
      .leftJoin(member, and(eq(member.userId, personalAccessToken.userId), eq(member.workspaceId, personalAccessToken.workspaceId)))
      .where(eq(personalAccessToken.tokenHash, sql.placeholder('hash')))
      .limit(1)
      .prepare('auth_personal_access_token');

    async function resolveToken(raw: string): Promise<Actor> {
      if (raw.startsWith('oat_')) return resolveOAuthToken(raw);
      if (!raw.startsWith('pat_')) throw unauthenticated('Unknown token type', 'invalid_token');
      const now = clock.now();
      const rows = await personalTokenQuery.execute({ hash: sha256(raw) });
      const t = rows[0];
      if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= now) || !t.role) {
        throw unauthenticated('The token is invalid, expired or revoked', 'invalid_token');
      }
      if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > 60_000) {
        await db.update(personalAccessToken).set({ lastUsedAt: now }).where(eq(personalAccessToken.id, t.tokenId));
      }
      return {
        userId: t.userId,
        email: t.email,
        name: t.name,
        workspaceId: t.workspaceId,
        role: t.role,
        via: 'pat',
        scopes: effectiveScopes(t.scopes),
        tokenId: t.tokenId,
      };
    }

    /**
     * Resolves a session cookie. With `lenient`, a workspace that cannot be entered (not a member,
     * or refused by its auth-method policy) leaves the actor without a workspace instead of failing:
     * routes that need no workspace (sign-out, `/me`, sessions) keep working.
     */
    async function resolveSession(raw: string, wanted: string | undefined, lenient = false): Promise<Actor | null> {
      const now = clock.now();
      const rows = await db
        .select({ s: session, u: { id: user.id, email: user.email, name: user.name } })
        .from(session)
        .innerJoin(user, eq(user.id, session.userId))
        .where(eq(session.tokenHash, sha256(raw)))
        .limit(1);
      const row = rows[0];
      if (!row) return null;
      const idleEnd = row.s.lastSeenAt.getTime() + config.sessionIdleSeconds * 1000;
      if (row.s.expiresAt <= now || idleEnd <= now.getTime()) {
        await db.delete(session).where(eq(session.id, row.s.id));
        return null;
      }
      if (now.getTime() - row.s.lastSeenAt.getTime() > 60_000) {
        await db.update(session).set({ lastSeenAt: now }).where(eq(session.id, row.s.id));
      }
      let membership: Awaited<ReturnType<typeof pickWorkspace>>;
      try {
        membership = await pickWorkspace(row.u.id, wanted?.trim() || undefined, row.s.authMethod);
      } catch (err) {
        if (!lenient || !(err instanceof AppError)) throw err;
        membership = undefined;
      }
      return {
        userId: row.u.id,
        email: row.u.email,
        name: row.u.name,
        workspaceId: membership?.workspaceId ?? null,
        role: membership?.role ?? null,
        via: 'session',
        scopes: ['read', 'write'],
        sessionId: row.s.id,
      };
    }

    /**
     * The workspace a session acts in: the one named by `wanted` (id or slug), else the oldest
     * membership whose auth-method policy admits the session's sign-in method. A policy that is
     * not a list of methods admits nothing (fails closed).
     * @throws AppError 404 when `wanted` is not one of the user's workspaces; 403
     * `auth_method_not_allowed` when its policy refuses the session's sign-in method
     */
    async function pickWorkspace(userId: string, wanted: string | undefined, authMethod: string) {
      const base = db
        .select({ workspaceId: member.workspaceId, role: member.role, allowed: workspace.allowedAuthMethods })
        .from(member)
        .innerJoin(workspace, eq(workspace.id, member.workspaceId));
      const admits = (allowed: unknown) => Array.isArray(allowed) && allowed.includes(authMethod);
      if (wanted) {
        const cond = isUuid(wanted) ? eq(workspace.id, wanted) : eq(workspace.urlSlug, wanted.toLowerCase());
        const rows = await base.where(and(eq(member.userId, userId), cond)).limit(1);
        if (!rows[0]) throw notFound('Workspace', '/headers/x-workspace');
        if (!admits(rows[0].allowed)) throw authMethodRefused(rows[0].allowed);
        return rows[0];
      }
      const rows = await base.where(eq(member.userId, userId)).orderBy(asc(member.createdAt), asc(member.id));
      const ok = rows.find((r) => admits(r.allowed));
      if (!ok && rows[0]) throw authMethodRefused(rows[0].allowed);
      return ok;
    }

    app.decorate('resolveCredentials', async (c: { bearer?: string; sessionToken?: string; workspace?: string }) => {
      if (c.bearer !== undefined) return resolveToken(c.bearer);
      if (c.sessionToken) return resolveSession(c.sessionToken, c.workspace);
      return null;
    });

    app.decorate('recheckCredentials', async (refs: CredentialRef[]) => {
      const now = clock.now();
      const stale = new Date(now.getTime() - 60_000);
      const out = new Map<string, CredentialVerdict>();
      const ids = (via: CredentialRef['via']) => [...new Set(refs.filter((r) => r.via === via).map((r) => r.id))];
      for (const r of refs) out.set(credentialKey(r), 'unauthenticated');
      for (const part of chunks(ids('pat'))) {
        const rows = await db
          .select({ id: personalAccessToken.id, revokedAt: personalAccessToken.revokedAt, expiresAt: personalAccessToken.expiresAt })
          .from(personalAccessToken)
          .where(inArray(personalAccessToken.id, part));
        const ok = rows.filter((t) => !t.revokedAt && !(t.expiresAt && t.expiresAt <= now)).map((t) => t.id);
        for (const id of ok) out.set(id, 'ok');
        if (ok.length) {
          await db
            .update(personalAccessToken)
            .set({ lastUsedAt: now })
            .where(and(inArray(personalAccessToken.id, ok), or(isNull(personalAccessToken.lastUsedAt), lt(personalAccessToken.lastUsedAt, stale))));
        }
      }
      for (const part of chunks(ids('oauth'))) {
        const rows = await db
          .select({ id: oauthToken.id, revokedAt: oauthToken.revokedAt, expiresAt: oauthToken.accessExpiresAt })
          .from(oauthToken)
          .where(inArray(oauthToken.id, part));
        const ok = rows.filter((t) => !t.revokedAt && t.expiresAt > now).map((t) => t.id);
        for (const id of ok) out.set(id, 'ok');
        if (ok.length) {
          await db
            .update(oauthToken)
            .set({ lastUsedAt: now })
            .where(and(inArray(oauthToken.id, ok), or(isNull(oauthToken.lastUsedAt), lt(oauthToken.lastUsedAt, stale))));
        }
      }
      const sessionRefs = refs.filter((r): r is Extract<CredentialRef, { via: 'session' }> => r.via === 'session');
      for (const part of chunks(ids('session'))) {
        const rows = await db
          .select({ id: session.id, expiresAt: session.expiresAt, lastSeenAt: session.lastSeenAt, authMethod: session.authMethod })
          .from(session)
          .where(inArray(session.id, part));
        const alive = new Map(
          rows.filter((s) => s.expiresAt > now && s.lastSeenAt.getTime() + config.sessionIdleSeconds * 1000 > now.getTime()).map((s) => [s.id, s]),
        );
        const inPart = sessionRefs.filter((r) => alive.has(r.id));
        const workspaceIds = [...new Set(inPart.map((r) => r.workspaceId))];
        const policies = new Map(
          workspaceIds.length
            ? (await db.select({ id: workspace.id, allowed: workspace.allowedAuthMethods }).from(workspace).where(inArray(workspace.id, workspaceIds))).map((w) => [w.id, w.allowed])
            : [],
        );
        for (const r of inPart) {
          const allowed = policies.get(r.workspaceId);
          const method = (alive.get(r.id) as { authMethod: string }).authMethod;
          out.set(credentialKey(r), Array.isArray(allowed) && allowed.includes(method) ? 'ok' : 'forbidden');
        }
        const touch = [...alive.values()].filter((s) => s.lastSeenAt < stale).map((s) => s.id);
        if (touch.length) await db.update(session).set({ lastSeenAt: now }).where(inArray(session.id, touch));
      }
      return out;
    });

    app.addHook('onRequest', async (req) => {
      const cfg = req.routeOptions.config as { auth?: AuthMode; scope?: Scope };
      const mode = cfg.auth;
      if (!mode || mode === 'public') return;
      const authz = req.headers.authorization;
      const query = req.query as Record<string, unknown> | undefined;
      if (query && typeof query === 'object' && 'access_token' in query) {
        throw unauthenticated('Send tokens in the Authorization header as "Bearer <token>", never in the URL', 'unsupported_credentials');
      }
      let actor: Actor | null = null;
      if (authz !== undefined) {
        const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authz);
        if (!m) {
          throw unauthenticated('Use "Authorization: Bearer <token>"; other schemes are not supported', 'unsupported_credentials');
        }
        actor = await resolveToken(m[1] as string);
      } else {
        const raw = req.cookies?.[SESSION_COOKIE];
        const wanted = req.headers['x-workspace'];
        if (raw) actor = await resolveSession(raw, typeof wanted === 'string' ? wanted : undefined, mode !== 'workspace');
        if (actor && !SAFE.has(req.method) && !originAllowed(req)) {
          throw forbidden(`Cross-site request refused: the Origin is not allowed; allowed: ${config.allowedOrigins.join(', ')}`, 'csrf_origin');
        }
      }
      if (!actor) throw unauthenticated();
      if (mode === 'session' && actor.via !== 'session') {
        throw forbidden('This action needs a signed-in browser session, not a token', 'session_required');
      }
      if (actor.via !== 'session') {
        const needed: Scope = cfg.scope ?? (SAFE.has(req.method) ? 'read' : 'write');
        const op = `${req.method} ${req.routeOptions.url}`;
        const granted = actor.grants?.some((g) => OAUTH_GRANT_ROUTES[g]?.includes(op));
        if (!actor.scopes.includes(needed) && !granted) throw insufficientScope(needed);
      }
      if (mode === 'workspace' && !actor.workspaceId) {
        throw forbidden('Create or join a workspace first', 'no_workspace');
      }
      req.actor = actor;
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
