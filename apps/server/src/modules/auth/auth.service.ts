/**
 * Sign-in by magic link and browser sessions.
 *
 * Magic links: 15 minutes, single use, stored as SHA-256, a newer link voids older unused ones,
 * at most 5 per address per 15 minutes (plus a per-IP route limit). Opening the link shows a
 * confirmation page; only its POST signs in, so link scanners neither spend nor use it.
 * Sessions: a random 256-bit token in an HttpOnly cookie, stored hashed, new at every sign-in.
 */
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { session, user, verification, type Db } from '@exponential/db';
import type { Config } from '../../config.ts';
import type { Clock } from '../../lib/clock.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AUDIT_ACTIONS, recordAudit } from '../../lib/audit.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { assertSignInAllowed } from './auth-policy.ts';

/** Lifetime of a magic link in milliseconds (15 minutes). */
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
/** Links one address may be sent per window. */
export const MAGIC_LINKS_PER_ADDRESS = 5;

/** Dependencies of the auth service. */
export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  config: Config;
  mailer: Mailer;
  log?: (line: string) => void;
}

/**
 * Reduces a requested post-sign-in destination to a same-origin path, or `/` when it is anything
 * else (absolute URLs, protocol-relative `//x`, `/\x`, encoded slashes, `javascript:`…).
 */
export function safeRedirect(target: unknown, appUrl: string): string {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2048) return '/';
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return '/';
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return '/';
  }
  if (decoded.startsWith('//') || decoded.startsWith('/\\') || decoded.includes('\\')) return '/';
  try {
    const u = new URL(target, appUrl);
    if (u.origin !== new URL(appUrl).origin) return '/';
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return '/';
  }
}

/** Normalizes an e-mail address for storage and comparison (trim, lower-case). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A created session: the raw token goes into the cookie, never into storage. */
export interface NewSession {
  token: string;
  expiresAt: Date;
  userId: string;
  /** Id of the session row (for audit events and the sessions list). */
  sessionId: string;
}

