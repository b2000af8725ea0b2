/**
 * The audit log: sign-in success and failure and ended sessions are recorded by `recordAudit`;
 * owners and admins read the workspace log (newest first, cursor-paginated, filtered by action);
 * and the request log never contains a bearer token, a cookie or a magic-link token.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, member } from '@exponential/db';
import { buildApp, loggerOptions } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { recordAudit } from '../src/lib/audit.ts';
import { manualClock } from '../src/lib/clock.ts';
import { newId } from '../src/lib/ids.ts';
import { createMailer } from '../src/lib/mailer.ts';
import { createMemoryBus } from '../src/sync/bus.ts';
import { APP_URL, api, createTestApp, createTestDatabase, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';
import { captureStream } from './security-fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** Adds `who` to a workspace with `role`, directly in the database. */
async function addMember(workspaceId: string, who: SignedIn, role: 'admin' | 'member' | 'guest') {
  await t.database.db.insert(member).values({ id: newId(), workspaceId, userId: who.userId, role });
}

describe('sign-in events', () => {
  it('records a successful sign-in with the session, address and User-Agent', async () => {
    const u = await signIn(t, 'events@example.com');
    const [e] = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'auth.signed_in'), eq(auditEvent.actorId, u.userId)));
    expect(e).toMatchObject({ workspaceId: null, targetType: 'session' });
    expect(e!.targetId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e!.ip).toMatch(/^10\.200\./);
    expect(e!.metadata).toEqual({ method: 'magic_link' });
  });

  it('records failed sign-ins: an unknown link without an actor, a reused link with its account', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/magic-link/verify',
      payload: { token: 'ml_not-a-real-token' },
      headers: { 'user-agent': 'probe/1.0' },
    });
    expect(bad.statusCode).toBe(400);
    const [unknown] = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'auth.sign_in_failed'), eq(auditEvent.userAgent, 'probe/1.0')));
    expect(unknown).toMatchObject({ actorId: null, workspaceId: null, metadata: { method: 'magic_link', reason: 'link_invalid' } });

    await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link', payload: { email: 'reuse@example.com' } });
    const msg = [...t.mailer.sent].reverse().find((m) => m.to === 'reuse@example.com')!;
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(msg.text)![1]!);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token } });
    const userId = JSON.parse(ok.body).userId as string;
    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/magic-link/verify', payload: { token } });
    expect(reused.statusCode).toBe(400);
    const failures = await t.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, 'auth.sign_in_failed'), eq(auditEvent.actorId, userId)));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.metadata).toEqual({ method: 'magic_link', reason: 'link_used' });
  });

  it('refuses metadata keys that look like secrets', async () => {
    await expect(
      recordAudit(t.database.db, { workspaceId: null, actorId: null, action: 'test.secret', metadata: { accessToken: 'x' }, at: new Date() }),
    ).rejects.toThrow(/must not hold secrets/);
  });
});

