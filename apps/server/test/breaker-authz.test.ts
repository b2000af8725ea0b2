/**
 * Breaker: authorization bypasses found by attacking the API, each kept as a regression test —
 * private-team issues named in another team's history, a removed member's OAuth grant coming
 * back when they rejoin, an invitee auto-joined to a private team, an OAuth application granted
 * `write` administering the workspace, a
 * token minting a longer-lived token, credentials kept in the
 * idempotency cache, and one Idempotency-Key shared across workspaces or uploads. Plus the
 * private-team probes that held (relations, sub-issues, comments, reactions, filters, search,
 * bulk, sync bootstrap) so they stay held.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { idempotencyKey, member, personalAccessToken, syncOperation } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.ts';
import { APP_URL, api, createTestApp, signIn, type TestApp } from './helpers.ts';
import { invitationTokenFor } from './access-fixtures.ts';
import { addMember, type Actor, insertIssue, insertTeam, newWorkspace, type Ws } from './collab-fixtures.ts';
import { upload } from './fixtures/imports/helpers.ts';

let t: TestApp;
let ws: Ws;
let other: Ws;
let m: Actor;
let g: Actor;
let sec: string;
beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: process.env.DBG_LOG ?? 'silent' });
  ws = await newWorkspace(t, 'authz-owner@example.com', 'Authz', 'ENG');
  other = await newWorkspace(t, 'authz-other@example.com', 'Elsewhere', 'OTH');
  m = await addMember(t, ws, 'authz-member@example.com', 'member', [ws.teamId]);
  g = await addMember(t, ws, 'authz-guest@example.com', 'guest', [ws.teamId]);
  sec = await insertTeam(t, ws, 'SEC', true, [ws.owner.userId]);
});
afterAll(async () => t?.close());

describe('private-team issues stay hidden', () => {
  it('a relation to a private issue is not named in the public issue\'s history (REST and sync op)', async () => {
    const o = ws.owner;
    const secret = await insertIssue(t, ws, 'secret plan', sec);
    const pub = await insertIssue(t, ws, 'public work');
    const rel = await api(t.app, 'POST', `/api/v1/issues/${pub.id}/relations`, { as: o, body: { type: 'blocks', relatedIssueId: secret.id } });
    expect(rel.status).toBe(201);
    for (const who of [m, g]) {
      const h = await api(t.app, 'GET', `/api/v1/issues/${pub.id}/history`, { as: who });
      expect(h.status).toBe(200);
      expect(JSON.stringify(h.body)).not.toContain(secret.identifier);
      expect(h.body.data.filter((e: { kind: string }) => e.kind.startsWith('relation_'))).toEqual([]);
      expect((await api(t.app, 'GET', `/api/v1/issues/${pub.id}/relations`, { as: who })).body.data).toEqual([]);
    }
    // The owner reads both teams: the event is there, without the other team's identifier.
    const own = await api(t.app, 'GET', `/api/v1/issues/${pub.id}/history`, { as: o });
    expect(own.body.data[0]).toMatchObject({ kind: 'relation_added', changes: { type: 'blocks', relatedIssueId: secret.id } });
    // The operation every reader of the public team receives does not carry it either.
    const ops = await t.database.db.select().from(syncOperation).where(and(eq(syncOperation.workspaceId, ws.wsId), eq(syncOperation.entity, 'issueHistory'), eq(syncOperation.teamId, ws.teamId)));
    expect(ops.length).toBeGreaterThan(0);
    expect(JSON.stringify(ops.map((op) => op.data))).not.toContain(secret.identifier);
  });

  it('relations, sub-issues, comments, reactions, filters, search, bulk and the sync bootstrap give nothing away', async () => {
    const o = ws.owner;
    const secret = await insertIssue(t, ws, 'hidden roadmap', sec);
    const label = (await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name: 'classified', color: '#000000', teamId: sec } })).body;
    await api(t.app, 'PATCH', `/api/v1/issues/${secret.id}`, { as: o, body: { labelIds: [label.id], assigneeId: o.userId } });
    const comment = (await api(t.app, 'POST', `/api/v1/issues/${secret.id}/comments`, { as: o, body: { body: '<p>hidden note</p>' } })).body;
    const reaction = (await api(t.app, 'POST', `/api/v1/issues/${secret.id}/reactions`, { as: o, body: { emoji: '🔒' } })).body;
    const pub = await insertIssue(t, ws, 'visible');
    for (const who of [m, g]) {
      const statuses = await Promise.all([
        api(t.app, 'GET', `/api/v1/issues/${secret.identifier}`, { as: who }),
        api(t.app, 'GET', `/api/v1/issues?parentId=${secret.id}`, { as: who }),
        api(t.app, 'POST', '/api/v1/issues', { as: who, body: { teamId: ws.teamId, title: 'x', parentId: secret.id } }),
        api(t.app, 'POST', `/api/v1/issues/${pub.id}/relations`, { as: who, body: { type: 'related', relatedIssueId: secret.identifier } }),
        api(t.app, 'POST', '/api/v1/issues/bulk', { as: who, body: { issueIds: [pub.id, secret.identifier], update: { priority: 'high' } } }),
        api(t.app, 'PATCH', `/api/v1/comments/${comment.id}`, { as: who, body: { body: 'x' } }),
        api(t.app, 'POST', `/api/v1/comments/${comment.id}/reactions`, { as: who, body: { emoji: '👀' } }),
        api(t.app, 'DELETE', `/api/v1/reactions/${reaction.id}`, { as: who }),
        api(t.app, 'GET', `/api/v1/labels/${label.id}`, { as: who }),
        api(t.app, 'PATCH', `/api/v1/issues/${pub.id}`, { as: who, body: { teamId: 'SEC' } }),
      ]);
      expect(statuses.map((r) => r.status)).toEqual(Array(10).fill(404));
      for (const q of [`labelId=${label.id}`, 'q=hidden', `q=${secret.identifier}`, `assigneeId=${o.userId}`, 'includeArchived=true']) {
        const res = await api(t.app, 'GET', `/api/v1/issues?${q}`, { as: who });
        expect(res.status).toBe(200);
        expect(res.body.data.map((i: { id: string }) => i.id)).not.toContain(secret.id);
      }
      const boot = await t.app.inject({ method: 'GET', url: '/api/v1/sync/bootstrap', headers: { cookie: `exponential_session=${who.cookie}` } });
      expect(boot.statusCode).toBe(200);
      for (const word of ['hidden roadmap', 'hidden note', 'classified', sec]) expect(boot.body).not.toContain(word);
      const ops = await api(t.app, 'GET', '/api/v1/sync/ops?after=0&limit=1000', { as: who });
      for (const word of ['hidden roadmap', 'hidden note', 'classified']) expect(JSON.stringify(ops.body)).not.toContain(word);
    }
  });
});

describe('cursors handed to another user', () => {
  it('an owner\'s cursor (positioned on a private-team issue) shows a member only what the member may read', async () => {
    const o = ws.owner;
    await insertIssue(t, ws, 'cursor public before');
    const hidden = await insertIssue(t, ws, 'cursor private', sec);
    await insertIssue(t, ws, 'cursor public after');
    // Page as the owner, one issue at a time, up to the page holding the private issue.
    let cursor: string | null = null;
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const page = await api(t.app, 'GET', `/api/v1/issues?limit=1${after ? `&cursor=${encodeURIComponent(after)}` : ''}`, { as: o });
      if (page.body.data[0]?.id === hidden.id) {
        cursor = page.body.nextCursor;
        break;
      }
      after = page.body.nextCursor;
      if (!after) break;
    }
    expect(cursor).toEqual(expect.any(String));
    for (const who of [m, g]) {
      const res = await api(t.app, 'GET', `/api/v1/issues?limit=100&cursor=${encodeURIComponent(cursor!)}`, { as: who });
      expect(res.status).toBe(200);
      expect(res.body.data.map((i: { id: string }) => i.id)).not.toContain(hidden.id);
      expect(res.body.data.every((i: { teamId: string }) => i.teamId === ws.teamId)).toBe(true);
    }
  });
});

/** Authorizes `scope` for `who` on an OAuth application of `ws` and returns the access token. */
async function oauthAccessToken(who: Actor, app: { clientId: string; clientSecret: string }, scope: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'https://app.example.test/cb';
  const form = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: redirect, scope, code_challenge: challenge, code_challenge_method: 'S256', decision: 'allow' });
  const auth = await t.app.inject({
    method: 'POST', url: '/oauth/authorize', payload: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `exponential_session=${who.cookie}`, origin: APP_URL },
  });
  const code = new URL(auth.headers.location as string).searchParams.get('code');
  expect(code, auth.body).toBeTruthy();
  const tok = await t.app.inject({
    method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'authorization_code', code: code!, code_verifier: verifier, redirect_uri: redirect, client_id: app.clientId, client_secret: app.clientSecret }).toString(),
  });
  expect(tok.statusCode, tok.body).toBe(200);
  return JSON.parse(tok.body).access_token as string;
}

