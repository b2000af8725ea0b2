import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, personalAccessToken } from '@exponential/db';
import { sha256 } from '../src/lib/crypto.ts';
import { assertScopesWithin, normalizeScopes } from '../src/modules/tokens/tokens.service.ts';
import { createToken, joinAs } from './access-fixtures.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let alice: SignedIn;
let bob: SignedIn;
let acme: Awaited<ReturnType<typeof createWorkspace>>;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  alice = await signIn(t, 'alice@example.com');
  acme = await createWorkspace(t, alice, 'Acme', 'ENG');
  bob = await joinAs(t, alice, 'bob@example.com', 'member');
});
afterAll(async () => t?.close());

describe('POST /api/v1/tokens', () => {
  it('401 without credentials', async () => {
    const res = await api(t.app, 'POST', '/api/v1/tokens', { body: { name: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('returns the value once and stores only its SHA-256; read-only and 90 days by default', async () => {
    const res = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: { name: '  CLI  ' } });
    expect(res.status).toBe(201);
    const { token, value } = res.body;
    expect(value).toMatch(/^pat_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({
      id: expect.any(String),
      name: 'CLI',
      tokenPrefix: value.slice(0, 12),
      scopes: ['read'],
      createdAt: t.clock.now().toISOString(),
      lastUsedAt: null,
      expiresAt: new Date(t.clock.now().getTime() + 90 * DAY).toISOString(),
      revokedAt: null,
    });
    const [row] = await t.database.db.select().from(personalAccessToken).where(eq(personalAccessToken.id, token.id));
    expect(row!.tokenHash).toBe(sha256(value));
    expect(JSON.stringify(row)).not.toContain(value);
    const list = await api(t.app, 'GET', '/api/v1/tokens', { as: alice });
    expect(JSON.stringify(list.body)).not.toContain(value);
    expect(JSON.stringify(list.body)).not.toContain(row!.tokenHash);
  });

  it('expands write to read and write; an empty list means read; null expiry means none', async () => {
    const w = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: { name: 'w', scopes: ['write'], expiresInDays: null } });
    expect(w.body.token.scopes).toEqual(['read', 'write']);
    expect(w.body.token.expiresAt).toBeNull();
    const r = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: { name: 'r', scopes: [], expiresInDays: 30 } });
    expect(r.body.token.scopes).toEqual(['read']);
    expect(r.body.token.expiresAt).toBe(new Date(t.clock.now().getTime() + 30 * DAY).toISOString());
  });

  it('400 invalid_scope naming the unknown scope', async () => {
    const res = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: { name: 'x', scopes: ['read', 'admin'] } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_scope');
    expect(res.body.errors).toEqual([{ field: '/body/scopes/1', message: 'Unknown scope "admin": use "read" or "write"' }]);
  });

  it('422 on a bad name or expiry', async () => {
    const long = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: { name: 'x'.repeat(81) } });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toEqual({ field: '/body/name', message: 'name must be at most 80 characters (Unicode code points)' });
    const missing = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toEqual({ field: '/body/name', message: 'name is required' });
    for (const days of [0, 366, 1.5, false, "", "30"]) {
      const res = await api(t.app, 'POST', '/api/v1/tokens', { as: alice, body: { name: 'x', expiresInDays: days } });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('/body/expiresInDays');
    }
  });

  it('a read token cannot create tokens (403 insufficient_scope); a write token can', async () => {
    const read = await createToken(t, alice, { scopes: ['read'] });
    const res = await api(t.app, 'POST', '/api/v1/tokens', { as: { token: read }, body: { name: 'child' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="write"');
    const write = await createToken(t, alice, { scopes: ['write'] });
    const child = await api(t.app, 'POST', '/api/v1/tokens', { as: { token: write }, body: { name: 'child', scopes: ['write'] } });
    expect(child.status).toBe(201);
  });

  it('never grants a scope beyond the creating token’s own', () => {
    expect(normalizeScopes(['read', 'write', 'write'])).toEqual(['read', 'write']);
    expect(() => assertScopesWithin(['read', 'write'], ['read'])).toThrow(/lacks the "write" scope/);
    try {
      assertScopesWithin(['read', 'write'], ['read']);
    } catch (e) {
      expect((e as { status: number; code: string; headers: Record<string, string> }).status).toBe(403);
      expect((e as { code: string }).code).toBe('insufficient_scope');
      expect((e as { headers: Record<string, string> }).headers['WWW-Authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
    }
    expect(() => assertScopesWithin(['read'], ['read'])).not.toThrow();
  });

  it('records token.created without the value', async () => {
    const value = await createToken(t, bob, { name: 'audited' });
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.actorId, bob.userId), eq(auditEvent.action, 'token.created')));
    expect(events).toHaveLength(1);
    expect(events[0]!.workspaceId).toBe(acme.workspace.id);
    expect(events[0]!.metadata).toMatchObject({ name: 'audited', scopes: ['read'], prefix: value.slice(0, 12) });
    expect(JSON.stringify(events[0])).not.toContain(value);
  });
});

