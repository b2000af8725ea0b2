/**
 * Personal access tokens: `pat_` + 43 base64url characters (256 random bits), bound to one user
 * in one workspace. Only the SHA-256 hex of the whole value is stored (ASVS 5.0 6.5.2 allows a
 * plain hash for secrets of ≥ 112 bits); the value is returned once, at creation.
 *
 * Scopes: `read` (safe methods) and `write` (everything else, implies read); an empty list means
 * read-only, and so does an omitted one (least privilege). A token may create tokens, never with
 * scopes beyond its own nor outliving it. Expiry: `expiresInDays` 1..365, default 90 (capped at
 * the creating token's expiry); `null` means no expiry.
 * Tokens stop working when revoked, expired, or when their user leaves the workspace
 * (plugins/auth.ts joins the membership on every request; removal also revokes them).
 * Audit events: `token.created`, `token.revoked` (metadata never holds the value).
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import { personalAccessToken } from '@exponential/db';
import type { Config } from '../../config.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError, badRequest, forbidden, invalid, notFound } from '../../lib/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { assertStillMember } from '../../lib/membership.ts';
import { authorize, type Role } from '../../lib/policy.ts';
import type { Actor, Scope } from '../../plugins/auth.ts';
import type { MutationDeps } from '../../sync/mutation.ts';
import { runMutation } from '../../sync/mutation.ts';
import { recordAudit, type requestOrigin } from '../../lib/audit.ts';
import { presentToken } from './tokens.presenter.ts';

/** Where a request came from (client address, User-Agent), recorded with audit events. */
type RequestOrigin = ReturnType<typeof requestOrigin>;

/** Scopes a token may hold. */
export const KNOWN_SCOPES: readonly Scope[] = ['read', 'write'];
/** Expiry of a token created without `expiresInDays`. */
export const DEFAULT_TOKEN_DAYS = 90;
/** Characters of the value kept in clear (`pat_` and 8 random characters) to recognise a token. */
export const TOKEN_PREFIX_LENGTH = 12;
const DAY_MS = 86_400_000;

/** The caller as the tokens service needs it. */
export interface TokenActor {
  userId: string;
  workspaceId: string;
  role: Role;
  /** How the caller signed in; only browser sessions and personal access tokens may create tokens. */
  via: Actor['via'];
  /** Scopes the caller holds (a session holds all). */
  scopes: Scope[];
  /** The personal access token making the request, when `via` is `pat`. */
  tokenId?: string;
}

/**
 * Validates requested scopes and expands them (`write` implies `read`; empty = `["read"]`).
 * @throws AppError 400 `invalid_scope` naming `/body/scopes/<index>` of the first unknown scope
 */
export function normalizeScopes(requested: string[]): Scope[] {
  requested.forEach((s, i) => {
    if (!KNOWN_SCOPES.includes(s as Scope)) {
      throw badRequest('invalid_scope', `Unknown scope "${s}": use "read" or "write"`, `/body/scopes/${i}`);
    }
  });
  // `write` implies `read`; stored expanded so the row says exactly what the token may do.
  return requested.includes('write') ? ['read', 'write'] : ['read'];
}

/**
 * Refuses scopes the caller does not hold (a token cannot mint a broader token; RFC 6750 §3.1).
 * @throws AppError 403 `insufficient_scope` with a `WWW-Authenticate: Bearer error="insufficient_scope"` header
 */
