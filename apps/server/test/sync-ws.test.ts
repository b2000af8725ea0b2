/**
 * The WebSocket gateway: authentication (token in hello, cookie with an allowed Origin, never a
 * token in the URL), catch-up from a version, live batches, resets, permissions that follow team
 * membership, several tabs, and the slow-consumer bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, lte } from 'drizzle-orm';
import { syncOperation } from '@exponential/db';
import { gatewayLimits } from '../src/sync/gateway.ts';
import { createToken, joinAs } from './access-fixtures.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';
import { bootstrap, connect, type Frame, listen, openSocket, type TestSocket } from './sync-helpers.ts';

let t: TestApp;
let base: string;
let alice: SignedIn;
let bob: SignedIn;
let bobToken: string;
let sec: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  t = await createTestApp();
  base = await listen(t);
  alice = await signIn(t, 'alice@example.com');
  await createWorkspace(t, alice, 'Acme', 'ENG');
  bob = await joinAs(t, alice, 'bob@example.com', 'member');
  bobToken = await createToken(t, bob, { scopes: ['read'] });
  const s = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Security', key: 'SEC', isPrivate: true } });
  sec = s.body.id;
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await t?.close();
});

function track(s: TestSocket): TestSocket {
  sockets.push(s);
  return s;
}

async function head(): Promise<number> {
  return (await bootstrap(t, alice)).header.version as number;
}

/** Every `ops` frame from index `from` on, checked to chain (each fromVersion = previous toVersion). */
function chained(frames: Frame[], start: number): Frame[] {
  const batches = frames.filter((f) => f.type === 'ops');
  let v = start;
  for (const b of batches) {
    expect(b.fromVersion).toBe(v);
    expect(b.toVersion).toBeGreaterThan(v);
    v = b.toVersion;
  }
  return batches;
}

describe('connecting', () => {
  it('refuses a token in the URL (401) and a cookie from a foreign Origin (403) before upgrading', async () => {
    const inUrl = openSocket(base, { query: `?access_token=${bobToken}` });
    await expect(inUrl.opened).rejects.toMatchObject({ status: 401 });
    const foreign = openSocket(base, { cookie: bob.cookie, origin: 'https://evil.example' });
    await expect(foreign.opened).rejects.toMatchObject({ status: 403 });
  });

  it('closes 4002 with error unauthenticated without credentials or with a bad token', async () => {
    const none = track(await connect(base, { baseVersion: 0 }));
    expect(none.frames[0]).toMatchObject({ type: 'error', code: 'unauthenticated', retry: 'reauth' });
    expect((await none.closed).code).toBe(4002);
    const bad = track(await connect(base, { baseVersion: 0, token: 'pat_nonsense' }));
    expect(bad.frames[0]).toMatchObject({ type: 'error', code: 'unauthenticated' });
    expect((await bad.closed).code).toBe(4002);
  });

  it('closes 4004 when the first frame is not hello', async () => {
    const s = track(openSocket(base));
    await s.opened;
    s.send({ type: 'subscribe' });
    expect((await s.closed).code).toBe(4004);
    expect(s.frames[0]).toMatchObject({ type: 'error', code: 'bad_frame' });
  });

  it('accepts a session cookie with the app’s Origin', async () => {
    const s = track(await connect(base, { cookie: alice.cookie, baseVersion: await head() }));
    expect(s.frames[0]).toMatchObject({ type: 'welcome', protocol: 1, userId: alice.userId });
    await s.next((f) => f.type === 'caughtUp');
    s.close();
  });

  it('resets a client ahead of the head with too_far_behind', async () => {
    const s = track(await connect(base, { token: bobToken, baseVersion: (await head()) + 5 }));
    expect(s.frames[0]).toMatchObject({ type: 'reset', reason: 'too_far_behind' });
    expect((await s.closed).code).toBe(4001);
  });
});

