/**
 * Sessions a user can see and end (ASVS 5.0 7.5.2), session lifetimes (absolute and idle, on the
 * manual clock), and a new session at every sign-in that replaces the browser's previous one.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, session } from '@exponential/db';
import { deviceLabel } from '../src/modules/sessions/device-label.ts';
import { api, createTestApp, createWorkspace, signIn, uniqueAddress, type SignedIn, type TestApp } from './helpers.ts';
import { insertToken } from './security-fixtures.ts';

const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Signs in by magic link with a chosen User-Agent and, optionally, an existing session cookie. */
async function signInFrom(t: TestApp, email: string, userAgent: string, previousCookie?: string): Promise<SignedIn> {
  const remoteAddress = uniqueAddress();
  const req = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', payload: { email }, remoteAddress });
  expect(req.statusCode).toBe(202);
  const msg = [...t.mailer.sent].reverse().find((m) => m.to === email);
  const token = decodeURIComponent(/token=([^\s&]+)/.exec(msg!.text)![1]!);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/magic-link/verify',
    payload: { token },
    remoteAddress,
    headers: { 'user-agent': userAgent, ...(previousCookie ? { cookie: `exponential_session=${previousCookie}` } : {}) },
  });
  expect(res.statusCode).toBe(200);
  return { cookie: res.cookies.find((c) => c.name === 'exponential_session')!.value, userId: JSON.parse(res.body).userId, email };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ EXPONENTIAL_SESSION_TTL_SECONDS: '7200', EXPONENTIAL_SESSION_IDLE_SECONDS: '1800' });
});
afterAll(async () => t?.close());

