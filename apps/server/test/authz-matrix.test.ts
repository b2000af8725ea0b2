/**
 * Authorization matrix: every registered route × {anonymous, owner, admin, member, guest, a member
 * of another workspace, read token, write token, OAuth tokens per scope}. The resulting status
 * codes are pinned in `__snapshots__/authz-matrix.txt`, so a new route (or a changed outcome)
 * cannot land without the committed table changing too (`vitest -u` rewrites it for review).
 *
 * Requests by members of the workspace use random ids (nothing existing is touched); the outsider
 * (a member of workspace B, by session and by token) uses the REAL ids of workspace A's objects,
 * and must never get a 2xx on a route that names an object.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { member } from '@exponential/db';
import { newId } from '../src/lib/ids.ts';
import type { RouteAuthEntry } from '../src/plugins/auth.ts';
import { APP_URL, api, createTestApp, createWorkspace, signIn, uniqueAddress, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
type Principal = { name: string; headers: () => Record<string, string> };
const principals: Principal[] = [];
const realIds: Record<string, string> = {};
let table = '';
const outsiderHits: string[] = [];
const anonymousHits: string[] = [];
const readTokenWrites: string[] = [];

async function pat(who: SignedIn, scopes: string[], workspace?: string) {
  const res = await api(t.app, 'POST', '/api/v1/tokens', { as: { cookie: who.cookie, workspace }, body: { name: `t-${scopes.join('-')}`, scopes } });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.value as string;
}

async function oauthToken(owner: SignedIn, appInfo: { clientId: string; clientSecret: string }, scope: string) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const form = new URLSearchParams({ response_type: 'code', client_id: appInfo.clientId, redirect_uri: 'https://app.example.test/cb', scope, code_challenge: challenge, code_challenge_method: 'S256', decision: 'allow' });
  const auth = await t.app.inject({ method: 'POST', url: '/oauth/authorize', payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `exponential_session=${owner.cookie}`, origin: APP_URL } });
  const code = new URL(auth.headers.location as string).searchParams.get('code')!;
  const tok = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'https://app.example.test/cb', client_id: appInfo.clientId, client_secret: appInfo.clientSecret }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return JSON.parse(tok.body).access_token as string;
}

beforeAll(async () => {
  t = await createTestApp();
  const owner = await signIn(t, 'm-owner@example.com');
  const ws = await createWorkspace(t, owner, 'Matrix A', 'MAT');
  const wsId = ws.workspace.id;
  const roles: Record<string, SignedIn> = {};
  for (const role of ['admin', 'member', 'guest'] as const) {
    roles[role] = await signIn(t, `m-${role}@example.com`);
    await t.database.db.insert(member).values({ id: newId(), workspaceId: wsId, userId: roles[role]!.userId, role });
  }
  const outsider = await signIn(t, 'm-outsider@example.com');
  await createWorkspace(t, outsider, 'Matrix B', 'OUT');

  // Real objects of workspace A, for the outsider's requests.
  realIds.teamId = ws.team.id;
  realIds.userId = roles.member!.userId;
  const states = await api(t.app, 'GET', `/api/v1/teams/${ws.team.id}/states`, { as: owner });
  realIds.stateId = states.body.data[0].id;
  const iss = await api(t.app, 'POST', '/api/v1/issues', { as: owner, body: { teamId: ws.team.id, title: 'Matrix issue' } });
  realIds.issueId = iss.body.id;
  const iss2 = await api(t.app, 'POST', '/api/v1/issues', { as: owner, body: { teamId: ws.team.id, title: 'Matrix issue 2' } });
  const lab = await api(t.app, 'POST', '/api/v1/labels', { as: owner, body: { name: 'Bug', color: '#ff0000' } });
  realIds.labelId = lab.body.id;
  const com = await api(t.app, 'POST', `/api/v1/issues/${iss.body.id}/comments`, { as: owner, body: { body: '<p>hi</p>' } });
  realIds.commentId = com.body.id;
  const rel = await api(t.app, 'POST', `/api/v1/issues/${iss.body.id}/relations`, { as: owner, body: { type: 'related', relatedIssueId: iss2.body.id } });
  realIds.relationId = rel.body.id;
  const rea = await api(t.app, 'POST', `/api/v1/issues/${iss.body.id}/reactions`, { as: owner, body: { emoji: '👍' } });
  realIds.reactionId = rea.body.id;
  const oapp = await api(t.app, 'POST', '/api/v1/oauth/applications', {
    as: owner,
    body: { name: 'Matrix app', redirectUris: ['https://app.example.test/cb'], scopes: ['read', 'write', 'admin', 'issues:create', 'comments:create'] },
  });
  realIds.applicationId = oapp.body.application.id;
  const ownerRead = await pat(owner, ['read']);
  const memberWrite = await pat(roles.member!, ['read', 'write'], wsId);
  const tokenList = await api(t.app, 'GET', '/api/v1/tokens', { as: owner });
  realIds.tokenId = tokenList.body.data[0].id;
  const outsiderToken = await pat(outsider, ['read', 'write']);
  const oauthApp = { clientId: oapp.body.application.clientId, clientSecret: oapp.body.clientSecret };

  const cookie = (who: SignedIn, workspace?: string) => () => ({ cookie: `exponential_session=${who.cookie}`, origin: APP_URL, ...(workspace ? { 'x-workspace': workspace } : {}) });
  const bearer = (token: string) => () => ({ authorization: `Bearer ${token}` });
  principals.push(
    { name: 'anonymous', headers: () => ({}) },
    { name: 'owner', headers: cookie(owner, wsId) },
    { name: 'admin', headers: cookie(roles.admin!, wsId) },
    { name: 'member', headers: cookie(roles.member!, wsId) },
    { name: 'guest', headers: cookie(roles.guest!, wsId) },
    { name: 'outsider', headers: cookie(outsider) },
    { name: 'outsiderToken', headers: bearer(outsiderToken) },
    { name: 'readToken', headers: bearer(ownerRead) },
    { name: 'writeToken', headers: bearer(memberWrite) },
  );
  for (const scope of ['read', 'write', 'admin', 'issues:create', 'comments:create']) {
    principals.push({ name: `oauth:${scope}`, headers: bearer(await oauthToken(owner, oauthApp, scope)) });
  }
});
afterAll(async () => t?.close());

function fillPath(url: string, real: boolean): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => (real && realIds[name] ? realIds[name] : randomUUID()));
}

describe('authorization matrix', () => {
  it('every route × principal gives the committed outcome', async () => {
    // Routes that end the caller's own session or membership run last, so they cannot change
    // the outcome of the rows after them.
    const selfEnding = ['POST /api/v1/sessions/revoke-others', 'POST /api/v1/members/leave', 'POST /api/v1/auth/sign-out'];
    const rank = (r: RouteAuthEntry) => selfEnding.indexOf(`${r.method} ${r.url}`);
    const routes: RouteAuthEntry[] = [...t.app.routeManifest]
      .filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/oauth'))
      .sort((a, b) => rank(a) - rank(b) || a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    const header = `${'route'.padEnd(64)} ${principals.map((p) => p.name.slice(0, 9).padStart(9)).join(' ')}`;
    const lines = [header];
    for (const r of routes) {
      const cells: string[] = [];
      for (const p of principals) {
        const outsider = p.name.startsWith('outsider');
        const url = fillPath(r.url, outsider);
        const res = await t.app.inject({
          method: r.method as 'GET',
          url,
          headers: { ...p.headers(), ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: '{}' }),
          remoteAddress: uniqueAddress(),
        });
        cells.push(String(res.statusCode).padStart(9));
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        if (outsider && ok && /:[A-Za-z]+/.test(r.url) && r.auth !== 'public') outsiderHits.push(`${r.method} ${r.url} → ${res.statusCode}`);
        if (p.name === 'anonymous' && r.auth !== 'public' && res.statusCode !== 401) anonymousHits.push(`${r.method} ${r.url} → ${res.statusCode}`);
        if (p.name === 'readToken' && r.method !== 'GET' && ok) readTokenWrites.push(`${r.method} ${r.url} → ${res.statusCode}`);
      }
      lines.push(`${`${r.method} ${r.url}`.padEnd(64)} ${cells.join(' ')}`);
    }
    table = `${lines.join('\n')}\n`;
    expect(anonymousHits, 'anonymous requests must get 401 on every non-public route').toEqual([]);
    expect(outsiderHits, "a member of another workspace must never reach workspace A's objects").toEqual([]);
    expect(readTokenWrites, 'a read token must never change anything').toEqual([]);
    await expect(table).toMatchFileSnapshot('./__snapshots__/authz-matrix.txt');
  }, 120_000);
});
