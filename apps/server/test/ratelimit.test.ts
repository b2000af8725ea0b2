/**
 * Rate limits and the client address: per-address and per-IP sign-in limits that a rotating
 * X-Forwarded-For cannot dodge, X-Forwarded-For believed only from a trusted proxy, one API budget
 * per signed-in user or token (not a shared browser bucket), a per-IP budget on public API routes,
 * the headers and problem+json of a 429, and the request body limit (413).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent } from '@exponential/db';
import { isTrustedProxyEntry, normalizeIp } from '../src/lib/client-ip.ts';
import { api, createTestApp, createWorkspace, signIn, type TestApp } from './helpers.ts';
import { insertToken } from './security-fixtures.ts';

/** Checks a 429 is the rate_limited problem with its headers. */
function expectRateLimited(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(res.statusCode).toBe(429);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(JSON.parse(res.body).code).toBe('rate_limited');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe('magic links from one address with a rotating X-Forwarded-For (no trusted proxy)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('stops one e-mail address after 5 links, whatever the X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/magic-link',
        payload: { email: 'target@example.com' },
        remoteAddress: '203.0.113.9',
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expectRateLimited(res);
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(t.mailer.sent.filter((m) => m.to === 'target@example.com')).toHaveLength(5);
  });

  it('stops one client address after the route limit across many e-mail addresses, with the limit headers', async () => {
    const results = [];
    for (let i = 0; i < 50; i++) {
      results.push(
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/magic-link',
          payload: { email: `spray${i}@example.com` },
          remoteAddress: '203.0.113.50',
          headers: { 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `192.0.2.${i}` },
        }),
      );
    }
    const firstRefused = results.findIndex((r) => r.statusCode === 429);
    expect(firstRefused).toBeGreaterThan(0);
    expect(results.slice(0, firstRefused).every((r) => r.statusCode === 202)).toBe(true);
    const limit = Number(results[0]!.headers['x-ratelimit-limit']);
    expect(firstRefused).toBe(limit);
    expect(Number(results[0]!.headers['x-ratelimit-remaining'])).toBe(limit - 1);
    expect(Number(results[0]!.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    for (const r of results.slice(firstRefused)) {
      expectRateLimited(r);
      expect(r.headers['x-ratelimit-limit']).toBe(String(limit));
      expect(r.headers['x-ratelimit-remaining']).toBe('0');
    }
    // Another client address still gets through.
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', payload: { email: 'fresh@example.com' }, remoteAddress: '203.0.113.51' });
    expect(other.statusCode).toBe(202);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ EXPONENTIAL_TRUSTED_PROXIES: '10.0.0.0/8' });
  });
  afterAll(async () => t?.close());

  it('believes X-Forwarded-For from the proxy: each client has its own bucket', async () => {
    for (let i = 0; i < 30; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/magic-link',
        payload: { email: `behind${i}@example.com` },
        remoteAddress: '10.1.2.3',
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      expect(res.statusCode).toBe(202);
    }
  });

  it('takes the right-most address the proxy did not vouch for, not one the client wrote', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/magic-link/verify',
      payload: { token: 'ml_unknown' },
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-for': '1.2.3.4, 198.51.100.77, 10.9.9.9', 'user-agent': 'xff-probe' },
    });
    const [e] = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'auth.sign_in_failed'), eq(auditEvent.userAgent, 'xff-probe')));
    expect(e!.ip).toBe('198.51.100.77');
  });

  it('ignores X-Forwarded-For from a peer outside the trusted list', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/magic-link/verify',
      payload: { token: 'ml_unknown' },
      remoteAddress: '203.0.113.20',
      headers: { 'x-forwarded-for': '198.51.100.78', 'user-agent': 'xff-direct' },
    });
    const [e] = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'auth.sign_in_failed'), eq(auditEvent.userAgent, 'xff-direct')));
    expect(e!.ip).toBe('203.0.113.20');
  });
});

