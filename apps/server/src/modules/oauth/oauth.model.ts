/**
 * The storage model behind @node-oauth/oauth2-server for our OAuth 2 provider, plus the rules the
 * library leaves to us: exact redirect-URI matching (the port excepted for loopback, RFC 8252
 * §7.3), the closed scope set, code replay and refresh-token reuse detection (a replayed code or a
 * reused refresh token revokes every token of its family, RFC 9700 §2.2.2 and §4.14).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { oauthApplication, oauthAuthorizationCode, oauthToken, type Db } from '@exponential/db';
import type { Clock } from '../../lib/clock.ts';
import { constantTimeEqual, randomToken, sha256 } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';

/** Scopes an application may request (closed set). */
export const OAUTH_SCOPES = ['read', 'write', 'issues:create', 'comments:create', 'admin'] as const;
/** An OAuth scope. */
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

/** Lifetimes in seconds. */
export const CODE_TTL_S = 600;
export const ACCESS_TTL_S = 3600;
export const REFRESH_TTL_S = 30 * 86400;

type AppRow = typeof oauthApplication.$inferSelect;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Checks a redirect URI an admin registers: https, or http on a loopback address; absolute, no
 * fragment, no credentials, already in canonical form.
 * @returns an error message, or null when acceptable
 */
export function redirectUriProblem(uri: string): string | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.href !== uri) return `must be written in canonical form (${u.href})`;
  if (u.hash) return 'must not contain a fragment';
  if (u.username || u.password) return 'must not contain credentials';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname)) return null;
  return 'must use https (or http on a loopback address)';
}

/**
 * Whether a requested redirect URI matches one registered for the app: exactly, character for
 * character, except that for http loopback URIs any port is accepted (RFC 8252 §7.3).
 */
export function matchRedirectUri(requested: string, registered: string[]): boolean {
  if (registered.includes(requested)) return true;
  let r: URL;
  try {
    r = new URL(requested);
  } catch {
    return false;
  }
  if (r.href !== requested || r.protocol !== 'http:' || !LOOPBACK_HOSTS.has(r.hostname)) return false;
  return registered.some((reg) => {
    const g = new URL(reg);
    return g.protocol === 'http:' && g.hostname === r.hostname && g.pathname === r.pathname && g.search === r.search && !r.hash;
  });
}

/** The requested scopes as a list, or the app's scopes when none are requested; null if any is not allowed. */
export function grantedScopes(requested: string | undefined, appScopes: string[]): string[] | null {
  const list = (requested ?? '').split(' ').filter(Boolean);
  if (!list.length) return [...appScopes];
  if (list.some((s) => !(OAUTH_SCOPES as readonly string[]).includes(s) || !appScopes.includes(s))) return null;
  return [...new Set(list)];
}

/**
 * Translates a deadline on the server clock into the wall clock the library checks against
 * (the two differ in tests and if the clock is ever injected), keeping the time that is left.
 */
function wallClockDeadline(deadline: Date, clock: Clock): Date {
  return new Date(Date.now() + (deadline.getTime() - clock.now().getTime()));
}

/** Revokes every token descended from one authorization code. */
export async function revokeFamily(db: Db, familyId: string, now: Date): Promise<void> {
  await db.update(oauthToken).set({ revokedAt: now }).where(and(eq(oauthToken.familyId, familyId), isNull(oauthToken.revokedAt)));
}

/**
 * Builds the library model for one request. `redirectUri` is the already validated URI of this
 * request, added to the client's list so loopback ports match.
 */