describe('joining by invitation', () => {
  it('never puts the invitee into a private team (the oldest live public team, or none)', async () => {
    const boss = await newWorkspace(t, 'authz-private-first@example.com', 'Private First', 'PRV');
    const o = boss.owner;
    expect((await api(t.app, 'PATCH', `/api/v1/teams/${boss.teamId}`, { as: o, body: { isPrivate: true } })).status).toBe(200);
    const join = async (email: string, role: 'member' | 'guest') => {
      const who = await signIn(t, email);
      expect((await api(t.app, 'POST', '/api/v1/invitations', { as: o, body: { email, role } })).status).toBe(201);
      const res = await api(t.app, 'POST', '/api/v1/invitations/accept', { as: who, body: { token: invitationTokenFor(t, email) } });
      expect(res.status).toBe(200);
      const teams = await api(t.app, 'GET', '/api/v1/teams', { as: { cookie: who.cookie, workspace: boss.wsId } });
      return { accepted: res.body, teams: teams.body.data.map((x: { key: string }) => x.key) };
    };
    const early = await join('authz-early-guest@example.com', 'guest');
    expect(early.accepted.teamId).toBeNull();
    expect(early.teams).toEqual([]);
    const ops = await api(t.app, 'POST', '/api/v1/teams', { as: o, body: { name: 'Operations', key: 'OPS' } });
    expect(ops.status).toBe(201);
    for (const [email, role] of [['authz-late-guest@example.com', 'guest'], ['authz-late-member@example.com', 'member']] as const) {
      const r = await join(email, role);
      expect(r.accepted.teamId).toBe(ops.body.id);
      expect(r.teams).toEqual(['OPS']);
    }
  });
});