describe('GET /api/v1/sessions', () => {
  it('lists only the caller’s live sessions, newest first, with the current one flagged and a device label', async () => {
    const laptop = await signInFrom(t, 'list@example.com', FIREFOX_MAC);
    const phone = await signInFrom(t, 'list@example.com', SAFARI_IPHONE);
    await signIn(t, 'someone-else@example.com');
    const res = await api(t.app, 'GET', '/api/v1/sessions', { as: laptop });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data).toHaveLength(2);
    const [newest, oldest] = res.body.data;
    expect(newest).toMatchObject({ current: false, device: 'Safari on iPhone', userAgent: SAFARI_IPHONE });
    expect(oldest).toMatchObject({ current: true, device: 'Firefox on macOS', userAgent: FIREFOX_MAC });
    expect(oldest.ip).toMatch(/^10\.200\./);
    const created = new Date(oldest.createdAt).getTime();
    expect(new Date(oldest.expiresAt).getTime() - created).toBe(7200 * 1000);
    expect(new Date(oldest.idleExpiresAt).getTime() - new Date(oldest.lastSeenAt).getTime()).toBe(1800 * 1000);
    const fromPhone = await api(t.app, 'GET', '/api/v1/sessions', { as: phone });
    expect(fromPhone.body.data.map((s: { current: boolean }) => s.current)).toEqual([true, false]);
  });

  it('pages with a cursor and refuses a tampered one', async () => {
    const a = await signInFrom(t, 'pages@example.com', FIREFOX_MAC);
    await signInFrom(t, 'pages@example.com', FIREFOX_MAC);
    await signInFrom(t, 'pages@example.com', FIREFOX_MAC);
    const first = await api(t.app, 'GET', '/api/v1/sessions?limit=2', { as: a });
    expect(first.body.data).toHaveLength(2);
    const second = await api(t.app, 'GET', `/api/v1/sessions?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { as: a });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.data, ...second.body.data].map((s: { id: string }) => s.id);
    expect(new Set(ids).size).toBe(3);
    const bad = await api(t.app, 'GET', `/api/v1/sessions?cursor=${first.body.nextCursor}x`, { as: a });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
  });

  it('needs a signed-in browser session: 401 without one, 403 session_required with a token', async () => {
    expect((await api(t.app, 'GET', '/api/v1/sessions')).status).toBe(401);
    const owner = await signIn(t, 'token-owner@example.com');
    const ws = await createWorkspace(t, owner, 'Token Co');
    const asToken = { token: (await insertToken(t.database.db, { workspaceId: ws.workspace.id, userId: owner.userId })).token };
    for (const [method, url] of [
      ['GET', '/api/v1/sessions'],
      ['POST', '/api/v1/sessions/revoke-others'],
      ['DELETE', '/api/v1/sessions/0190f6a0-0000-7000-8000-000000000001'],
    ] as const) {
      const res = await api(t.app, method, url, { as: asToken });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.code).toBe('session_required');
    }
  });
});

describe('DELETE /api/v1/sessions/:id', () => {
  it('ends another of the caller’s sessions, which then stops working, and audits it', async () => {
    const keep = await signInFrom(t, 'end@example.com', FIREFOX_MAC);
    const lost = await signInFrom(t, 'end@example.com', SAFARI_IPHONE);
    const list = await api(t.app, 'GET', '/api/v1/sessions', { as: keep });
    const target = list.body.data.find((s: { current: boolean }) => !s.current);
    const res = await api(t.app, 'DELETE', `/api/v1/sessions/${target.id}`, { as: keep, headers: { 'user-agent': FIREFOX_MAC } });
    expect(res.status).toBe(204);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await api(t.app, 'GET', '/api/v1/me', { as: lost })).status).toBe(401);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: keep })).status).toBe(200);
    const events = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'session.revoked'), eq(auditEvent.targetId, target.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: keep.userId, workspaceId: null, targetType: 'session', userAgent: FIREFOX_MAC });
    expect(events[0]!.metadata).toEqual({ reason: 'revoked', current: false });
    const again = await api(t.app, 'DELETE', `/api/v1/sessions/${target.id}`, { as: keep });
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe('Session not found');
  });

  it('answers 404 for another user’s session and leaves it alive', async () => {
    const mallory = await signIn(t, 'mallory@example.com');
    const victim = await signIn(t, 'victim@example.com');
    const [victimSession] = await t.database.db.select({ id: session.id }).from(session).where(eq(session.userId, victim.userId));
    const res = await api(t.app, 'DELETE', `/api/v1/sessions/${victimSession!.id}`, { as: mallory });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect((await api(t.app, 'GET', '/api/v1/me', { as: victim })).status).toBe(200);
  });

  it('refuses a malformed id (400, naming the parameter)', async () => {
    const u = await signIn(t, 'malformed@example.com');
    const res = await api(t.app, 'DELETE', '/api/v1/sessions/not-a-uuid', { as: u });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ field: '/params/sessionId', message: 'sessionId must be a valid uuid' });
  });

  it('ending the current session signs out: the cookie is cleared and no longer works', async () => {
    const u = await signIn(t, 'self-end@example.com');
    const [{ id }] = (await api(t.app, 'GET', '/api/v1/sessions', { as: u })).body.data;
    const res = await api(t.app, 'DELETE', `/api/v1/sessions/${id}`, { as: u });
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^exponential_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(401);
  });

  it('refuses a cross-site request to end a session (CSRF)', async () => {
    const u = await signIn(t, 'csrf-end@example.com');
    const [{ id }] = (await api(t.app, 'GET', '/api/v1/sessions', { as: u })).body.data;
    const res = await api(t.app, 'DELETE', `/api/v1/sessions/${id}`, { as: u, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_origin');
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(200);
  });
});

describe('POST /api/v1/sessions/revoke-others', () => {
  it('ends every other session of the caller, keeps the current one and other users’ sessions', async () => {
    const current = await signInFrom(t, 'others@example.com', FIREFOX_MAC);
    const b = await signInFrom(t, 'others@example.com', SAFARI_IPHONE);
    const c = await signInFrom(t, 'others@example.com', SAFARI_IPHONE);
    const bystander = await signIn(t, 'bystander@example.com');
    const res = await api(t.app, 'POST', '/api/v1/sessions/revoke-others', { as: current });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 2 });
    expect((await api(t.app, 'GET', '/api/v1/me', { as: b })).status).toBe(401);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: c })).status).toBe(401);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: current })).status).toBe(200);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: bystander })).status).toBe(200);
    const list = await api(t.app, 'GET', '/api/v1/sessions', { as: current });
    expect(list.body.data).toHaveLength(1);
    const events = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'session.revoked'), eq(auditEvent.actorId, current.userId)));
    expect(events).toHaveLength(2);
    expect(events.every((e) => (e.metadata as { reason: string }).reason === 'revoke_others')).toBe(true);
    expect((await api(t.app, 'POST', '/api/v1/sessions/revoke-others', { as: current })).body).toEqual({ revoked: 0 });
  });
});

describe('session lifetimes (manual clock)', () => {
  it('ends a session after the idle lifetime without use', async () => {
    const u = await signIn(t, 'idle@example.com');
    t.clock.advance(1799 * 1000);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(200);
    t.clock.advance(1801 * 1000);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(401);
    const rows = await t.database.db.select().from(session).where(eq(session.userId, u.userId));
    expect(rows).toHaveLength(0);
  });

  it('ends a session at the absolute lifetime even when used all along', async () => {
    const u = await signIn(t, 'absolute@example.com');
    for (let minutes = 20; minutes < 120; minutes += 20) {
      t.clock.advance(20 * 60 * 1000);
      expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status, `after ${minutes} min`).toBe(200);
    }
    t.clock.advance(19 * 60 * 1000 + 59 * 1000);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(200);
    t.clock.advance(1000);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: u })).status).toBe(401);
  });

  it('does not list sessions past their idle lifetime', async () => {
    const stale = await signInFrom(t, 'stale@example.com', SAFARI_IPHONE);
    t.clock.advance(1000 * 1000);
    const fresh = await signInFrom(t, 'stale@example.com', FIREFOX_MAC);
    t.clock.advance(900 * 1000);
    const list = await api(t.app, 'GET', '/api/v1/sessions', { as: fresh });
    expect(list.body.data.map((s: { device: string }) => s.device)).toEqual(['Firefox on macOS']);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: stale })).status).toBe(401);
  });
});

describe('new session at every sign-in', () => {
  it('issues a new token at sign-in and ends the session the browser held before', async () => {
    const first = await signInFrom(t, 'rotate@example.com', FIREFOX_MAC);
    const second = await signInFrom(t, 'rotate@example.com', FIREFOX_MAC, first.cookie);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: first })).status).toBe(401);
    expect((await api(t.app, 'GET', '/api/v1/me', { as: second })).status).toBe(200);
    const rows = await t.database.db.select().from(session).where(eq(session.userId, second.userId));
    expect(rows).toHaveLength(1);
  });
});

describe('device labels', () => {
  it('names common browsers and systems, and falls back for unknown agents', () => {
    const chromeWin = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const edge = `${chromeWin} Edg/126.0.2592.68`;
    const androidChrome = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
    expect(deviceLabel(chromeWin)).toBe('Chrome on Windows');
    expect(deviceLabel(edge)).toBe('Edge on Windows');
    expect(deviceLabel(androidChrome)).toBe('Chrome on Android');
    expect(deviceLabel(FIREFOX_MAC)).toBe('Firefox on macOS');
    expect(deviceLabel(SAFARI_IPHONE)).toBe('Safari on iPhone');
    expect(deviceLabel('curl/8.5.0')).toBe('curl');
    expect(deviceLabel('exponential-cli/1.0.0 (linux; node 20)')).toBe('exponential CLI on Linux');
    expect(deviceLabel('SomethingElse/1.0')).toBe('Unknown device');
    expect(deviceLabel(null)).toBe('Unknown device');
  });
});