export function createOAuthModel(db: Db, clock: Clock, opts: { redirectUri?: string } = {}) {
  let familyId: string | null = null;
  const toClient = (app: AppRow) => ({
    id: app.id,
    redirectUris: [...app.redirectUris, ...(opts.redirectUri && matchRedirectUri(opts.redirectUri, app.redirectUris) ? [opts.redirectUri] : [])],
    grants: ['authorization_code', 'refresh_token'],
    accessTokenLifetime: ACCESS_TTL_S,
    refreshTokenLifetime: REFRESH_TTL_S,
    scopes: app.scopes,
    workspaceId: app.workspaceId,
  });
  type Client = ReturnType<typeof toClient>;

  return {
    async getClient(clientId: string, clientSecret: string | null) {
      const [app] = await db.select().from(oauthApplication).where(eq(oauthApplication.clientId, clientId));
      if (!app) return false;
      // `null` means the authorize endpoint (no secret involved); the token endpoint always needs it.
      if (clientSecret !== null && (!clientSecret || !constantTimeEqual(sha256(clientSecret), app.clientSecretHash))) return false;
      return toClient(app);
    },
    async generateAuthorizationCode() {
      return randomToken('oco_');
    },
    async generateAccessToken() {
      return randomToken('oat_');
    },
    async generateRefreshToken() {
      return randomToken('ort_');
    },
    async saveAuthorizationCode(
      code: { authorizationCode: string; expiresAt: Date; redirectUri: string; scope?: string[]; codeChallenge?: string; codeChallengeMethod?: string },
      client: Client,
      user: { id: string },
    ) {
      const now = clock.now();
      await db.insert(oauthAuthorizationCode).values({
        id: newId(),
        codeHash: sha256(code.authorizationCode),
        applicationId: client.id,
        userId: user.id,
        workspaceId: client.workspaceId,
        redirectUri: code.redirectUri,
        scopes: code.scope ?? [],
        codeChallenge: code.codeChallenge ?? '',
        codeChallengeMethod: code.codeChallengeMethod ?? '',
        expiresAt: new Date(now.getTime() + CODE_TTL_S * 1000),
        createdAt: now,
      });
      return { ...code, client, user };
    },
    async getAuthorizationCode(code: string) {
      const [row] = await db.select().from(oauthAuthorizationCode).where(eq(oauthAuthorizationCode.codeHash, sha256(code)));
      if (!row || row.expiresAt <= clock.now()) return false;
      if (row.consumedAt) {
        // A second redemption: whoever holds this code is not to be trusted with what the first produced.
        await revokeFamily(db, row.id, clock.now());
        return false;
      }
      familyId = row.id;
      return {
        authorizationCode: code,
        // The library compares with the wall clock; we already checked expiry on the server clock.
        expiresAt: wallClockDeadline(row.expiresAt, clock),
        redirectUri: row.redirectUri,
        scope: row.scopes,
        client: { id: row.applicationId },
        user: { id: row.userId, workspaceId: row.workspaceId },
        codeChallenge: row.codeChallenge || undefined,
        codeChallengeMethod: row.codeChallengeMethod || undefined,
      };
    },
    async revokeAuthorizationCode(code: { authorizationCode: string }) {
      const done = await db
        .update(oauthAuthorizationCode)
        .set({ consumedAt: clock.now() })
        .where(and(eq(oauthAuthorizationCode.codeHash, sha256(code.authorizationCode)), isNull(oauthAuthorizationCode.consumedAt)))
        .returning({ id: oauthAuthorizationCode.id });
      return done.length === 1;
    },
    async saveToken(
      token: { accessToken: string; accessTokenExpiresAt: Date; refreshToken?: string; refreshTokenExpiresAt?: Date; scope?: string[] },
      client: Client | { id: string },
      user: { id: string; workspaceId?: string },
    ) {
      if (!familyId) throw new Error('token without a family');
      // Lifetimes follow the server clock (the library computes them from the wall clock).
      const now = clock.now();
      token.accessTokenExpiresAt = new Date(now.getTime() + ACCESS_TTL_S * 1000);
      if (token.refreshToken) token.refreshTokenExpiresAt = new Date(now.getTime() + REFRESH_TTL_S * 1000);
      const [app] = await db.select().from(oauthApplication).where(eq(oauthApplication.id, client.id));
      if (!app) throw new Error('application vanished');
      await db.insert(oauthToken).values({
        id: newId(),
        familyId,
        applicationId: app.id,
        userId: user.id,
        workspaceId: app.workspaceId,
        accessTokenHash: sha256(token.accessToken),
        refreshTokenHash: token.refreshToken ? sha256(token.refreshToken) : null,
        scopes: token.scope ?? [],
        accessExpiresAt: token.accessTokenExpiresAt,
        refreshExpiresAt: token.refreshTokenExpiresAt ?? null,
        createdAt: clock.now(),
      });
      return { ...token, client, user };
    },
    async getRefreshToken(refreshToken: string) {
      const [row] = await db.select().from(oauthToken).where(eq(oauthToken.refreshTokenHash, sha256(refreshToken)));
      if (!row || (row.refreshExpiresAt && row.refreshExpiresAt <= clock.now())) return false;
      if (row.refreshedAt || row.revokedAt) {
        // Reuse of a rotated (or revoked) refresh token: revoke the whole family.
        await revokeFamily(db, row.familyId, clock.now());
        return false;
      }
      familyId = row.familyId;
      return {
        refreshToken,
        refreshTokenExpiresAt: row.refreshExpiresAt ? wallClockDeadline(row.refreshExpiresAt, clock) : undefined,
        scope: row.scopes,
        client: { id: row.applicationId },
        user: { id: row.userId },
      };
    },
    async revokeToken(token: { refreshToken: string }) {
      const done = await db
        .update(oauthToken)
        .set({ refreshedAt: clock.now() })
        .where(and(eq(oauthToken.refreshTokenHash, sha256(token.refreshToken)), isNull(oauthToken.refreshedAt), isNull(oauthToken.revokedAt)))
        .returning({ id: oauthToken.id });
      return done.length === 1;
    },
    async validateScope(_user: unknown, client: Client, scope?: string[]) {
      const s = grantedScopes((scope ?? []).join(' '), client.scopes);
      return s ?? false;
    },
    async getAccessToken() {
      // Access tokens are authenticated by plugins/auth.ts, not by the library.
      return false;
    },
  };
}