describe('credentials of a removed member', () => {
  it('their OAuth grants are revoked at removal and stay dead when they rejoin; so do their tokens', async () => {
    const o = ws.owner;
    // The OAuth library checks a code's expiry against the wall clock, the server against its own.
    if (t.clock.now() < new Date()) t.clock.set(new Date());
    const leaver = await addMember(t, ws, 'authz-leaver@example.com', 'member', [ws.teamId]);
    const created = await api(t.app, 'POST', '/api/v1/oauth/applications', { as: o, body: { name: 'Bot', redirectUris: ['https://app.example.test/cb'], scopes: ['read', 'write'] } });
    expect(created.status).toBe(201);
    const oat = await oauthAccessToken(leaver, { clientId: created.body.application.clientId, clientSecret: created.body.clientSecret }, 'read write');
    const pat = (await api(t.app, 'POST', '/api/v1/tokens', { as: leaver, body: { name: 'cli', scopes: ['write'] } })).body.value;
    expect((await api(t.app, 'GET', '/api/v1/issues', { as: { token: oat } })).status).toBe(200);
    expect((await api(t.app, 'DELETE', `/api/v1/members/${leaver.userId}`, { as: o })).status).toBe(204);
    for (const token of [oat, pat]) expect((await api(t.app, 'GET', '/api/v1/issues', { as: { token } })).status).toBe(401);
    expect((await api(t.app, 'GET', '/api/v1/issues', { as: leaver })).status).toBe(404);
    // Invited back: the old credentials must not come back to life with the membership.
    await t.database.db.insert(member).values({ id: newId(), workspaceId: ws.wsId, userId: leaver.userId, role: 'member' });
    for (const token of [oat, pat]) {
      const res = await api(t.app, 'POST', '/api/v1/issues', { as: { token }, body: { teamId: ws.teamId, title: 'ghost' } });
      expect(res.status).toBe(401);
    }
  });
});