/** Creates the auth service. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, clock, config, mailer } = deps;

  return {
    /**
     * Sends a magic link to `email` (creating nothing else). Answers the same whether or not an
     * account exists.
     * @param workspaceRef the workspace the person is signing in to (id or slug), if known
     * @throws AppError 403 `auth_method_not_allowed` when that workspace disallows e-mail sign-in;
     *   429 `rate_limited` past the per-address limit
     */
    async requestMagicLink(emailRaw: string, redirectTo: string | undefined, workspaceRef?: string): Promise<void> {
      await assertSignInAllowed(db, workspaceRef, 'magic_link');
      const email = normalizeEmail(emailRaw);
      const now = clock.now();
      const windowStart = new Date(now.getTime() - MAGIC_LINK_TTL_MS);
      const [{ n }] = (await db
        .select({ n: count() })
        .from(verification)
        .where(and(eq(verification.kind, 'magic_link'), eq(verification.identifier, email), gt(verification.createdAt, windowStart)))) as [
        { n: number },
      ];
      if (Number(n) >= MAGIC_LINKS_PER_ADDRESS) {
        throw new AppError(429, 'rate_limited', 'Too many sign-in links for this address. Try again in 15 minutes.', undefined, {
          'Retry-After': String(MAGIC_LINK_TTL_MS / 1000),
        });
      }
      const token = randomToken('ml_');
      await db.transaction(async (tx) => {
        // A newer link voids older unused ones.
        await tx
          .update(verification)
          .set({ consumedAt: now })
          .where(and(eq(verification.kind, 'magic_link'), eq(verification.identifier, email), isNull(verification.consumedAt)));
        await tx.insert(verification).values({
          id: newId(),
          kind: 'magic_link',
          identifier: email,
          tokenHash: sha256(token),
          redirectTo: safeRedirect(redirectTo, config.appUrl),
          expiresAt: new Date(now.getTime() + MAGIC_LINK_TTL_MS),
          createdAt: now,
        });
      });
      const link = `${config.appUrl}/auth/verify?token=${encodeURIComponent(token)}`;
      if (config.mode !== 'production') deps.log?.(`Magic link for ${email}: ${link}`);
      await mailer.send({
        to: email,
        subject: 'Your exponential sign-in link',
        text: `Open this link to sign in to exponential. It works once and expires in 15 minutes.\n\n${link}\n\nIf you did not ask for it, ignore this message.`,
      });
    },

    /**
     * Spends a magic link and signs its owner in (creating the account on first sign-in).
     * @throws AppError 400 `link_invalid` | `link_used` | `link_expired`
     */
    async verifyMagicLink(token: string, meta: { ip?: string; userAgent?: string }): Promise<NewSession & { redirectTo: string }> {
      const now = clock.now();
      let address: string | undefined; // the link's address, once the link is found
      try {
        return await db.transaction(async (tx) => {
          const [v] = await tx
            .select()
            .from(verification)
            .where(and(eq(verification.kind, 'magic_link'), eq(verification.tokenHash, sha256(token))))
            .for('update');
          if (!v) throw badRequest('link_invalid', 'This sign-in link is not valid. Request a new one.', '/body/token');
          address = v.identifier;
          if (v.consumedAt) {
            throw badRequest('link_used', 'This sign-in link was already used or replaced by a newer one. Request a new one.', '/body/token');
          }
          if (v.expiresAt <= now) throw badRequest('link_expired', 'This sign-in link has expired. Request a new one.', '/body/token');
          await tx.update(verification).set({ consumedAt: now }).where(eq(verification.id, v.id));
          let [u] = await tx.select({ id: user.id }).from(user).where(eq(user.email, v.identifier));
          if (!u) {
            const name = v.identifier.split('@')[0] || v.identifier;
            // Two links for one new address spent at once: the second insert finds the first one's row.
            await tx.insert(user).values({ id: newId(), email: v.identifier, name, createdAt: now, updatedAt: now }).onConflictDoNothing({ target: user.email });
            [u] = await tx.select({ id: user.id }).from(user).where(eq(user.email, v.identifier));
          }
          const s = await insertSession(tx as unknown as Db, u!.id, now, meta);
          return { ...s, redirectTo: v.redirectTo ?? '/' };
        });
      } catch (err) {
        // A refused link is a failed sign-in: audited outside the rolled-back transaction.
        if (err instanceof AppError) await recordSignInFailure(err.code, address, meta, now);
        throw err;
      }
    },

    /** Creates a session for `userId` signed in with `method` (magic_link | google | oidc). */
    createSession(userId: string, meta: { ip?: string; userAgent?: string }, method: string): Promise<NewSession> {
      return insertSession(db, userId, clock.now(), meta, method);
    },

    /** Ends the session whose raw token is `token` (no error if it is already gone). */
    async signOut(token: string): Promise<void> {
      await db.delete(session).where(eq(session.tokenHash, sha256(token)));
    },
  };

  /** Audits a refused sign-in; the actor is the account the link was for, when it exists. */
  async function recordSignInFailure(reason: string, address: string | undefined, meta: { ip?: string; userAgent?: string }, now: Date) {
    const [u] = address ? await db.select({ id: user.id }).from(user).where(eq(user.email, address)) : [];
    await recordAudit(db, {
      workspaceId: null,
      actorId: u?.id ?? null,
      action: AUDIT_ACTIONS.signInFailed,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { method: 'magic_link', reason },
      at: now,
    });
  }

  async function insertSession(ex: Db, userId: string, now: Date, meta: { ip?: string; userAgent?: string }, authMethod = 'magic_link'): Promise<NewSession> {
    const token = randomToken();
    const expiresAt = new Date(now.getTime() + config.sessionTtlSeconds * 1000);
    const sessionId = newId();
    await ex.insert(session).values({
      id: sessionId,
      userId,
      tokenHash: sha256(token),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      authMethod,
    });
    await recordAudit(ex, {
      workspaceId: null,
      actorId: userId,
      action: AUDIT_ACTIONS.signedIn,
      targetType: 'session',
      targetId: sessionId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { method: authMethod },
      at: now,
    });
    return { token, expiresAt, userId, sessionId };
  }
}

/** The auth service's type. */
export type AuthService = ReturnType<typeof createAuthService>;
