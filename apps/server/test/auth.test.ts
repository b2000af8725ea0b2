import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeRedirect } from '../src/modules/auth/auth.service.ts';
import { APP_URL, api, createTestApp, signIn, uniqueAddress, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function requestLink(email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', payload: { email, ...extra }, headers, remoteAddress: uniqueAddress() });
  const res = { status: r.statusCode, body: JSON.parse(r.body) };
  const msg = [...t.mailer.sent].reverse().find((m) => m.to === email);
  const token = decodeURIComponent(/token=([^\s&]+)/.exec(msg?.text ?? '')?.[1] ?? '');
  return { res, token };
}
const verify = async (token: string, headers: Record<string, string> = {}) => {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token }, headers, remoteAddress: uniqueAddress() });
  return { status: r.statusCode, body: JSON.parse(r.body || 'null') };
};

describe('magic links', () => {
  it('never returns the link in the API response', async () => {
    const { res, token } = await requestLink('a@example.com');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ ok: true });
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('a scanner HEAD/GET of the link spends nothing; only the POST signs in', async () => {
    const { token } = await requestLink('scan@example.com');
    const head = await t.app.inject({ method: 'HEAD', url: `/auth/verify?token=${token}`, remoteAddress: '10.9.9.9' });
    expect(head.statusCode).toBe(200);
    const get = await t.app.inject({ method: 'GET', url: `/auth/verify?token=${token}`, remoteAddress: '10.9.9.9' });
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('<form method="post" action="/api/v1/auth/magic-link/verify">');
    expect(get.headers['set-cookie']).toBeUndefined();
    const ok = await verify(token);
    expect(ok.status).toBe(200);
  });

  it('is single use, and a second opening says it was already used', async () => {
    const { token } = await requestLink('once@example.com');
    expect((await verify(token)).status).toBe(200);
    const again = await verify(token);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('link_used');
  });

  it('expires after 15 minutes', async () => {
    const { token } = await requestLink('late@example.com');
    t.clock.advance(16 * 60 * 1000);
    const res = await verify(token);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('link_expired');
  });

  it('a newer link voids the older one', async () => {
    const first = await requestLink('two@example.com');
    const second = await requestLink('two@example.com');
    expect((await verify(first.token)).body.code).toBe('link_used');
    expect((await verify(second.token)).status).toBe(200);
  });

  it('made-up tokens are refused and guessing is rate-limited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token: `ml_guess${i}` }, remoteAddress: '10.1.2.3' });
      statuses.push(r.statusCode);
      if (r.statusCode === 400) expect(JSON.parse(r.body).code).toBe('link_invalid');
    }
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('limits links per address whatever X-Forwarded-For says (no trusted proxy)', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 8; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/magic-link',
        payload: { email: 'flood@example.com' },
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
        remoteAddress: `10.0.0.${i + 10}`,
      });
      statuses.push(r.statusCode);
      if (r.statusCode === 429) retryAfter = r.headers['retry-after'] as string;
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('sets a hardened session cookie and refuses a cross-site sign-in', async () => {
    const { token } = await requestLink('cookie@example.com');
    const cross = await verify(token, { origin: 'https://evil.test' });
    expect(cross.status).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token } });
    const c = res.cookies.find((x) => x.name === 'exponential_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Lax');
    expect(c.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('the form post redirects to a same-origin destination only', async () => {
    for (const [target, expected] of [
      ['/team/ENG', '/team/ENG'],
      ['https://evil.test/x', '/'],
      ['//evil.test', '/'],
      ['/\\evil.test', '/'],
      ['%2F%2Fevil.test', '/'],
      ['/%2F%2Fevil.test', '/'],
      ['javascript:alert(1)', '/'],
      ['https://localhost.evil.test', '/'],
    ] as const) {
      const email = `r${Math.random().toString(36).slice(2)}@example.com`;
      const { token } = await requestLink(email, { redirectTo: target });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/magic-link/verify',
        payload: `token=${encodeURIComponent(token)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_URL },
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(expected);
    }
  });

  it('safeRedirect keeps only same-origin paths', () => {
    expect(safeRedirect('/a?b=1#c', APP_URL)).toBe('/a?b=1#c');
    expect(safeRedirect('/\tevil', APP_URL)).toBe('/');
    expect(safeRedirect(42, APP_URL)).toBe('/');
  });
});

describe('sessions', () => {
  it('sign-out ends the session', async () => {
    const u = await signIn(t, 'bye@example.com');
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(200);
    expect((await api(t.app, 'POST', '/api/v1/auth/sign-out', { as: u })).status).toBe(204);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(401);
  });

  it('each sign-in gets a new session token', async () => {
    const a = await signIn(t, 'twice@example.com');
    const b = await signIn(t, 'twice@example.com');
    expect(a.cookie).not.toBe(b.cookie);
    expect(a.userId).toBe(b.userId);
  });

  it('refuses unsupported credential forms with 401', async () => {
    for (const headers of [{ authorization: 'token pat_x' }, { authorization: 'Basic dTpw' }]) {
      const r = await api(t.app, 'GET', '/api/v1/me', { headers });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unsupported_credentials');
    }
    expect((await api(t.app, 'GET', '/api/v1/me?access_token=pat_x')).status).toBe(401);
  });
});