describe('OAuth scope escalation', () => {
  it('an application granted write (not admin) cannot change roles, remove members, invite or import', async () => {
    const o = ws.owner;
    if (t.clock.now() < new Date()) t.clock.set(new Date());
    const created = await api(t.app, 'POST', '/api/v1/oauth/applications', { as: o, body: { name: 'Writer', redirectUris: ['https://app.example.test/cb'], scopes: ['read', 'write', 'admin', 'issues:create'] } });
    const client = { clientId: created.body.application.clientId, clientSecret: created.body.clientSecret };
    const write = await oauthAccessToken(o, client, 'read write');
    const narrow = await oauthAccessToken(o, client, 'issues:create');
    const victim = await addMember(t, ws, 'authz-victim@example.com', 'member', [ws.teamId]);
    const admin = [
      ['PATCH', `/api/v1/members/${victim.userId}`, { role: 'owner' }],
      ['DELETE', `/api/v1/members/${victim.userId}`, undefined],
      ['POST', '/api/v1/invitations', { email: 'attacker@evil.example', role: 'admin' }],
    ] as const;
    for (const token of [write, narrow]) {
      for (const [method, url, body] of admin) {
        const res = await api(t.app, method, url, { as: { token }, body });
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.body.code).toBe('insufficient_scope');
      }
      const imp = await upload(t, { token }, 'linear-csv', 'ID,Team,Title\nOA-1,OAuth,x\n', { dryRun: 'true' });
      expect(imp.status).toBe(403);
    }
    // The narrow token does exactly its one thing; write still works on issues.
    expect((await api(t.app, 'POST', '/api/v1/issues', { as: { token: narrow }, body: { teamId: ws.teamId, title: 'via app' } })).status).toBe(201);
    expect((await api(t.app, 'GET', '/api/v1/issues', { as: { token: narrow } })).status).toBe(403);
    expect((await api(t.app, 'POST', '/api/v1/issues', { as: { token: write }, body: { teamId: ws.teamId, title: 'via writer' } })).status).toBe(201);
    const [role] = await t.database.db.select({ role: member.role }).from(member).where(and(eq(member.workspaceId, ws.wsId), eq(member.userId, victim.userId)));
    expect(role!.role).toBe('member');
    // With admin granted, the owner's own powers apply.
    const adminToken = await oauthAccessToken(o, client, 'read admin');
    expect((await api(t.app, 'PATCH', `/api/v1/members/${victim.userId}`, { as: { token: adminToken }, body: { role: 'admin' } })).status).toBe(200);
  });
});

describe('token lifetime escalation', () => {
  it('a personal access token cannot mint a token that outlives it', async () => {
    const parent = (await api(t.app, 'POST', '/api/v1/tokens', { as: m, body: { name: 'short', scopes: ['write'], expiresInDays: 7 } })).body.value;
    for (const expiresInDays of [null, 8, 365]) {
      const res = await api(t.app, 'POST', '/api/v1/tokens', { as: { token: parent }, body: { name: 'forever', scopes: ['write'], expiresInDays } });
      expect(res.status, String(expiresInDays)).toBe(422);
      expect(res.body.code).toBe('token_outlives_parent');
      expect(res.body.errors[0].field).toBe('/body/expiresInDays');
    }
    const capped = await api(t.app, 'POST', '/api/v1/tokens', { as: { token: parent }, body: { name: 'default' } });
    expect(capped.status).toBe(201);
    expect(capped.body.token.expiresAt).toBe(new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString());
    const shorter = await api(t.app, 'POST', '/api/v1/tokens', { as: { token: parent }, body: { name: 'day', expiresInDays: 1 } });
    expect(shorter.status).toBe(201);
    // A browser session may still create a token without expiry.
    expect((await api(t.app, 'POST', '/api/v1/tokens', { as: m, body: { name: 'no expiry', expiresInDays: null } })).status).toBe(201);
  });
});

