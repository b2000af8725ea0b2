/**
 * Metrics: Prometheus text at /api/metrics and RED JSON at /api/metrics/red, keyed by route
 * template (bounded cardinality), per-app registries, and the production token rule (anything but
 * the right token is the same 404 as an unknown route).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { manualClock } from '../src/lib/clock.ts';
import { createMailer } from '../src/lib/mailer.ts';
import { percentile } from '../src/plugins/metrics.ts';
import { createMemoryBus } from '../src/sync/bus.ts';
import { APP_URL, api, createTestApp, createTestDatabase, createWorkspace, signIn, type TestApp } from './helpers.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

/** An app with one extra route that fails with a 500, to count server errors. */
async function appWithFailingRoute() {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', EXPONENTIAL_APP_URL: APP_URL });
  const clock = manualClock(new Date('2026-11-29T10:00:00.000Z'));
  const app = await buildApp({ config, database, bus: createMemoryBus(), mailer: createMailer({ from: 'test@localhost' }), clock });
  app.get('/api/v1/test-failure/:n', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
    throw new Error('deliberate failure');
  });
  await app.ready();
  return { app, clock, close: async () => { await app.close(); await database.close(); } };
}

let local: TestApp;
beforeAll(async () => {
  local = await createTestApp();
});
afterAll(async () => local?.close());

describe('Prometheus endpoint', () => {
  it('labels series by route template, never by raw path', async () => {
    const alice = await signIn(local, 'alice@example.com');
    const ws = await createWorkspace(local, alice, 'Acme');
    for (const id of [ws.team.id, ws.team.key, '0190f6a0-0000-7000-8000-000000000001']) {
      await api(local.app, 'GET', `/api/v1/teams/${id}`, { as: alice });
    }
    await api(local.app, 'GET', '/api/v1/definitely/not/a/route/1');
    await api(local.app, 'GET', '/api/v1/definitely/not/a/route/2');
    const res = await api(local.app, 'GET', '/api/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = res.body as string;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/teams\/:teamId",status_code="200"\} 2/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/teams\/:teamId",status_code="404"\} 1/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status_code="404"\} 2/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain(ws.team.id);
    expect(text).not.toContain('/definitely/not');
  });

  it('keeps a separate registry per app', async () => {
    const other = await createTestApp();
    try {
      await api(other.app, 'GET', '/api/healthz');
      const text = (await api(other.app, 'GET', '/api/metrics')).body as string;
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/healthz",status_code="200"\} 1\n/);
      expect(text).not.toContain('/api/v1/teams/:teamId');
    } finally {
      await other.close();
    }
  });
});

describe('RED endpoint', () => {
  it('reports rate, server errors and p50/p95/p99 per route template, unknown routes as "unmatched"', async () => {
    const f = await appWithFailingRoute();
    try {
      for (let i = 0; i < 6; i++) await api(f.app, 'GET', '/api/healthz');
      for (let i = 0; i < 3; i++) await api(f.app, 'GET', `/api/v1/test-failure/${i}`);
      await api(f.app, 'GET', '/nothing/here');
      const res = await api(f.app, 'GET', '/api/metrics/red');
      expect(res.status).toBe(200);
      const byRoute = Object.fromEntries(res.body.routes.map((r: { route: string }) => [r.route, r]));
      expect(Object.keys(byRoute).sort()).toEqual(['GET /api/healthz', 'GET /api/v1/test-failure/:n', 'unmatched']);
      expect(byRoute['GET /api/healthz']).toMatchObject({ requests: 6, errors: 0, ratePerSecond: 0.1, errorsPerSecond: 0 });
      expect(byRoute['GET /api/v1/test-failure/:n']).toMatchObject({ requests: 3, errors: 3, ratePerSecond: 0.05, errorsPerSecond: 0.05 });
      expect(byRoute.unmatched).toMatchObject({ requests: 1, errors: 0 });
      const h = byRoute['GET /api/healthz'];
      expect(h.p50Ms).toBeGreaterThan(0);
      expect(h.p50Ms).toBeLessThanOrEqual(h.p95Ms);
      expect(h.p95Ms).toBeLessThanOrEqual(h.p99Ms);
      expect(res.body).toMatchObject({ windowSeconds: 60, requests: 10, errors: 3 });
      // The rate covers the last 60 seconds only; totals stay.
      f.clock.advance(61_000);
      const later = await api(f.app, 'GET', '/api/metrics/red');
      const h2 = later.body.routes.find((r: { route: string }) => r.route === 'GET /api/healthz');
      expect(h2).toMatchObject({ requests: 6, ratePerSecond: 0 });
    } finally {
      await f.close();
    }
  });

  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.95)).toBe(95);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('access', () => {
  const prodEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    EXPONENTIAL_APP_URL: 'https://tracker.example.com',
    DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
    EXPONENTIAL_SESSION_SECRET: 's'.repeat(48),
  };

  /** The 404 an unknown route gives, for comparison. */
  async function notFoundShape(app: App, url: string) {
    const res = await api(app, 'GET', url);
    return { status: res.status, code: res.body.code, type: res.headers['content-type'] };
  }

  it('is a plain 404 in production when no token is configured, even with a token sent', async () => {
    const p = await createTestApp(prodEnv);
    try {
      for (const url of ['/api/metrics', '/api/metrics/red']) {
        const res = await api(p.app, 'GET', url, { headers: { 'x-metrics-token': TOKEN } });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: `No route GET ${url}`, code: 'not_found' });
      }
    } finally {
      await p.close();
    }
  });

  it('needs the configured token in production, by X-Metrics-Token or Bearer; anything else is 404', async () => {
    const p = await createTestApp({ ...prodEnv, EXPONENTIAL_METRICS_TOKEN: TOKEN });
    try {
      const unknown = await notFoundShape(p.app, '/api/metrics/nope');
      const refused: Array<Record<string, string>> = [
        {},
        { 'x-metrics-token': 'wrong-token-0123456789abcdef' },
        { 'x-metrics-token': TOKEN.slice(0, -1) },
        { authorization: `Bearer ${TOKEN}x` },
        { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
        { authorization: TOKEN },
      ];
      for (const headers of refused) {
        for (const url of ['/api/metrics', '/api/metrics/red']) {
          const res = await api(p.app, 'GET', url, { headers });
          expect(res.status, JSON.stringify(headers)).toBe(404);
          expect({ status: res.status, code: res.body.code, type: res.headers['content-type'] }).toEqual(unknown);
        }
      }
      const byHeader = await api(p.app, 'GET', '/api/metrics', { headers: { 'x-metrics-token': TOKEN } });
      expect(byHeader.status).toBe(200);
      expect(byHeader.body).toContain('http_requests_total');
      const byBearer = await api(p.app, 'GET', '/api/metrics/red', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(byBearer.status).toBe(200);
      expect(byBearer.body.windowSeconds).toBe(60);
    } finally {
      await p.close();
    }
  });

  it('is open in local and test mode unless a token is configured there', async () => {
    expect((await api(local.app, 'GET', '/api/metrics/red')).status).toBe(200);
    const guarded = await createTestApp({ EXPONENTIAL_METRICS_TOKEN: TOKEN });
    try {
      expect((await api(guarded.app, 'GET', '/api/metrics')).status).toBe(404);
      expect((await api(guarded.app, 'GET', '/api/metrics', { headers: { 'x-metrics-token': TOKEN } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