describe('streaming', () => {
  it('catches up from version 0 page by page (no cap) and then says caughtUp at the head', async () => {
    const saved = gatewayLimits.pageOps;
    gatewayLimits.pageOps = 3;
    try {
      for (let i = 0; i < 4; i++) await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: `Backlog ${i}` } });
      const h = await head();
      const s = track(await connect(base, { token: bobToken, baseVersion: 0 }));
      expect(s.frames[0]).toMatchObject({ type: 'welcome', headVersion: h, teamIds: [expect.any(String)] });
      const done = await s.next((f) => f.type === 'caughtUp');
      expect(done.version).toBe(h);
      const batches = chained(s.frames, 0);
      expect(batches.length).toBeGreaterThan(3);
      expect(batches[batches.length - 1]!.toVersion).toBe(h);
      const ops = batches.flatMap((b) => b.ops);
      expect(ops.filter((o) => o.entity === 'issue').map((o) => o.data.title)).toEqual(['Backlog 0', 'Backlog 1', 'Backlog 2', 'Backlog 3']);
      s.close();
    } finally {
      gatewayLimits.pageOps = saved;
    }
  });

  it('streams new versions live, in order, to every tab of a user, without private-team operations', async () => {
    const h = await head();
    const tab1 = track(await connect(base, { token: bobToken, baseVersion: h, clientId: 'tab-1' }));
    const tab2 = track(await connect(base, { cookie: bob.cookie, baseVersion: h, clientId: 'tab-2' }));
    await tab1.next((f) => f.type === 'caughtUp');
    await tab2.next((f) => f.type === 'caughtUp');
    const a = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Live one' } });
    const hidden = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'SEC', title: 'Hidden' } });
    const b = await api(t.app, 'PATCH', `/api/v1/issues/${a.body.id}`, { as: alice, body: { title: 'Live one, edited' } });
    expect(b.status).toBe(200);
    const last = Number(b.headers['x-sync-version']);
    for (const tab of [tab1, tab2]) {
      await tab.next((f) => f.type === 'ops' && f.toVersion === last);
      const batches = chained(tab.frames, h);
      const ops = batches.flatMap((x) => x.ops);
      expect(ops.filter((o) => o.entity === 'issue').map((o) => [o.action, o.data.title])).toEqual([
        ['insert', 'Live one'],
        ['update', 'Live one, edited'],
      ]);
      expect(JSON.stringify(ops)).not.toContain(hidden.body.id);
      expect(JSON.stringify(ops)).not.toContain('Hidden');
    }
    tab1.close();
    tab2.close();
  });

  it('sends live versions from the committed rows exactly as a catch-up from the log gives them', async () => {
    const h = await head();
    const live = track(await connect(base, { token: bobToken, baseVersion: h, clientId: 'live' }));
    await live.next((f) => f.type === 'caughtUp');
    const a = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Committed rows', description: '<p>ü "q"</p>', priority: 'low' } });
    const b = await api(t.app, 'PATCH', `/api/v1/issues/${a.body.id}`, { as: alice, body: { title: 'Committed rows, edited', estimate: 3 } });
    const last = Number(b.headers['x-sync-version']);
    await live.next((f) => f.type === 'ops' && f.toVersion === last);
    const later = track(await connect(base, { token: bobToken, baseVersion: h, clientId: 'later' }));
    await later.next((f) => f.type === 'caughtUp');
    const ops = (s: TestSocket) => chained(s.frames, h).flatMap((x) => x.ops);
    expect(ops(live).length).toBeGreaterThanOrEqual(2);
    expect(ops(live)).toEqual(ops(later));
    live.close();
    later.close();
  });

  it('follows team membership: added → scopeChange added; removed → scopeChange removed and no more of its operations', async () => {
    const h = await head();
    const s = track(await connect(base, { token: bobToken, baseVersion: h }));
    await s.next((f) => f.type === 'caughtUp');
    expect((await api(t.app, 'POST', `/api/v1/teams/${sec}/members`, { as: alice, body: { userId: bob.userId } })).status).toBe(204);
    const added = await s.next((f) => f.type === 'scopeChange');
    expect(added).toMatchObject({ added: [sec], removed: [] });
    const visible = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'SEC', title: 'Now visible' } });
    await s.next((f) => f.type === 'ops' && f.ops.some((o: any) => o.id === visible.body.id));

    expect((await api(t.app, 'DELETE', `/api/v1/teams/${sec}/members/${bob.userId}`, { as: alice })).status).toBe(204);
    const removed = await s.next((f) => f.type === 'scopeChange' && f.removed.length > 0);
    expect(removed).toMatchObject({ added: [], removed: [sec] });
    const mark = s.frames.length;
    const after = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'SEC', title: 'Secret again' } });
    const pub = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Public again' } });
    await s.next((f) => f.type === 'ops' && f.ops.some((o: any) => o.id === pub.body.id), 5000, mark);
    expect(JSON.stringify(s.frames.slice(mark))).not.toContain(after.body.id);
    expect(JSON.stringify(s.frames.slice(mark))).not.toContain('Secret again');
    chained(s.frames, h);
    s.close();
  });

  it('closes a member removed from the workspace with error forbidden', async () => {
    const carol = await joinAs(t, alice, 'carol@example.com', 'member');
    const token = await createToken(t, carol, { scopes: ['read'] });
    const s = track(await connect(base, { token, baseVersion: await head() }));
    await s.next((f) => f.type === 'caughtUp');
    expect((await api(t.app, 'DELETE', `/api/v1/members/${carol.userId}`, { as: alice })).status).toBeLessThan(300);
    const closed = await s.closed;
    expect(s.frames.some((f) => f.type === 'error' && (f.code === 'forbidden' || f.code === 'unauthenticated'))).toBe(true);
    expect([4002, 4003]).toContain(closed.code);
  });

  it('resets a slow consumer whose queue passes the bound, and closes it', async () => {
    const saved = { ...gatewayLimits };
    gatewayLimits.maxQueuedBytes = 64 * 1024;
    gatewayLimits.drainTimeoutMs = 500;
    try {
      const s = track(await connect(base, { token: bobToken, baseVersion: await head() }));
      await s.next((f) => f.type === 'caughtUp');
      // Stop reading: the kernel buffers fill, then the server's queue grows.
      (s.ws as any)._socket.pause();
      const big = 'x'.repeat(90_000);
      for (let i = 0; i < 60; i++) {
        await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: `Big ${i}`, description: big } });
      }
      (s.ws as any)._socket.resume();
      const reset = await s.next((f) => f.type === 'reset', 10_000);
      expect(reset.reason).toBe('slow_consumer');
      expect((await s.closed).code).toBe(4008);
    } finally {
      Object.assign(gatewayLimits, saved);
    }
  });

  it('resets a client below the retention floor (ops pruned) and answers 410 over HTTP', async () => {
    const dora = await signIn(t, 'dora@example.com');
    const ws = await createWorkspace(t, dora, 'Pruned', 'PRU');
    for (let i = 0; i < 3; i++) await api(t.app, 'POST', '/api/v1/issues', { as: dora, body: { teamId: 'PRU', title: `P${i}` } });
    const token = await createToken(t, dora, { scopes: ['read'] });
    // Retention: versions 1 and 2 are gone from the log.
    await t.database.db.delete(syncOperation).where(and(eq(syncOperation.workspaceId, ws.workspace.id), lte(syncOperation.version, 2)));
    const old = track(await connect(base, { token, baseVersion: 1 }));
    expect(old.frames[0]).toMatchObject({ type: 'reset', reason: 'too_far_behind' });
    expect((await old.closed).code).toBe(4001);
    const http = await api(t.app, 'GET', '/api/v1/sync/ops?after=1', { as: { token } });
    expect(http.status).toBe(410);
    expect(http.body.code).toBe('reset_required');
    const ok = track(await connect(base, { token, baseVersion: 2 }));
    expect(ok.frames[0]).toMatchObject({ type: 'welcome' });
    await ok.next((f) => f.type === 'caughtUp');
    ok.close();
  });
});