describe('GET /api/v1/audit-events', () => {
  let owner: SignedIn;
  let admin: SignedIn;
  let plain: SignedIn;
  let outsider: SignedIn;
  let wsId: string;

  beforeAll(async () => {
    owner = await signIn(t, 'audit-owner@example.com');
    admin = await signIn(t, 'audit-admin@example.com');
    plain = await signIn(t, 'audit-member@example.com');
    outsider = await signIn(t, 'audit-outsider@example.com');
    wsId = (await createWorkspace(t, owner, 'Audit Co', 'AUD')).workspace.id;
    await addMember(wsId, admin, 'admin');
    await addMember(wsId, plain, 'member');
    const elsewhere = (await createWorkspace(t, outsider, 'Elsewhere', 'ELS')).workspace.id;
    const base = t.clock.now().getTime();
    for (let i = 0; i < 3; i++) {
      await recordAudit(t.database.db, {
        workspaceId: wsId,
        actorId: owner.userId,
        action: 'member.role_changed',
        targetType: 'member',
        targetId: `m-${i}`,
        metadata: { from: 'member', to: 'admin' },
        at: new Date(base + 1000 * (i + 1)),
      });
    }
    await recordAudit(t.database.db, { workspaceId: elsewhere, actorId: outsider.userId, action: 'member.role_changed', at: new Date(base + 5000) });
  });

  it('shows owners and admins the workspace’s events and their members’ sign-ins, newest first', async () => {
    for (const who of [owner, admin]) {
      const res = await api(t.app, 'GET', '/api/v1/audit-events', { as: who });
      expect(res.status).toBe(200);
      const events = res.body.data as Array<{ action: string; actor: { id: string } | null; createdAt: string; workspaceId: string | null }>;
      const times = events.map((e) => e.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      const actors = new Set(events.map((e) => e.actor?.id));
      expect(actors.has(outsider.userId)).toBe(false);
      expect(events.filter((e) => e.action === 'member.role_changed')).toHaveLength(3);
      const signIns = events.filter((e) => e.action === 'auth.signed_in').map((e) => e.actor!.id);
      expect(new Set(signIns)).toEqual(new Set([owner.userId, admin.userId, plain.userId]));
      expect(events.every((e) => e.workspaceId === wsId || e.workspaceId === null)).toBe(true);
    }
    const first = (await api(t.app, 'GET', '/api/v1/audit-events', { as: owner })).body.data[0];
    expect(first).toMatchObject({
      action: 'member.role_changed',
      actor: { id: owner.userId, name: 'audit-owner', email: 'audit-owner@example.com' },
      targetType: 'member',
      targetId: 'm-2',
      metadata: { from: 'member', to: 'admin' },
    });
  });

  it('filters by action and pages with a cursor', async () => {
    const p1 = await api(t.app, 'GET', '/api/v1/audit-events?action=member.role_changed&limit=2', { as: owner });
    expect(p1.body.data.map((e: { targetId: string }) => e.targetId)).toEqual(['m-2', 'm-1']);
    const p2 = await api(t.app, 'GET', `/api/v1/audit-events?action=member.role_changed&limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`, {
      as: owner,
    });
    expect(p2.body.data.map((e: { targetId: string }) => e.targetId)).toEqual(['m-0']);
    expect(p2.body.nextCursor).toBeNull();
    const bad = await api(t.app, 'GET', '/api/v1/audit-events?cursor=abc.def', { as: owner });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
  });

  it('refuses members (403) and unauthenticated callers (401), and validates the filter (400)', async () => {
    const asMember = await api(t.app, 'GET', '/api/v1/audit-events', { as: plain });
    expect(asMember.status).toBe(403);
    expect(asMember.body.detail).toBe('Only workspace owners and admins can read the audit log');
    expect((await api(t.app, 'GET', '/api/v1/audit-events')).status).toBe(401);
    const badAction = await api(t.app, 'GET', '/api/v1/audit-events?action=DROP%20TABLE', { as: owner });
    expect(badAction.status).toBe(400);
    expect(badAction.body.errors[0]).toEqual({ field: '/query/action', message: 'action has an invalid format' });
  });
});

describe('request log', () => {
  it('never contains a bearer token, a session cookie or a magic-link token', async () => {
    const captured = captureStream();
    const database = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', EXPONENTIAL_APP_URL: APP_URL, LOG_LEVEL: 'info' });
    const app = await buildApp({
      config,
      database,
      bus: createMemoryBus(),
      mailer: createMailer({ from: 'test@localhost' }),
      clock: manualClock(new Date('2026-11-29T10:00:00.000Z')),
      logger: { ...loggerOptions(config), stream: captured.stream },
    });
    // A handler that logs the whole header object, as careless code might.
    app.get('/api/v1/test-log-headers', { config: { auth: 'public' }, schema: { hide: true } }, async (req) => {
      req.log.info({ headers: req.headers }, 'headers seen');
      return { ok: true };
    });
    await app.ready();
    try {
      const bearer = 'pat_SECRETbearerVALUE0123456789abcdefghijklmnop';
      const cookieValue = 'SECRETcookieVALUE0123456789abcdefghijklmnopq';
      const linkToken = 'ml_SECRETlinkVALUE0123456789abcdefghijklmnop';
      await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${bearer}` } });
      await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `exponential_session=${cookieValue}` } });
      await app.inject({ method: 'GET', url: `/auth/verify?token=${linkToken}&x=1` });
      await app.inject({
        method: 'GET',
        url: '/api/v1/test-log-headers',
        headers: { authorization: `Bearer ${bearer}`, cookie: `exponential_session=${cookieValue}` },
      });
      const log = captured.text();
      expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(6);
      expect(log).toContain('/auth/verify?token=[redacted]&x=1');
      expect(log).toContain('headers seen');
      expect(log).toContain('[redacted]');
      for (const secret of ['SECRETbearerVALUE', 'SECRETcookieVALUE', 'SECRETlinkVALUE']) expect(log).not.toContain(secret);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
