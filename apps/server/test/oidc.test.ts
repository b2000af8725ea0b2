/**
 * OIDC sign-in end to end against a real OpenID provider (the oidc-provider package) started on
 * loopback inside the test: PKCE, state and nonce, verified e-mail required, accounts linked by
 * verified e-mail, the flow bound to the browser that started it, and the workspace auth-method
 * policy enforced at sign-in start and when a session enters the workspace.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_URL, api, createTestApp, createWorkspace, signIn, type TestApp } from './helpers.ts';

let t: TestApp;
let idp: http.Server;
let issuer: string;

beforeAll(async () => {
  idp = http.createServer();
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', () => r()));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'exponential',
        client_secret: 'a-long-enough-client-secret-for-tests',
        redirect_uris: [`${APP_URL}/api/v1/auth/oidc/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: `sub-${id}`, email: `${id}@example.com`, email_verified: !id.startsWith('unverified'), name: `User ${id}` }),
    }),
    cookies: { keys: ['test-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: true } },
  });
  idp.on('request', provider.callback());
  t = await createTestApp({
    EXPONENTIAL_OIDC_ISSUER: issuer,
    EXPONENTIAL_OIDC_CLIENT_ID: 'exponential',
    EXPONENTIAL_OIDC_CLIENT_SECRET: 'a-long-enough-client-secret-for-tests',
    EXPONENTIAL_OIDC_NAME: 'Test SSO',
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => idp?.close(r));
});

/** A minimal browser: one cookie jar, follows redirects across the IdP (fetch) and our app (inject). */
class Browser {
  jar = new Map<string, string>();
  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(setCookie: string | string[] | undefined) {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  async request(url: string, init: { method?: string; body?: string; contentType?: string } = {}) {
    if (url.startsWith(APP_URL)) {
      const res = await t.app.inject({
        method: (init.method ?? 'GET') as 'GET',
        url: url.slice(APP_URL.length),
        headers: { cookie: this.cookieHeader(), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
        payload: init.body,
      });
      this.store(res.headers['set-cookie'] as string | string[] | undefined);
      return { status: res.statusCode, location: res.headers.location as string | undefined, body: res.body };
    }
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      body: init.body,
    });
    this.store(res.headers.getSetCookie());
    return { status: res.status, location: res.headers.get('location') ?? undefined, body: await res.text() };
  }
  /** Follows redirects and submits the IdP's login and consent forms until it lands on our app's final answer. */
  async signIn(startPath: string, login: string) {
    let current = `${APP_URL}${startPath}`;
    let res = await this.request(current);
    for (let hops = 0; hops < 20; hops++) {
      if (res.location) {
        const next = new URL(res.location, current).href;
        current = next;
        if (next.startsWith(APP_URL) && !next.includes('/api/v1/auth/oidc/')) return res;
        res = await this.request(next);
        continue;
      }
      const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(res.body);
      if (!form || res.status >= 400) return res;
      const fields = new URLSearchParams();
      for (const m of form[2]!.matchAll(/<input([^>]*)>/gi)) {
        const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
        if (name) fields.set(name, /value="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
      }
      if (fields.has('login')) fields.set('login', login);
      if (fields.has('password')) fields.set('password', 'any');
      current = new URL(form[1]!, current).href;
      res = await this.request(current, { method: 'POST', body: fields.toString(), contentType: 'application/x-www-form-urlencoded' });
    }
    throw new Error('too many hops');
  }
  session() {
    return this.jar.get('exponential_session');
  }
}

describe('OIDC sign-in', () => {
  it('lists the configured provider', async () => {
    const res = await api(t.app, 'GET', '/api/v1/auth/providers');
    expect(res.body.data).toEqual([{ id: 'oidc', name: 'Test SSO', startUrl: '/api/v1/auth/oidc/oidc/start' }]);
  });

  it('starts with PKCE S256, state and nonce', async () => {
    const b = new Browser();
    const res = await b.request(`${APP_URL}/api/v1/auth/oidc/oidc/start`);
    expect(res.status).toBe(302);
    const u = new URL(res.location!);
    expect(u.origin).toBe(issuer);
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('state')).toBeTruthy();
    expect(u.searchParams.get('nonce')).toBeTruthy();
    expect(b.jar.has('exponential_oidc')).toBe(true);
  });

  it('signs in end to end, links to the account with the same verified e-mail, and redirects same-origin only', async () => {
    const existing = await signIn(t, 'carol@example.com');
    const b = new Browser();
    const done = await b.signIn('/api/v1/auth/oidc/oidc/start?redirectTo=https%3A%2F%2Fevil.test%2Fx', 'carol');
    expect(done.status).toBe(303);
    expect(done.location).toBe('/');
    const me = await api(t.app, 'GET', '/api/v1/me', { as: { cookie: b.session()! } });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(existing.userId);
    // Second sign-in finds the account by subject.
    const b2 = new Browser();
    await b2.signIn('/api/v1/auth/oidc/oidc/start?redirectTo=%2Fteam%2FENG', 'carol');
    expect((await api(t.app, 'GET', '/api/v1/me', { as: { cookie: b2.session()! } })).body.user.id).toBe(existing.userId);
  });

  it('refuses an unverified e-mail', async () => {
    const b = new Browser();
    const res = await b.signIn('/api/v1/auth/oidc/oidc/start', 'unverified-dave');
    expect(res.status).toBe(403);
    expect(res.body).toContain('verified e-mail');
    expect(b.session()).toBeUndefined();
  });

  it('refuses a callback in a browser that did not start the flow', async () => {
    const starter = new Browser();
    const start = await starter.request(`${APP_URL}/api/v1/auth/oidc/oidc/start`);
    const state = new URL(start.location!).searchParams.get('state');
    const other = new Browser();
    const res = await other.request(`${APP_URL}/api/v1/auth/oidc/oidc/callback?code=forged&state=${state}`);
    expect(res.status).toBe(400);
    expect(other.session()).toBeUndefined();
  });
});

describe('workspace auth-method policy', () => {
  it('is enforced at sign-in start and when a session enters the workspace', async () => {
    const owner = await signIn(t, 'policy-owner@example.com');
    const ws = await createWorkspace(t, owner, 'Strict', 'STR');
    const slug = ws.workspace.urlSlug;
    // An admin signed in by e-mail cannot remove e-mail sign-in (lockout guard).
    const lockout = await api(t.app, 'PUT', '/api/v1/workspaces/current/auth-policy', { as: owner, body: { allowedMethods: ['oidc'] } });
    expect(lockout.status).toBe(422);
    expect(lockout.body.code).toBe('policy_lockout');
    // Sign the owner in with SSO, then require SSO.
    const b = new Browser();
    await b.signIn('/api/v1/auth/oidc/oidc/start', 'policy-owner');
    const sso = { cookie: b.session()!, workspace: slug };
    const set = await api(t.app, 'PUT', '/api/v1/workspaces/current/auth-policy', { as: sso, body: { allowedMethods: ['oidc'] } });
    expect(set.status).toBe(200);
    // Magic-link start naming the workspace is refused with a clear message.
    const start = await api(t.app, 'POST', '/api/v1/auth/magic-link', { body: { email: 'x@example.com', workspace: slug } });
    expect(start.status).toBe(403);
    expect(start.body.detail).toBe('Email sign-in is disabled for this workspace.');
    // The e-mail session can no longer enter it.
    const refused = await api(t.app, 'GET', '/api/v1/teams', { as: { cookie: owner.cookie, workspace: slug } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('auth_method_not_allowed');
    // The SSO session can.
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: sso })).status).toBe(200);
  });
});
