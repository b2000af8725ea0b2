/**
 * Metrics: `GET /api/metrics` (Prometheus text format, prom-client) and `GET /api/metrics/red`
 * (JSON: rate, errors and latency percentiles per route — the RED method).
 *
 * Every series is keyed by the ROUTE TEMPLATE (`GET /api/v1/teams/:teamId`, from
 * `req.routeOptions.url`), never the raw path, so cardinality is bounded by the route table;
 * requests that matched no route share the key `unmatched`. Each app has its own prom-client
 * `Registry` (tests build many apps in one process).
 *
 * Access: in production both need `EXPONENTIAL_METRICS_TOKEN`, sent as `X-Metrics-Token: <token>`
 * or `Authorization: Bearer <token>` and compared in constant time; anything else — a wrong or
 * missing token, or no token configured at all — is the same plain 404 as an unknown route, so
 * the endpoint's existence is not disclosed. In local and test mode they are open unless a token
 * is configured, in which case it is required there too.
 *
 * prom-client (with @opentelemetry/api, ~90 modules) is not loaded at start: it is loaded a couple
 * of seconds after the server listens, or by the first scrape, whichever comes first. Requests
 * answered before that are kept (labels and duration) and recorded into the counters when it is
 * loaded, so the Prometheus figures are the same as if it had been there from the start; the
 * process's default metrics (CPU, memory, event loop, GC) are collected from then on.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Counter, Histogram, Registry } from 'prom-client';
import { Type } from 'typebox';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { constantTimeEqual } from '../lib/crypto.ts';
import { lazyImport } from '../lib/lazy.ts';

const loadPromClient = lazyImport('prom-client', () => import('prom-client'));

/** Milliseconds after listening before prom-client is loaded (if no scrape came first). */
export const PROM_LOAD_DELAY_MS = 2000;
/** Requests kept at most while prom-client is not loaded (it only stays unloaded if it fails to load). */
const MAX_PENDING = 100_000;

/** Seconds over which `/api/metrics/red` computes rates. */
export const RED_WINDOW_SECONDS = 60;
/** Latest durations kept per route for percentiles. */
export const RED_SAMPLES = 1024;
/** Route key of requests that matched no route. */
export const UNMATCHED = 'unmatched';

/** RED figures of one route. */
export interface RedRoute {
  route: string;
  requests: number;
  errors: number;
  ratePerSecond: number;
  errorsPerSecond: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Per-route counters: totals since start, 60 one-second buckets, and a ring of durations. */
class RouteStats {
  requests = 0;
  errors = 0;
  private readonly durations = new Float64Array(RED_SAMPLES);
  private filled = 0;
  private next = 0;
  private readonly bucketSecond = new Float64Array(RED_WINDOW_SECONDS).fill(-1);
  private readonly bucketRequests = new Uint32Array(RED_WINDOW_SECONDS);
  private readonly bucketErrors = new Uint32Array(RED_WINDOW_SECONDS);

  record(second: number, ms: number, isError: boolean): void {
    this.requests++;
    if (isError) this.errors++;
    this.durations[this.next] = ms;
    this.next = (this.next + 1) % RED_SAMPLES;
    this.filled = Math.min(this.filled + 1, RED_SAMPLES);
    const slot = second % RED_WINDOW_SECONDS;
    if (this.bucketSecond[slot] !== second) {
      this.bucketSecond[slot] = second;
      this.bucketRequests[slot] = 0;
      this.bucketErrors[slot] = 0;
    }
    this.bucketRequests[slot]! += 1;
    if (isError) this.bucketErrors[slot]! += 1;
  }

