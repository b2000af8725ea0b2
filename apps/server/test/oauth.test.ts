/**
 * OAuth 2 provider: application registration, the authorization endpoint's refusal to redirect to
 * anything unregistered, PKCE S256, single-use codes (a replay revokes what the first produced),
 * refresh rotation with reuse detection, revocation, metadata, and access tokens on the API within
 * their scopes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_URL, api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let ws: { workspace: { id: string; urlSlug: string }; team: { id: string; key: string } };
let clientId: string;
let clientSecret: string;
const REDIRECT = 'https://app.example.test/cb';

beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'oauth-owner@example.com');
  ws = await createWorkspace(t, owner, 'OAuth Co', 'OAC');
  const res = await api(t.app, 'POST', '/api/v1/oauth/applications', {
    as: owner,
    body: { name: 'Example app', redirectUris: [REDIRECT, 'http://127.0.0.1/loopback'], scopes: ['read', 'write', 'issues:create'] },
  });
  expect(res.status).toBe(201);
  clientId = res.body.application.clientId;
  clientSecret = res.body.clientSecret;
});
afterAll(async () => t?.close());

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeQuery(over: Record<string, string> = {}) {
  const { challenge } = pkce();
  return new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256', ...over });
}

async function getCode(scope = 'read write', redirectUri = REDIRECT) {
  const { verifier, challenge } = pkce();
  const body = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 's1', scope, code_challenge: challenge, code_challenge_method: 'S256', decision: 'allow' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/oauth/authorize',
    payload: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `exponential_session=${owner.cookie}`, origin: APP_URL },
  });
  expect(res.statusCode).toBe(303);
  const loc = new URL(res.headers.location as string);
  expect(loc.searchParams.get('state')).toBe('s1');
  return { code: loc.searchParams.get('code')!, verifier, location: loc };
}

const token = (form: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/oauth/token', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

async function exchange(code: string, verifier: string, redirectUri = REDIRECT) {
  return token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret });
}

describe('application registration', () => {
  it('refuses insecure redirect URIs and unknown scopes, and hides the secret', async () => {
    const bad = await api(t.app, 'POST', '/api/v1/oauth/applications', { as: owner, body: { name: 'x', redirectUris: ['http://evil.test/cb'], scopes: ['read'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('/body/redirectUris/0');
    const scope = await api(t.app, 'POST', '/api/v1/oauth/applications', { as: owner, body: { name: 'x', redirectUris: [REDIRECT], scopes: ['everything'] } });
    expect(scope.status).toBe(422);
    const list = await api(t.app, 'GET', '/api/v1/oauth/applications', { as: owner });
    expect(JSON.stringify(list.body)).not.toContain(clientSecret);
  });
});

describe('authorization endpoint', () => {
  it('answers a 400 page on our origin, never a redirect, for unregistered redirect URIs and unknown clients', async () => {
    const evil = [
      'https://evil.test/cb',
      'https://app.example.test.evil.test/cb',
      'https://app.example.test/cb/../x',
      'https://app.example.test/cb?x=1',
      'https://app.example.test/cb#f',
      'https:app.example.test/cb',
      '//evil.test',
      'https://app.example.test@evil.test/cb',
      'https://app.example.test%2F@evil.test/cb',
      'HTTPS://APP.EXAMPLE.TEST/cb',
    ];
    for (const uri of evil) {
      const res = await t.app.inject({ method: 'GET', url: `/oauth/authorize?${authorizeQuery({ redirect_uri: uri })}`, headers: { cookie: `exponential_session=${owner.cookie}` } });
      expect(res.statusCode, uri).toBe(400);
      expect(res.headers.location, uri).toBeUndefined();
    }
    const unknown = await t.app.inject({ method: 'GET', url: `/oauth/authorize?${authorizeQuery({ client_id: 'oac_nope' })}` });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers.location).toBeUndefined();
    const badType = await t.app.inject({ method: 'GET', url: `/oauth/authorize?${authorizeQuery({ response_type: 'token', redirect_uri: 'https://evil.test/cb' })}` });
    expect(badType.statusCode).toBe(400);
    expect(badType.headers.location).toBeUndefined();
  });

  it('shows a consent page to a signed-in member', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/oauth/authorize?${authorizeQuery({ scope: 'read' })}`, headers: { cookie: `exponential_session=${owner.cookie}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Authorize Example app');
    expect(res.body).toContain('<form method="post" action="/oauth/authorize">');
  });

  it('requires PKCE S256 (plain refused) and known scopes', async () => {
    const plain = await t.app.inject({ method: 'GET', url: `/oauth/authorize?${authorizeQuery({ code_challenge_method: 'plain' })}`, headers: { cookie: `exponential_session=${owner.cookie}` } });
    expect(plain.statusCode).toBe(303);
    expect(new URL(plain.headers.location as string).searchParams.get('error')).toBe('invalid_request');
    const scope = await t.app.inject({ method: 'GET', url: `/oauth/authorize?${authorizeQuery({ scope: 'admin' })}`, headers: { cookie: `exponential_session=${owner.cookie}` } });
    expect(new URL(scope.headers.location as string).searchParams.get('error')).toBe('invalid_scope');
  });

  it('accepts any port on a registered loopback redirect (RFC 8252)', async () => {
    const { code, verifier } = await getCode('read', 'http://127.0.0.1:53124/loopback');
    const res = await exchange(code, verifier, 'http://127.0.0.1:53124/loopback');
    expect(res.statusCode).toBe(200);
  });
});

describe('token endpoint', () => {
  it('issues tokens that work on the API within their scopes', async () => {
    const { code, verifier } = await getCode('read');
    const res = await exchange(code, verifier);
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    expect(body.access_token).toMatch(/^oat_/);
    const read = await api(t.app, 'GET', '/api/v1/teams', { as: { token: body.access_token } });
    expect(read.status).toBe(200);
    const write = await api(t.app, 'POST', '/api/v1/teams', { as: { token: body.access_token }, body: { name: 'Nope' } });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('insufficient_scope');
  });

  it('a narrow issues:create token can create issues and nothing else', async () => {
    const { code, verifier } = await getCode('issues:create');
    const at = JSON.parse((await exchange(code, verifier)).body).access_token;
    const created = await api(t.app, 'POST', '/api/v1/issues', { as: { token: at }, body: { teamId: ws.team.id, title: 'From an app' } });
    expect(created.status).toBe(201);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: at } })).status).toBe(403);
  });

  it('refuses a wrong verifier, a wrong redirect URI and a wrong secret', async () => {
    const a = await getCode();
    expect(JSON.parse((await exchange(a.code, 'x'.repeat(43))).body).error).toBe('invalid_grant');
    const b = await getCode();
    expect(JSON.parse((await exchange(b.code, b.verifier, 'http://127.0.0.1/loopback')).body).error).toBe('invalid_request');
    const c = await getCode();
    const wrong = await token({ grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, redirect_uri: REDIRECT, client_id: clientId, client_secret: 'ocs_wrong' });
    expect(wrong.statusCode).toBe(401);
    expect(JSON.parse(wrong.body).error).toBe('invalid_client');
  });

  it('codes are single use: a second redemption fails and revokes what the first produced', async () => {
    const { code, verifier } = await getCode();
    const first = JSON.parse((await exchange(code, verifier)).body);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: first.access_token } })).status).toBe(200);
    const second = await exchange(code, verifier);
    expect(second.statusCode).toBe(400);
    expect(JSON.parse(second.body).error).toBe('invalid_grant');
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: first.access_token } })).status).toBe(401);
  });

  it('codes expire after 10 minutes', async () => {
    const { code, verifier } = await getCode();
    t.clock.advance(11 * 60 * 1000);
    expect(JSON.parse((await exchange(code, verifier)).body).error).toBe('invalid_grant');
  });

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const { code, verifier } = await getCode();
    const first = JSON.parse((await exchange(code, verifier)).body);
    const refresh = (rt: string) => token({ grant_type: 'refresh_token', refresh_token: rt, client_id: clientId, client_secret: clientSecret });
    const second = JSON.parse((await refresh(first.refresh_token)).body);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: second.access_token } })).status).toBe(200);
    const reuse = await refresh(first.refresh_token);
    expect(JSON.parse(reuse.body).error).toBe('invalid_grant');
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: second.access_token } })).status).toBe(401);
    expect(JSON.parse((await refresh(second.refresh_token)).body).error).toBe('invalid_grant');
  });

  it('revokes tokens (RFC 7009) and lets users list and revoke authorized apps', async () => {
    const { code, verifier } = await getCode();
    const tok = JSON.parse((await exchange(code, verifier)).body);
    const list = await api(t.app, 'GET', '/api/v1/oauth/authorizations', { as: owner });
    expect(list.body.data.map((a: { name: string }) => a.name)).toContain('Example app');
    const rev = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      payload: new URLSearchParams({ token: tok.access_token }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    });
    expect(rev.statusCode).toBe(200);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: tok.access_token } })).status).toBe(401);
    const appId = list.body.data[0].applicationId;
    expect((await api(t.app, 'DELETE', `/api/v1/oauth/authorizations/${appId}`, { as: owner })).status).toBe(204);
    const { code: c2, verifier: v2 } = await getCode();
    const t2 = JSON.parse((await exchange(c2, v2)).body);
    expect((await api(t.app, 'DELETE', `/api/v1/oauth/authorizations/${appId}`, { as: owner })).status).toBe(204);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: t2.access_token } })).status).toBe(401);
  });

  it('publishes authorization server metadata (RFC 8414)', async () => {
    const res = await api(t.app, 'GET', '/.well-known/oauth-authorization-server');
    expect(res.body).toMatchObject({ issuer: APP_URL, code_challenge_methods_supported: ['S256'], token_endpoint: `${APP_URL}/oauth/token` });
  });
});