describe('GET /api/v1/tokens', () => {
  it('401 without credentials', async () => {
    expect((await api(t.app, 'GET', '/api/v1/tokens')).status).toBe(401);
  });

  it("lists only the caller's tokens in the current workspace, newest first, page by page", async () => {
    const carol = await signIn(t, 'carol@example.com');
    await createWorkspace(t, carol, 'Carol Co', 'CC');
    const names = ['one', 'two', 'three'];
    for (const name of names) await createToken(t, carol, { name });
    const other = await createWorkspace(t, carol, 'Carol Two', 'CT');
    await createToken(t, { cookie: carol.cookie, workspace: other.workspace.id }, { name: 'elsewhere' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: Array<{ name: string }>; nextCursor: string | null } } = await api(
        t.app, 'GET', `/api/v1/tokens?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: carol },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((d) => d.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['three', 'two', 'one']);
  });

  it('400 invalid_cursor on a forged cursor', async () => {
    const res = await api(t.app, 'GET', '/api/v1/tokens?cursor=WyJ4Il0.forged', { as: alice });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_cursor');
    expect(res.body.detail).toBe('The cursor is invalid; start again without it');
  });

  it('shows lastUsedAt after a use', async () => {
    const value = await createToken(t, bob, { name: 'used' });
    t.clock.advance(5000);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: { token: value } })).status).toBe(200);
    const list = await api(t.app, 'GET', '/api/v1/tokens', { as: bob });
    const row = list.body.data.find((d: { name: string }) => d.name === 'used');
    expect(row.lastUsedAt).toBe(t.clock.now().toISOString());
  });
});

describe('DELETE /api/v1/tokens/:tokenId', () => {
  it('401 without credentials, 400 on a malformed id', async () => {
    expect((await api(t.app, 'DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000')).status).toBe(401);
    const bad = await api(t.app, 'DELETE', '/api/v1/tokens/nope', { as: alice });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/params/tokenId');
  });

  it("404 for another user's token, which keeps working", async () => {
    const value = await createToken(t, bob);
    const list = await api(t.app, 'GET', '/api/v1/tokens', { as: { token: value } });
    const id = list.body.data[0].id;
    const res = await api(t.app, 'DELETE', `/api/v1/tokens/${id}`, { as: alice });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`Personal access token ${id} not found`);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: { token: value } })).status).toBe(200);
  });

  it('revokes: the token gets 401 on its next request; revoking again is a no-op', async () => {
    const value = await createToken(t, alice, { name: 'to revoke' });
    const { body } = await api(t.app, 'GET', '/api/v1/tokens', { as: alice });
    const id = body.data.find((d: { name: string }) => d.name === 'to revoke').id;
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } })).status).toBe(200);
    expect((await api(t.app, 'DELETE', `/api/v1/tokens/${id}`, { as: alice })).status).toBe(204);
    const after = await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('invalid_token');
    expect((await api(t.app, 'DELETE', `/api/v1/tokens/${id}`, { as: alice })).status).toBe(204);
    const listed = (await api(t.app, 'GET', '/api/v1/tokens', { as: alice })).body.data.find((d: { id: string }) => d.id === id);
    expect(listed.revokedAt).toBe(t.clock.now().toISOString());
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.targetId, id), eq(auditEvent.action, 'token.revoked')));
    expect(events).toHaveLength(1);
  });

  it('a token may revoke itself', async () => {
    const value = await createToken(t, alice, { name: 'self', scopes: ['write'] });
    const { body } = await api(t.app, 'GET', '/api/v1/tokens', { as: { token: value } });
    const id = body.data.find((d: { name: string }) => d.name === 'self').id;
    expect((await api(t.app, 'DELETE', `/api/v1/tokens/${id}`, { as: { token: value } })).status).toBe(204);
    expect((await api(t.app, 'GET', '/api/v1/tokens', { as: { token: value } })).status).toBe(401);
  });
});

describe('presenting a token', () => {
  it('refuses other schemes and tokens in the URL (401)', async () => {
    const value = await createToken(t, alice);
    for (const authorization of [`token ${value}`, `Basic ${Buffer.from(`alice:${value}`).toString('base64')}`, value]) {
      const res = await api(t.app, 'GET', '/api/v1/teams', { headers: { authorization } });
      expect(res.status, authorization.slice(0, 6)).toBe(401);
      expect(res.body.code).toBe('unsupported_credentials');
    }
    const query = await api(t.app, 'GET', `/api/v1/teams?access_token=${value}`);
    expect(query.status).toBe(401);
    expect(query.body.code).toBe('unsupported_credentials');
    const unknown = await api(t.app, 'GET', '/api/v1/teams', { as: { token: `pat_${'A'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('invalid_token');
  });

  it('a read token on a mutating route: 403 insufficient_scope with WWW-Authenticate (RFC 6750 §3.1)', async () => {
    const read = await createToken(t, alice, { scopes: ['read'] });
    for (const [method, url, body] of [
      ['POST', '/api/v1/labels', { name: 'Bug', color: '#ff0000' }],
      ['PATCH', '/api/v1/workspaces/current', { name: 'Renamed' }],
      ['DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000', undefined],
    ] as const) {
      const res = await api(t.app, method, url, { as: { token: read }, body });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
    }
    expect((await api(t.app, 'GET', '/api/v1/labels', { as: { token: read } })).status).toBe(200);
  });

  it("is bound to its workspace: another workspace's resources are 404 and X-Workspace is ignored", async () => {
    const dave = await signIn(t, 'dave@example.com');
    const other = await createWorkspace(t, dave, 'Other', 'OTH');
    const label = await api(t.app, 'POST', '/api/v1/labels', { as: dave, body: { name: 'Theirs', color: '#00ff00' } });
    expect(label.status).toBe(201);
    // Alice joins the other workspace too, so only the token's binding keeps her out.
    const inv = await api(t.app, 'POST', '/api/v1/invitations', { as: dave, body: { email: alice.email, role: 'admin' } });
    expect(inv.status).toBe(201);
    const tokenA = await createToken(t, { cookie: alice.cookie, workspace: acme.workspace.id }, { scopes: ['write'] });
    const { invitationTokenFor } = await import('./access-fixtures.ts');
    const acc = await api(t.app, 'POST', '/api/v1/invitations/accept', { as: alice, body: { token: invitationTokenFor(t, alice.email) } });
    expect(acc.status).toBe(200);
    const headers = { 'x-workspace': other.workspace.id };
    const team = await api(t.app, 'GET', `/api/v1/teams/${other.team.id}`, { as: { token: tokenA }, headers });
    expect(team.status).toBe(404);
    const patch = await api(t.app, 'PATCH', `/api/v1/labels/${label.body.id}`, { as: { token: tokenA }, headers, body: { name: 'Mine' } });
    expect(patch.status).toBe(404);
    const del = await api(t.app, 'DELETE', `/api/v1/labels/${label.body.id}`, { as: { token: tokenA }, headers });
    expect(del.status).toBe(404);
    const current = await api(t.app, 'GET', '/api/v1/workspaces/current', { as: { token: tokenA }, headers });
    expect(current.body.id).toBe(acme.workspace.id);
    const still = await api(t.app, 'GET', `/api/v1/labels/${label.body.id}`, { as: dave });
    expect(still.body.name).toBe('Theirs');
  });

  it('stops working when its user leaves the workspace', async () => {
    const erin = await joinAs(t, alice, 'erin@example.com', 'member');
    const value = await createToken(t, erin, { scopes: ['write'] });
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } })).status).toBe(200);
    expect((await api(t.app, 'POST', '/api/v1/members/leave', { as: erin })).status).toBe(204);
    const res = await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } });
    expect(res.status).toBe(401);
    // Rejoining does not bring the old token back: leaving revoked it.
    await joinAs(t, alice, 'erin@example.com', 'member');
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } })).status).toBe(401);
  });

  it('stops working when it expires', async () => {
    const value = await createToken(t, bob, { expiresInDays: 1 });
    t.clock.advance(DAY - 1000);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } })).status).toBe(200);
    t.clock.advance(1000);
    const res = await api(t.app, 'GET', '/api/v1/teams', { as: { token: value } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });
});