  summary(route: string, nowSecond: number): RedRoute {
    let n = 0;
    let e = 0;
    for (let i = 0; i < RED_WINDOW_SECONDS; i++) {
      const s = this.bucketSecond[i]!;
      if (s > nowSecond - RED_WINDOW_SECONDS && s <= nowSecond) {
        n += this.bucketRequests[i]!;
        e += this.bucketErrors[i]!;
      }
    }
    const sorted = Array.from(this.durations.subarray(0, this.filled)).sort((a, b) => a - b);
    return {
      route,
      requests: this.requests,
      errors: this.errors,
      ratePerSecond: round(n / RED_WINDOW_SECONDS),
      errorsPerSecond: round(e / RED_WINDOW_SECONDS),
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      p99Ms: percentile(sorted, 0.99),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Nearest-rank percentile of an ascending array.
 * @param q quantile in (0, 1]
 * @returns the value in milliseconds (3 decimals), or null for no samples
 */
export function percentile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return round(sorted[rank - 1] as number);
}

/**
 * Whether a metrics request may see the figures (see the module comment).
 * @param headers the request headers
 */
export function metricsAccessAllowed(config: Pick<Config, 'mode' | 'metricsToken'>, headers: FastifyRequest['headers']): boolean {
  const expected = config.metricsToken;
  if (!expected) return config.mode !== 'production';
  const header = headers['x-metrics-token'];
  let provided = typeof header === 'string' ? header : undefined;
  if (provided === undefined && typeof headers.authorization === 'string') {
    provided = /^Bearer[ ]+(\S+)\s*$/i.exec(headers.authorization)?.[1];
  }
  return provided !== undefined && constantTimeEqual(provided, expected);
}

/** Options of the metrics plugin. */
export interface MetricsOptions {
  config: Config;
  clock: Clock;
}

const RedSchema = Type.Object({
  windowSeconds: Type.Integer(),
  requests: Type.Integer(),
  errors: Type.Integer(),
  ratePerSecond: Type.Number(),
  errorsPerSecond: Type.Number(),
  routes: Type.Array(
    Type.Object({
      route: Type.String(),
      requests: Type.Integer(),
      errors: Type.Integer(),
      ratePerSecond: Type.Number(),
      errorsPerSecond: Type.Number(),
      p50Ms: Type.Union([Type.Number(), Type.Null()]),
      p95Ms: Type.Union([Type.Number(), Type.Null()]),
      p99Ms: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

type LabelName = 'method' | 'route' | 'status_code';
/** The app's prom-client registry and HTTP series. */
interface Prometheus {
  registry: Registry;
  requestsTotal: Counter<LabelName>;
  duration: Histogram<LabelName>;
}

export default fp<MetricsOptions>(
  async (app: FastifyInstance, { config, clock }) => {
    let prometheus: Prometheus | undefined;
    let loading: Promise<Prometheus> | undefined;
    /** Requests answered before prom-client was loaded: labels and seconds. */
    const pending: Array<[Record<LabelName, string>, number]> = [];
    const record = (p: Prometheus, labels: Record<LabelName, string>, seconds: number) => {
      p.requestsTotal.inc(labels);
      p.duration.observe(labels, seconds);
    };
    /** Loads prom-client, creates the registry and series, and records the pending requests. */
    const loadPrometheus = () => {
      loading ??= loadPromClient().then(
        ({ Counter, Histogram, Registry, collectDefaultMetrics }) => {
          const registry = new Registry();
          collectDefaultMetrics({ register: registry });
          const labelNames = ['method', 'route', 'status_code'] as const;
          const p: Prometheus = {
            registry,
            requestsTotal: new Counter({
              name: 'http_requests_total',
              help: 'HTTP requests answered, by route template and status code',
              labelNames,
              registers: [registry],
            }),
            duration: new Histogram({
              name: 'http_request_duration_seconds',
              help: 'Time from request received to response sent, by route template',
              labelNames,
              buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
              registers: [registry],
            }),
          };
          for (const [labels, seconds] of pending) record(p, labels, seconds);
          pending.length = 0;
          prometheus = p;
          return p;
        },
        (err: unknown) => {
          loading = undefined;
          throw err;
        },
      );
      return loading;
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onListen', async () => {
      timer = setTimeout(() => loadPrometheus().catch((err: unknown) => app.log.error({ err }, 'metrics: prom-client failed to load')), PROM_LOAD_DELAY_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => clearTimeout(timer));
    const stats = new Map<string, RouteStats>();

    app.addHook('onResponse', async (req, reply) => {
      const template = req.routeOptions.url;
      const route = template && !req.is404 ? template : UNMATCHED;
      const key = route === UNMATCHED ? UNMATCHED : `${req.method} ${route}`;
      const status = reply.statusCode;
      const ms = reply.elapsedTime;
      const labels = { method: req.method, route, status_code: String(status) };
      if (prometheus) record(prometheus, labels, ms / 1000);
      else if (pending.length < MAX_PENDING) pending.push([labels, ms / 1000]);
      let s = stats.get(key);
      if (!s) {
        s = new RouteStats();
        stats.set(key, s);
      }
      s.record(Math.floor(clock.now().getTime() / 1000), ms, status >= 500);
    });

    const guard = (req: FastifyRequest, reply: FastifyReply): boolean => {
      reply.header('Cache-Control', 'no-store');
      if (metricsAccessAllowed(config, req.headers)) return true;
      reply.callNotFound();
      return false;
    };

    app.get(
      '/api/metrics',
      {
        schema: { operationId: 'getMetrics', tags: ['ops'], description: 'Prometheus text exposition format.', hide: true },
        config: { auth: 'public' },
      },
      async (req, reply) => {
        if (!guard(req, reply)) return reply;
        const { registry } = await loadPrometheus();
        reply.type(registry.contentType);
        return registry.metrics();
      },
    );

    app.get(
      '/api/metrics/red',
      {
        schema: { operationId: 'getRedMetrics', tags: ['ops'], hide: true, response: { 200: RedSchema } },
        config: { auth: 'public' },
      },
      async (req, reply) => {
        if (!guard(req, reply)) return reply;
        const nowSecond = Math.floor(clock.now().getTime() / 1000);
        const routes = [...stats.entries()].map(([k, s]) => s.summary(k, nowSecond)).sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route));
        const requests = routes.reduce((n, r) => n + r.requests, 0);
        const errors = routes.reduce((n, r) => n + r.errors, 0);
        return {
          windowSeconds: RED_WINDOW_SECONDS,
          requests,
          errors,
          ratePerSecond: round(routes.reduce((n, r) => n + r.ratePerSecond, 0)),
          errorsPerSecond: round(routes.reduce((n, r) => n + r.errorsPerSecond, 0)),
          routes,
        };
      },
    );
  },
  { name: 'metrics' },
);