describe('catch-up volume (hello patches and compression)', () => {
  it('sends an issue update as the fields changed since its previous operation, only to clients that ask, and the fold equals a bootstrap', async () => {
    const ops2 = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Operations', key: 'OPS' } });
    expect(ops2.status).toBe(201);
    const h = await head();
    const created = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Patch me', description: 'A long text '.repeat(40) } });
    const id = created.body.id as string;
    const step = async (method: string, path: string, body?: unknown) => {
      t.clock.advance(1000); // so every update changes updatedAt too
      const r = await api(t.app, method, path, { as: alice, body });
      expect(r.status, `${method} ${path}`).toBeLessThan(300);
    };
    await step('PATCH', `/api/v1/issues/${id}`, { title: 'Patched once' }); // patch
    await step('PATCH', `/api/v1/issues/${id}`, { priority: 'high' }); // patch
    await step('POST', `/api/v1/issues/${id}/archive`); // full: archived post-image
    await step('POST', `/api/v1/issues/${id}/unarchive`); // full: the previous one was archived
    await step('PATCH', `/api/v1/issues/${id}`, { teamId: 'OPS' }); // delete + full: another team
    await step('PATCH', `/api/v1/issues/${id}`, { title: 'Patched in OPS' }); // patch
    const last = await head();
    const issueOps = async (hello: { patches?: boolean }) => {
      const s = track(await connect(base, { token: bobToken, baseVersion: h, ...hello }));
      await s.next((f) => f.type === 'caughtUp');
      s.close();
      expect(s.frames[0]).toMatchObject({ type: 'welcome', patches: hello.patches === true, compression: null });
      return chained(s.frames, h)
        .flatMap((b) => b.ops)
        .filter((o) => o.id === id);
    };
    const patched = await issueOps({ patches: true });
    expect(patched.map((o) => [o.action, o.patch ? Object.keys(o.patch).sort() : 'data' in o ? 'data' : 'neither'])).toEqual([
      ['insert', 'data'],
      ['update', ['title', 'updatedAt']],
      ['update', ['priority', 'updatedAt']],
      ['update', 'data'],
      ['update', 'data'],
      ['delete', 'data'],
      ['update', 'data'],
      ['update', ['title', 'updatedAt']],
    ]);
    for (const o of patched) expect(o.patch && 'data' in o, 'a patch never comes with data').toBeFalsy();
    // Folding the patches over the insert gives what a bootstrap says.
    let folded: Record<string, unknown> | null = null;
    for (const o of patched) folded = o.action === 'delete' ? null : o.patch ? { ...(folded as object), ...o.patch } : o.data;
    const fresh = (await bootstrap(t, alice)).entities.find((e) => e.entity === 'issue' && e.data.id === id);
    expect(folded).toEqual(fresh?.data);
    // Without `patches` (older clients, tail mode): every post-image whole, same versions.
    const full = await issueOps({});
    expect(full.every((o) => !('patch' in o) && 'data' in o)).toBe(true);
    expect(full.map((o) => o.v)).toEqual(patched.map((o) => o.v));
    expect(full[full.length - 1]!.data).toEqual(fresh?.data);
    expect(Math.max(...patched.map((o) => o.v))).toBeLessThanOrEqual(last);
  });

  it('compresses large ops frames once for clients that accept deflate-raw; the text inside is the same frame', async () => {
    const saved = { ...gatewayLimits };
    gatewayLimits.compressMinBytes = 256;
    gatewayLimits.pageOps = 4;
    try {
      const h = await head();
      for (let i = 0; i < 6; i++) await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: `Zip ${i}`, description: 'Some words to squeeze '.repeat(30) } });
      const zipped = track(await connect(base, { token: bobToken, baseVersion: h, compression: 'deflate-raw' }));
      const plain = track(await connect(base, { token: bobToken, baseVersion: h, compression: 'br' }));
      for (const s of [zipped, plain]) await s.next((f) => f.type === 'caughtUp');
      expect(zipped.frames[0]).toMatchObject({ type: 'welcome', compression: 'deflate-raw' });
      expect(plain.frames[0]).toMatchObject({ type: 'welcome', compression: null });
      const opsOf = (s: TestSocket) => s.frames.map((f, i) => ({ f, w: s.wire[i]! })).filter((x) => x.f.type === 'ops');
      const z = opsOf(zipped);
      const p = opsOf(plain);
      expect(z.length).toBeGreaterThan(1);
      expect(z.map((x) => x.f)).toEqual(p.map((x) => x.f));
      expect(z.every((x) => x.w.binary)).toBe(true);
      expect(p.every((x) => !x.w.binary)).toBe(true);
      // Control frames stay text.
      expect(zipped.wire.filter((_w, i) => zipped.frames[i]!.type !== 'ops').every((w) => !w.binary)).toBe(true);
      const sum = (xs: typeof z) => xs.reduce((n, x) => n + x.w.bytes, 0);
      expect(sum(z)).toBeLessThan(sum(p) / 2);
      chained(zipped.frames, h);
      zipped.close();
      plain.close();
    } finally {
      Object.assign(gatewayLimits, saved);
    }
  });

  it('closes 4004 when patches or compression have the wrong type', async () => {
    for (const bad of [{ patches: 'yes' }, { compression: 1 }]) {
      const s = track(await connect(base, { token: bobToken, baseVersion: 0, ...bad }));
      expect(s.frames[0]).toMatchObject({ type: 'error', code: 'bad_frame' });
      expect((await s.closed).code).toBe(4004);
    }
  });
});