describe('idempotency keys', () => {
  it('a response carrying a new token\'s value is not kept at rest; a replay is 409 and mints nothing', async () => {
    const headers = { 'idempotency-key': 'mint-once' };
    const first = await api(t.app, 'POST', '/api/v1/tokens', { as: m, body: { name: 'ci' }, headers });
    expect(first.status).toBe(201);
    const rows = await t.database.db.select().from(idempotencyKey).where(eq(idempotencyKey.key, 'mint-once'));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(first.body.value);
    const replay = await api(t.app, 'POST', '/api/v1/tokens', { as: m, body: { name: 'ci' }, headers });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('idempotency_response_withheld');
    const named = await t.database.db.select().from(personalAccessToken).where(and(eq(personalAccessToken.userId, m.userId), eq(personalAccessToken.name, 'ci')));
    expect(named).toHaveLength(1);
  });

  it('one key sent to two workspaces runs in each; one key with two different uploads is refused', async () => {
    const both = await addMember(t, other, 'authz-both@example.com', 'admin', [other.teamId]);
    await t.database.db.insert(member).values({ id: newId(), workspaceId: ws.wsId, userId: both.userId, role: 'admin' });
    const headers = { 'idempotency-key': 'same-key' };
    const a = await api(t.app, 'POST', '/api/v1/labels', { as: { cookie: both.cookie, workspace: ws.wsId }, body: { name: 'Shared', color: '#112233' }, headers });
    const b = await api(t.app, 'POST', '/api/v1/labels', { as: { cookie: both.cookie, workspace: other.wsId }, body: { name: 'Shared', color: '#112233' }, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.body.id).not.toBe(b.body.id);
    const who = { ...both, workspace: ws.wsId };
    const one = await upload(t, who, 'linear-csv', 'ID,Team,Title\nUPA-1,Up,First\n', { dryRun: 'true' });
    expect(one.status).toBe(200);
    const csv = 'ID,Team,Title\nUPB-1,Up,Other\nUPB-2,Up,More\n';
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/imports?format=linear-csv&dryRun=true', payload: csv,
      headers: { 'content-type': 'text/csv', cookie: `exponential_session=${both.cookie}`, origin: APP_URL, 'x-workspace': ws.wsId, 'idempotency-key': 'upload-key' },
    });
    expect(res.statusCode).toBe(200);
    const again = await t.app.inject({
      method: 'POST', url: '/api/v1/imports?format=linear-csv&dryRun=true', payload: 'ID,Team,Title\nUPC-1,Up,Third\n',
      headers: { 'content-type': 'text/csv', cookie: `exponential_session=${both.cookie}`, origin: APP_URL, 'x-workspace': ws.wsId, 'idempotency-key': 'upload-key' },
    });
    expect(again.statusCode).toBe(422);
    expect(JSON.parse(again.body).code).toBe('idempotency_key_reused');
  });
});

describe('cross-site requests with a session cookie', () => {
  it('no Origin, a foreign Origin, Sec-Fetch-Site cross-site or a form post change nothing', async () => {
    const victim = await insertIssue(t, ws, 'csrf target');
    const cookie = `exponential_session=${ws.owner.cookie}`;
    const attempts: Array<Record<string, string>> = [
      { cookie, 'content-type': 'application/json' },
      { cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      { cookie, 'content-type': 'application/json', origin: 'null' },
      { cookie, 'content-type': 'application/json', origin: APP_URL, 'sec-fetch-site': 'cross-site' },
      { cookie, 'content-type': 'text/plain', origin: 'https://evil.example' },
      { cookie, 'content-type': 'application/x-www-form-urlencoded', referer: 'https://evil.example/page' },
    ];
    for (const headers of attempts) {
      const body = headers['content-type'] === 'application/x-www-form-urlencoded' ? 'title=pwned' : JSON.stringify({ title: 'pwned' });
      const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/issues/${victim.id}`, headers, payload: body });
      expect(patch.statusCode, JSON.stringify(headers)).toBe(403);
      const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/issues/${victim.id}`, headers: { ...headers, 'content-type': 'application/json' } });
      expect(del.statusCode).toBe(403);
    }
    expect((await api(t.app, 'GET', `/api/v1/issues/${victim.id}`, { as: ws.owner })).body.title).toBe('csrf target');
  });
});
