/**
 * `Idempotency-Key` on every mutation (after the IETF draft "The Idempotency-Key HTTP Header
 * Field" and Stripe's behaviour):
 * - the key (1–255 visible ASCII characters) is scoped to the signed-in user, so two users' keys
 *   never collide;
 * - the first request claims the key (`in_flight`) with a fingerprint of method, path and body;
 * - a concurrent duplicate gets 409 `idempotency_in_flight`; the same key with another body gets
 *   422 `idempotency_key_reused`; a finished request's status and body are replayed for 24 hours
 *   with `Idempotent-Replayed: true`;
 * - a request that failed with 5xx, 409 or 429 releases its key, so the retry runs (once);
 * - keys are scoped to the workspace the request acts in as well (the same key sent to two
 *   workspaces is two requests), and the fingerprint of a raw upload hashes its bytes;
 * - a response carrying a credential (a new token's value, a client secret) is not stored: a
 *   replay is 409 `idempotency_response_withheld` (the first request succeeded, nothing runs twice).
 *   Secrets live at rest only as hashes (ASVS 5.0 6.5.2 / the tokens module's rule).
 * Known limit: if the process dies between the commit and storing the response, the key stays
 * claimed until it expires (24 h) and retries get 409.
 */
import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { idempotencyKey, type Db } from '@exponential/db';
import type { Clock } from '../lib/clock.ts';
import { sha256 } from '../lib/crypto.ts';
import { AppError, badRequest, conflict } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';

const TTL_MS = 24 * 60 * 60 * 1000;
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyRowId?: string;
  }
}

/** Options of the idempotency plugin. */
export interface IdempotencyOptions {
  db: Db;
  clock: Clock;
}

/**
 * A credential this server mints (`pat_`, `ocs_`, `oat_`, `ort_`, `oco_`, `inv_`, `ml_` + 43
 * base64url characters, lib/crypto.ts `randomToken`). A response holding one is never stored:
 * secrets live at rest only as hashes.
 */
const SECRET = /\b(?:pat|ocs|oat|ort|oco|inv|ml)_[A-Za-z0-9_-]{43}\b/;

function fingerprint(req: FastifyRequest): string {
  // A raw upload (imports) keeps its bytes behind a getter that JSON.stringify does not see.
  const bytes = (req.body as { bytes?: unknown } | null)?.bytes;
  const body = bytes instanceof Uint8Array ? `bytes:${createHash('sha256').update(bytes).digest('hex')}` : JSON.stringify(req.body ?? null);
  return sha256(`${req.method} ${req.url}\n${body}`);
}

export default fp<IdempotencyOptions>(
  async (app: FastifyInstance, { db, clock }) => {
    const sweep = setInterval(() => {
      db.delete(idempotencyKey)
        .where(lt(idempotencyKey.expiresAt, clock.now()))
        .catch(() => {});
    }, 10 * 60 * 1000);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));

    app.addHook('preHandler', async (req, reply) => {
      const raw = req.headers['idempotency-key'];
      if (raw === undefined || SAFE.has(req.method) || !req.actor) return;
      const key = Array.isArray(raw) ? raw[0] : raw;
      if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
        throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', '/headers/idempotency-key');
      }
      // One key space per user and workspace: the same key sent to two workspaces is two requests.
      const principal = `user:${req.actor.userId}@${req.actor.workspaceId ?? '-'}`;
      const fp = fingerprint(req);
      const now = clock.now();
      for (let attempt = 0; attempt < 2; attempt++) {
        const id = newId();
        const inserted = await db
          .insert(idempotencyKey)
          .values({ id, principal, key, fingerprint: fp, state: 'in_flight', createdAt: now, expiresAt: new Date(now.getTime() + TTL_MS) })
          .onConflictDoNothing()
          .returning({ id: idempotencyKey.id });
        if (inserted[0]) {
          req.idempotencyRowId = id;
          return;
        }
        const [existing] = await db
          .select()
          .from(idempotencyKey)
          .where(and(eq(idempotencyKey.principal, principal), eq(idempotencyKey.key, key)));
        if (!existing) continue; // released meanwhile: claim again
        if (existing.expiresAt <= now) {
          await db.delete(idempotencyKey).where(eq(idempotencyKey.id, existing.id));
          continue;
        }
        if (existing.fingerprint !== fp) {
          throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request', [
            { field: '/headers/idempotency-key', message: 'already used with a different method, path or body' },
          ]);
        }
        if (existing.state === 'withheld') {
          throw conflict(
            `A request with this Idempotency-Key already succeeded (status ${existing.responseStatus}); its response held a secret, which is never stored, so it cannot be replayed`,
            'idempotency_response_withheld',
          );
        }
        if (existing.state !== 'done') {
          throw Object.assign(conflict('A request with this Idempotency-Key is still in progress', 'idempotency_in_flight'), {});
        }
        reply.header('Idempotent-Replayed', 'true');
        reply.status(existing.responseStatus ?? 200);
        if (existing.responseType) reply.type(existing.responseType);
        return reply.send(existing.responseBody ?? '');
      }
      throw conflict('A request with this Idempotency-Key is still in progress', 'idempotency_in_flight');
    });

    app.addHook('onSend', async (req, reply, payload) => {
      const rowId = req.idempotencyRowId;
      if (!rowId) return payload;
      req.idempotencyRowId = undefined;
      const status = reply.statusCode;
      if (status >= 500 || status === 409 || status === 429) {
        await db.delete(idempotencyKey).where(eq(idempotencyKey.id, rowId));
        return payload;
      }
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
      const type = reply.getHeader('content-type');
      const withheld = SECRET.test(body);
      await db
        .update(idempotencyKey)
        .set(
          withheld
            ? { state: 'withheld', responseStatus: status, responseBody: null, responseType: null }
            : { state: 'done', responseStatus: status, responseBody: body, responseType: typeof type === 'string' ? type : null },
        )
        .where(eq(idempotencyKey.id, rowId));
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['auth'] },
);