describe('API budget per signed-in user and per token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ EXPONENTIAL_RATE_LIMIT_PER_MINUTE: '5', EXPONENTIAL_PUBLIC_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => t?.close());

  it('counts every route against one bucket per user (all their sessions), separate from other users and tokens', async () => {
    const alice = await signIn(t, 'alice@example.com');
    const ws = await createWorkspace(t, alice, 'Acme'); // 1st authenticated request
    const aliceAgain = await signIn(t, 'alice@example.com');
    const bob = await signIn(t, 'bob@example.com');
    const pat = await insertToken(t.database.db, { workspaceId: ws.workspace.id, userId: alice.userId });
    const r2 = await api(t.app, 'GET', '/api/v1/me', { as: alice });
    expect(r2.headers['x-ratelimit-limit']).toBe('5');
    expect(r2.headers['x-ratelimit-remaining']).toBe('3');
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: alice })).status).toBe(200);
    expect((await api(t.app, 'GET', '/api/v1/workspaces', { as: aliceAgain })).status).toBe(200);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: alice })).headers['x-ratelimit-remaining']).toBe('0');
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: { cookie: `exponential_session=${aliceAgain.cookie}` } });
    expectRateLimited(refused);
    expect(JSON.parse(refused.body).detail).toMatch(/^Rate limit exceeded: at most 5 requests in this window\. Try again in \d+ s\.$/);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: bob })).status).toBe(200);
    const byToken = await api(t.app, 'GET', '/api/v1/teams', { as: { token: pat.token } });
    expect(byToken.status).toBe(200);
    expect(byToken.headers['x-ratelimit-remaining']).toBe('4');
  });

  it('limits public API routes per client address, and leaves health checks alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json', remoteAddress: '192.0.2.10' })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json', remoteAddress: '192.0.2.11' })).statusCode).toBe(200);
    // The sign-in confirmation page is public and outside /api: limited the same way.
    const page: number[] = [];
    for (let i = 0; i < 4; i++) page.push((await t.app.inject({ method: 'GET', url: '/auth/verify?token=x', remoteAddress: '192.0.2.12' })).statusCode);
    expect(page).toEqual([200, 200, 200, 429]);
    for (let i = 0; i < 10; i++) {
      const h = await t.app.inject({ method: 'GET', url: '/api/healthz', remoteAddress: '192.0.2.10' });
      expect(h.statusCode).toBe(200);
      expect(h.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('request body limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ EXPONENTIAL_BODY_LIMIT: '2048' });
  });
  afterAll(async () => t?.close());

  it('refuses a body over the limit with 413 payload_too_large, before any handler runs', async () => {
    const u = await signIn(t, 'big@example.com');
    const res = await api(t.app, 'POST', '/api/v1/workspaces', { as: u, body: { name: 'x'.repeat(4096), teamName: 'E', teamKey: 'E' } });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large', detail: 'The request body is too large' });
    const unauthenticated = await api(t.app, 'POST', '/api/v1/auth/magic-link', { body: { email: `${'a'.repeat(3000)}@example.com` } });
    expect(unauthenticated.status).toBe(413);
  });

  it('defaults to 1 MiB', async () => {
    const d = await createTestApp();
    try {
      expect(d.config.bodyLimit).toBe(1024 * 1024);
      const res = await api(d.app, 'POST', '/api/v1/auth/magic-link', { body: { email: 'a@example.com', redirectTo: 'x'.repeat(1024 * 1024) } });
      expect(res.status).toBe(413);
    } finally {
      await d.close();
    }
  });
});

describe('client address helpers', () => {
  it('normalises IPv4-mapped IPv6 and case', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeIp('198.51.100.1')).toBe('198.51.100.1');
  });

  it('accepts the trusted-proxy forms proxy-addr compiles and nothing else', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '10.0.0.0/255.0.0.0', 'fd00::/8', '::1', 'loopback', 'uniquelocal']) {
      expect(isTrustedProxyEntry(ok), ok).toBe(true);
    }
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0', '*', '10.0.0.0/abc', 'fd00::/255.0.0.0']) {
      expect(isTrustedProxyEntry(bad), bad).toBe(false);
    }
  });
});
