/**
 * Security headers: a strict CSP and the standard hardening headers on every response (success,
 * error, 404), HSTS only in production, and `Cache-Control: no-store` on authenticated responses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, type TestApp } from './helpers.ts';

/** Parses a CSP header into directive → sources. */
function parseCsp(header: unknown): Record<string, string[]> {
  expect(typeof header).toBe('string');
  const out: Record<string, string[]> = {};
  for (const part of (header as string).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

let t: TestApp;
let prod: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  prod = await createTestApp({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    EXPONENTIAL_APP_URL: 'https://tracker.example.com',
    DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
    EXPONENTIAL_SESSION_SECRET: 's'.repeat(48),
  });
});
afterAll(async () => {
  await t?.close();
  await prod?.close();
});

const STANDARD = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  // helmet's other defaults (the headers are computed once at start: all of them must be there)
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers (local and test mode)', () => {
  it('sends a strict CSP with no inline script, no eval and no inline style', async () => {
    const res = await api(t.app, 'GET', '/api/healthz');
    const csp = parseCsp(res.headers['content-security-policy']);
    expect(csp).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'https:', 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'", 'ws://localhost:7015'],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
    });
    const all = Object.values(csp).flat();
    expect(all).not.toContain("'unsafe-inline'");
    expect(all).not.toContain("'unsafe-eval'");
  });

  it('sets the hardening headers on success, error and 404 responses, and no HSTS outside production', async () => {
    const ok = await api(t.app, 'GET', '/api/healthz');
    const unauthenticated = await api(t.app, 'GET', '/api/v1/me');
    const missing = await api(t.app, 'GET', '/api/v1/no-such-route');
    const badBody = await api(t.app, 'POST', '/api/v1/auth/magic-link', { body: { email: 'not-an-address' } });
    expect([ok.status, unauthenticated.status, missing.status, badBody.status]).toEqual([200, 401, 404, 422]);
    for (const res of [ok, unauthenticated, missing, badBody]) {
      expect(res.headers).toMatchObject(STANDARD);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('marks authenticated responses Cache-Control: no-store, and not public ones', async () => {
    const alice = await signIn(t, 'alice@example.com');
    const me = await api(t.app, 'GET', '/api/v1/me', { as: alice });
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    const health = await api(t.app, 'GET', '/api/healthz');
    expect(health.headers['cache-control']).toBeUndefined();
  });
});

describe('security headers in production', () => {
  it('adds HSTS for a year with subdomains, wss:// for the socket and upgrade-insecure-requests', async () => {
    const res = await api(prod.app, 'GET', '/api/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const csp = parseCsp(res.headers['content-security-policy']);
    expect(csp['connect-src']).toEqual(["'self'", 'wss://tracker.example.com']);
    expect(csp['upgrade-insecure-requests']).toEqual([]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(res.headers).toMatchObject(STANDARD);
  });

  it('sets HSTS on error responses too', async () => {
    const res = await api(prod.app, 'GET', '/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