describe('heartbeat', () => {
  it('pings every heartbeat; a revoked token closes only its own sockets (4002), another token stays live', async () => {
    const saved = gatewayLimits.heartbeatMs;
    gatewayLimits.heartbeatMs = 150;
    try {
      const doomed = await createToken(t, bob, { scopes: ['read'], name: 'doomed' });
      const h = await head();
      const a = track(await connect(base, { token: doomed, baseVersion: h, clientId: 'doomed' }));
      const b = track(await connect(base, { token: bobToken, baseVersion: h, clientId: 'kept' }));
      await a.next((f) => f.type === 'caughtUp');
      await b.next((f) => f.type === 'caughtUp');
      await b.next((f) => f.type === 'ping', 3000);
      const list = await api(t.app, 'GET', '/api/v1/tokens', { as: bob });
      const id = list.body.data.find((d: { name: string }) => d.name === 'doomed').id;
      expect((await api(t.app, 'DELETE', `/api/v1/tokens/${id}`, { as: bob })).status).toBe(204);
      const closed = await a.closed;
      expect(closed.code).toBe(4002);
      expect(a.frames.some((f) => f.type === 'error' && f.code === 'unauthenticated' && f.retry === 'reauth')).toBe(true);
      // The other token's socket outlives further heartbeats and still streams.
      const mark = b.frames.length;
      await b.next((f) => f.type === 'ping', 3000, mark);
      await b.next((f) => f.type === 'ping', 3000, b.frames.length);
      const made = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'After a revocation' } });
      await b.next((f) => f.type === 'ops' && f.ops.some((o: any) => o.id === made.body.id), 5000, mark);
      expect(b.ws.readyState).toBe(b.ws.OPEN);
      b.close();
    } finally {
      gatewayLimits.heartbeatMs = saved;
    }
  });

  it('a session that signs out closes its socket at the next heartbeat (4002)', async () => {
    const saved = gatewayLimits.heartbeatMs;
    gatewayLimits.heartbeatMs = 150;
    try {
      const second = await signIn(t, 'alice@example.com');
      const s = track(await connect(base, { cookie: second.cookie, baseVersion: await head() }));
      expect(s.frames[0]).toMatchObject({ type: 'welcome', userId: alice.userId });
      await s.next((f) => f.type === 'caughtUp');
      expect((await api(t.app, 'POST', '/api/v1/auth/sign-out', { as: second })).status).toBe(204);
      expect((await s.closed).code).toBe(4002);
      expect(s.frames.some((f) => f.type === 'error' && f.code === 'unauthenticated')).toBe(true);
      // Alice's other session is untouched.
      expect((await api(t.app, 'GET', '/api/v1/me', { as: alice })).status).toBe(200);
    } finally {
      gatewayLimits.heartbeatMs = saved;
    }
  });
});
