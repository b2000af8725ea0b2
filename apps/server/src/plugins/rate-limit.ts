/**
 * Rate limits (@fastify/rate-limit), keyed by WHO is asking, never by a shared browser bucket:
 * `token:<id>` for a personal access token, `user:<id>` for a signed-in browser session (every
 * session of a user shares it), `ip:<address>` for anonymous requests (IPv6 grouped by /64).
 * The address comes from lib/client-ip.ts: `X-Forwarded-For` counts only behind a trusted proxy.
 *
 * Limits:
 * - a route's own `config.rateLimit` (e.g. magic links per address) applies to that route alone;
 * - otherwise every authenticated route draws on one API-wide budget per actor
 *   (`rateLimitPerMinute`, default 600 per minute), and every public route under `/api/v1/`,
 *   `/oauth/` or `/auth/` on one budget per client address (`publicRateLimitPerMinute`, default
 *   60 per minute);
 * - health, metrics, the WebSocket upgrade and the web app's files are not limited.
 *
 * Every limited response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset` (seconds until the window resets); a refused one is a 429 problem+json,
 * code `rate_limited`, with `Retry-After` (seconds). Counters live in Redis when REDIS_URL is set,
 * so replicas share them; otherwise in process memory.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { clientIp } from '../lib/client-ip.ts';
import { AppError } from '../lib/errors.ts';

/** Public routes under these prefixes share the per-address budget. */
export const PUBLIC_LIMITED_PREFIXES = ['/api/v1/', '/oauth/', '/auth/'];

/** The bucket key of a request: `token:<id>`, `user:<id>` or `ip:<address>`. */
export function rateLimitKey(req: FastifyRequest): string {
  const a = req.actor;
  if (a?.tokenId) return `token:${a.tokenId}`;
  if (a) return `user:${a.userId}`;
  return `ip:${normalizeIP(clientIp(req), 64)}`;
}

/** The 429 problem: code `rate_limited`, with the limit and the wait in the detail. */
export function rateLimited(max: number, retryAfterSeconds: number): AppError {
  return new AppError(
    429,
    'rate_limited',
    `Rate limit exceeded: at most ${max} requests in this window. Try again in ${retryAfterSeconds} s.`,
  );
}

/** Options of the rate-limit plugin. */
export interface RateLimitPluginOptions {
  config: Config;
  /** Shared counter store (ioredis client) when REDIS_URL is set. */
  redis?: import('ioredis').Redis;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** A route-level `onRequest` hook enforcing `limiter` with the standard headers. */
function enforce(limiter: Limiter) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const r = await limiter(req);
    if (r.isAllowed) return;
    reply.header('X-RateLimit-Limit', r.max);
    reply.header('X-RateLimit-Remaining', r.remaining);
    reply.header('X-RateLimit-Reset', r.ttlInSeconds);
    if (r.isExceeded) {
      reply.header('Retry-After', r.ttlInSeconds);
      throw rateLimited(r.max, r.ttlInSeconds);
    }
  };
}

export default fp<RateLimitPluginOptions>(
  async (app: FastifyInstance, { config, redis }) => {
    const minute = 60_000;
    let apiBudget: Limiter | undefined;
    let publicBudget: Limiter | undefined;

    // Runs before @fastify/rate-limit's own onRoute hook (registered below), so routes that
    // declare a limit keep theirs and the rest get the shared budget hook.
    app.addHook('onRoute', (route) => {
      const cfg = (route.config ?? {}) as { auth?: string; rateLimit?: unknown };
      if (cfg.rateLimit !== undefined || (route as { websocket?: boolean }).websocket) return;
      let hook: ReturnType<typeof enforce> | undefined;
      if (cfg.auth && cfg.auth !== 'public') {
        apiBudget ??= app.createRateLimit({ max: config.rateLimitPerMinute, timeWindow: minute, keyGenerator: (req) => `api:${rateLimitKey(req)}` });
        hook = enforce(apiBudget);
      } else if (PUBLIC_LIMITED_PREFIXES.some((p) => route.url.startsWith(p))) {
        publicBudget ??= app.createRateLimit({
          max: config.publicRateLimitPerMinute,
          timeWindow: minute,
          keyGenerator: (req) => `public:${rateLimitKey(req)}`,
        });
        hook = enforce(publicBudget);
      }
      if (!hook) return;
      const existing = route.onRequest;
      route.onRequest = [...(existing ? [existing].flat() : []), hook] as typeof route.onRequest;
    });

    await app.register(rateLimit, {
      global: false,
      keyGenerator: rateLimitKey,
      ...(redis ? { redis, nameSpace: 'exponential-rl:' } : {}),
      errorResponseBuilder: (_req, ctx) => rateLimited(ctx.max, Math.ceil(ctx.ttl / 1000)),
    });
  },
  { name: 'rate-limit', dependencies: ['errors'] },
);
