/**
 * Exactly-once REST writes for sync clients.
 *
 * A client that queues mutations sends `X-Client-Id` (1–64 characters `[A-Za-z0-9_.:-]`) and
 * `X-Client-Mutation-Id` (a positive integer, +1 per mutation, sent in order, one at a time) on
 * each unsafe request. This plugin validates them and runs the rest of the request inside an
 * AsyncLocalStorage context, so `runMutation` (sync/mutation.ts) picks the pair up without every
 * service passing it along. `runMutation` then, inside its transaction and under the workspace
 * lock (after Replicache's push protocol):
 * - refuses a mutation id ≤ the client's last applied one with 409 `mutation_already_applied`
 *   (when the SDK also sent `Idempotency-Key: <clientId>:<mutationId>`, the stored response is
 *   replayed first by the idempotency plugin, so a resend usually gets the original result);
 * - records the id in `client_mutation` in the same transaction as the effects, and
 * - for a permanent rejection (400, 403, 404, 422) still advances the id, so the client's queue
 *   never blocks on it.
 * Every response of a request that committed a mutation carries `X-Sync-Version: <version>`: the
 * client's write is confirmed once its store reaches that version.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../lib/errors.ts';

/** Header names of the protocol. */
export const CLIENT_ID_HEADER = 'x-client-id';
export const CLIENT_MUTATION_ID_HEADER = 'x-client-mutation-id';
export const SYNC_VERSION_HEADER = 'x-sync-version';

/** Per-request state shared between the plugin and `runMutation`. */
export interface ClientRequestContext {
  /** The client's mutation identity, until a mutation consumes it. */
  client?: { clientId: string; mutationId: number };
  /** Highest version committed by this request's mutations (0 = none). */
  version: number;
}

const storage = new AsyncLocalStorage<ClientRequestContext>();

/**
 * Takes the current request's client mutation identity, once: a second mutation in the same
 * request runs without it (it is the same client intent).
 */
export function takeAmbientClient(): { clientId: string; mutationId: number } | undefined {
  const ctx = storage.getStore();
  if (!ctx?.client) return undefined;
  const c = ctx.client;
  ctx.client = undefined;
  return c;
}

/** Records that the current request committed `version` (for the `X-Sync-Version` header). */
export function reportCommittedVersion(version: number): void {
  const ctx = storage.getStore();
  if (ctx && version > ctx.version) ctx.version = version;
}

const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Parses the client headers of a request.
 * @returns the pair, or undefined when neither header is present
 * @throws AppError 400 `invalid_client_mutation` when only one is present or either is malformed
 */
export function parseClientHeaders(headers: Record<string, string | string[] | undefined>): { clientId: string; mutationId: number } | undefined {
  const clientId = header(headers[CLIENT_ID_HEADER]);
  const rawId = header(headers[CLIENT_MUTATION_ID_HEADER]);
  if (clientId === undefined && rawId === undefined) return undefined;
  if (clientId === undefined || !CLIENT_ID.test(clientId)) {
    throw badRequest('invalid_client_mutation', 'X-Client-Id must be 1 to 64 characters A-Z, a-z, 0-9, "_", ".", ":" or "-"', '/headers/x-client-id');
  }
  if (rawId === undefined || !/^[1-9][0-9]{0,15}$/.test(rawId) || !Number.isSafeInteger(Number(rawId))) {
    throw badRequest('invalid_client_mutation', 'X-Client-Mutation-Id must be a positive integer', '/headers/x-client-mutation-id');
  }
  return { clientId, mutationId: Number(rawId) };
}

export default fp(
  async (app: FastifyInstance) => {
    // Callback style on purpose: `done()` continues the request inside `storage.run`, so the
    // handler and everything it awaits see the context.
    app.addHook('preHandler', (req, reply, done) => {
      if (SAFE.has(req.method) || !req.actor || reply.sent) return done();
      let client: ClientRequestContext['client'];
      try {
        client = parseClientHeaders(req.headers);
      } catch (err) {
        return done(err as Error);
      }
      const ctx: ClientRequestContext = { client, version: 0 };
      req.syncContext = ctx;
      storage.run(ctx, () => done());
    });
    app.addHook('onSend', async (req, reply, payload) => {
      const v = req.syncContext?.version;
      if (v) reply.header(SYNC_VERSION_HEADER, String(v));
      return payload;
    });
  },
  { name: 'client-mutation', dependencies: ['auth'] },
);

declare module 'fastify' {
  interface FastifyRequest {
    /** Sync state of an unsafe request (client mutation identity, committed version). */
    syncContext?: ClientRequestContext;
  }
}