export function assertScopesWithin(requested: Scope[], held: Scope[]): void {
  const missing = requested.find((s) => !held.includes(s));
  if (missing) {
    throw new AppError(403, 'insufficient_scope', `This token lacks the "${missing}" scope, so it cannot create a token that has it`, [
      { field: '/body/scopes', message: `"${missing}" is beyond the scopes of the token making the request` },
    ], { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${missing}"` });
  }
}

/** Creates the personal access tokens service. */
export function createTokenService(deps: MutationDeps & { config: Config }) {
  const db = deps.database.db;
  const cursors = createCursorCodec([deps.config.sessionSecret, ...(deps.config.sessionSecretPrevious ? [deps.config.sessionSecretPrevious] : [])]);

  return {
    /** The caller's tokens in the current workspace, newest first (revoked ones included). @throws AppError 400 `invalid_cursor` */
    async list(actor: TokenActor, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50;
      let before;
      if (query.cursor) {
        const [id] = cursors.decode(query.cursor);
        if (typeof id !== 'string' || !isUuid(id)) throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
        before = lt(personalAccessToken.id, id);
      }
      const rows = await db
        .select()
        .from(personalAccessToken)
        .where(and(eq(personalAccessToken.workspaceId, actor.workspaceId), eq(personalAccessToken.userId, actor.userId), before))
        .orderBy(desc(personalAccessToken.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { data: page.map(presentToken), nextCursor: rows.length > limit && last ? cursors.encode([last.id]) : null };
    },

    /**
     * Creates a token for the caller in the current workspace.
     * @returns the presented token and its value (shown once)
     * @throws AppError 400 `invalid_scope`, 403 `insufficient_scope`, 422 `token_outlives_parent`
     */
    async create(actor: TokenActor, input: { name: string; scopes?: string[]; expiresInDays?: number | null }, meta: RequestOrigin) {
      authorize(actor, 'token.manage');
      // A credential delegated to an application must not mint a longer-lived one for itself.
      if (actor.via !== 'session' && actor.via !== 'pat') {
        throw forbidden('Personal access tokens can only be created from a browser session or another personal access token', 'token_creation_forbidden');
      }
      const scopes = normalizeScopes(input.scopes ?? []);
      assertScopesWithin(scopes, actor.scopes);
      const value = randomToken('pat_');
      const r = await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        await assertStillMember(ctx.tx, actor);
        const days = input.expiresInDays === undefined ? DEFAULT_TOKEN_DAYS : input.expiresInDays;
        let expiresAt = days === null ? null : new Date(ctx.now.getTime() + days * DAY_MS);
        // A token never mints one that outlives it (as it never mints broader scopes): a leaked
        // short-lived token must not be turned into a permanent one.
        if (actor.via === 'pat') {
          const [parent] = await ctx.tx
            .select({ expiresAt: personalAccessToken.expiresAt })
            .from(personalAccessToken)
            .where(eq(personalAccessToken.id, actor.tokenId ?? ''));
          const limit = parent ? parent.expiresAt : ctx.now;
          if (limit && (expiresAt === null || expiresAt > limit)) {
            if (input.expiresInDays !== undefined) {
              throw invalid('/body/expiresInDays', `A token cannot outlive the token that creates it, which expires at ${limit.toISOString()}`, 'token_outlives_parent');
            }
            expiresAt = limit;
          }
        }
        const [row] = await ctx.tx
          .insert(personalAccessToken)
          .values({
            id: newId(),
            workspaceId: actor.workspaceId,
            userId: actor.userId,
            name: input.name.trim(),
            tokenHash: sha256(value),
            tokenPrefix: value.slice(0, TOKEN_PREFIX_LENGTH),
            scopes,
            expiresAt,
            createdAt: ctx.now,
          })
          .returning();
        await recordAudit(ctx.tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'token.created',
          targetType: 'personal_access_token',
          targetId: row!.id,
          metadata: { name: row!.name, scopes, prefix: row!.tokenPrefix, expiresAt: row!.expiresAt?.toISOString() ?? null, via: actor.via },
          ...meta,
          at: ctx.now,
        });
        return presentToken(row!);
      });
      return { token: r.value, value };
    },

    /** Revokes one of the caller's tokens (idempotent). @throws AppError 404 (not the caller's, or another workspace's) */
    async revoke(actor: TokenActor, tokenId: string, meta: RequestOrigin) {
      authorize(actor, 'token.manage');
      await runMutation(deps, actor.workspaceId, actor.userId, async (ctx) => {
        await assertStillMember(ctx.tx, actor);
        const [t] = await ctx.tx
          .select()
          .from(personalAccessToken)
          .where(
            and(
              eq(personalAccessToken.id, tokenId),
              eq(personalAccessToken.workspaceId, actor.workspaceId),
              eq(personalAccessToken.userId, actor.userId),
            ),
          )
          .for('update');
        if (!t) throw notFound('Personal access token', '/params/tokenId', tokenId);
        if (t.revokedAt) return;
        await ctx.tx.update(personalAccessToken).set({ revokedAt: ctx.now }).where(eq(personalAccessToken.id, t.id));
        await recordAudit(ctx.tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'token.revoked',
          targetType: 'personal_access_token',
          targetId: t.id,
          metadata: { name: t.name, prefix: t.tokenPrefix, via: actor.via },
          ...meta,
          at: ctx.now,
        });
      });
    },
  };
}

/** The tokens service's type. */
export type TokenService = ReturnType<typeof createTokenService>;
