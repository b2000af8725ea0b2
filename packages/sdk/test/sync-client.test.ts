/**
 * The sync client against a real server (in process, on loopback): reconnecting after a cut,
 * several tabs, private teams, exactly-once writes through the mutation queue, and a
 * fast-check convergence property over random interleavings of writes, cuts and restores.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, joinAs } from '../../../apps/server/test/access-fixtures.ts';
import { api, createTestApp, createWorkspace, signIn, type TestApp } from '../../../apps/server/test/helpers.ts';
import { listen } from '../../../apps/server/test/sync-helpers.ts';
import { and, eq, lte } from 'drizzle-orm';
import { syncOperation } from '@exponential/db';
import { gatewayLimits } from '../../../apps/server/src/sync/gateway.ts';
import { MutationQueue } from '../src/sync/mutations.ts';
import type { SyncOp } from '../src/sync/protocol.ts';
import { MemoryPersistence } from '../src/sync/persistence.ts';
import { expectConverged, freshSnapshot, Net, quiesce, startClient } from './harness.ts';

let t: TestApp;
let base: string;
const stops: Array<() => void> = [];

beforeAll(async () => {
  t = await createTestApp();
  base = await listen(t);
});
afterAll(async () => {
  for (const s of stops) s();
  await t?.close();
});

let wsCount = 0;
/** A fresh workspace with an owner (alice) and a member (bob), a public team ENG and a private team SEC. */
async function workspace() {
  wsCount += 1;
  const alice = await signIn(t, `alice${wsCount}@example.com`);
  await createWorkspace(t, alice, `Acme ${wsCount}`, 'ENG');
  const bob = await joinAs(t, alice, `bob${wsCount}@example.com`, 'member');
  const sec = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Security', key: 'SEC', isPrivate: true } });
  expect(sec.status).toBe(201);
  const aliceToken = await createToken(t, alice, { scopes: ['read', 'write'] });
  const bobToken = await createToken(t, bob, { scopes: ['read', 'write'] });
  return { alice, bob, secId: sec.body.id as string, aliceToken, bobToken };
}

async function started(token: string, extra = {}) {
  const c = await startClient(base, token, extra);
  stops.push(() => c.client.stop());
  return c;
}

describe('SyncClient', () => {
  it('after a cut, catches up: the new issue present, the edit applied, the deleted one gone', async () => {
    const w = await workspace();
    const write = (m: string, p: string, body?: unknown) => api(t.app, m, p, { as: w.alice, body });
    const keep = (await write('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Keep me' })).body;
    const doomed = (await write('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Delete me' })).body;
    const bob = await started(w.bobToken);
    const edits: SyncOp[] = [];
    bob.client.onOps((ops) => edits.push(...ops.filter((o) => o.id === keep.id)));
    expect(bob.client.store.get('issue', doomed.id)).toBeDefined();
    bob.net.cut();
    const created = (await write('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Made while away' })).body;
    expect((await write('PATCH', `/api/v1/issues/${keep.id}`, { title: 'Kept, edited', priority: 'high' })).status).toBe(200);
    expect((await write('DELETE', `/api/v1/issues/${doomed.id}`)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 100));
    expect(bob.client.status).not.toBe('live');
    bob.net.restore();
    await quiesce(base, w.bobToken, [bob.client]);
    expect(bob.client.store.get('issue', created.id)?.title).toBe('Made while away');
    expect(bob.client.store.get('issue', keep.id)).toMatchObject({ title: 'Kept, edited', priority: 'high' });
    expect(bob.client.store.get('issue', doomed.id)).toBeUndefined();
    await expectConverged(base, w.bobToken, bob);
    // The edit came as a patch of the changed fields, and listeners saw the whole record.
    expect(edits).toHaveLength(1);
    expect(Object.keys(edits[0]!.patch ?? {})).toEqual(expect.arrayContaining(['title', 'priority']));
    expect(edits[0]!.patch).not.toHaveProperty('description');
    expect(edits[0]!.data).toEqual(bob.client.store.get('issue', keep.id));
  });

  it('gives a second tab of the same user every operation the first one gets', async () => {
    const w = await workspace();
    const tab1 = await started(w.aliceToken, { clientId: 'tab-1' });
    const tab2 = await started(w.aliceToken, { clientId: 'tab-2' });
    for (let i = 0; i < 5; i++) await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: i % 2 ? 'SEC' : 'ENG', title: `T${i}` } });
    await quiesce(base, w.aliceToken, [tab1.client, tab2.client]);
    expect(tab1.applied.length).toBeGreaterThan(5);
    expect(tab2.applied).toEqual(tab1.applied);
    await expectConverged(base, w.aliceToken, tab1);
    await expectConverged(base, w.aliceToken, tab2);
  });

  it('never delivers a private team’s operations to a member outside it', async () => {
    const w = await workspace();
    const bob = await started(w.bobToken);
    const seen: unknown[] = [];
    bob.client.onOps((ops) => seen.push(...ops));
    const secret = await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'SEC', title: 'Classified' } });
    await api(t.app, 'PATCH', `/api/v1/issues/${secret.body.id}`, { as: w.alice, body: { title: 'Still classified' } });
    await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'ENG', title: 'Public' } });
    await quiesce(base, w.bobToken, [bob.client]);
    const text = JSON.stringify(seen);
    expect(text).toContain('Public');
    expect(text).not.toContain('lassified');
    expect(text).not.toContain(w.secId);
    expect(bob.client.store.get('team', w.secId)).toBeUndefined();
  });

  it('follows membership: joining a private team loads it, leaving it drops it', async () => {
    const w = await workspace();
    await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'SEC', title: 'Older secret' } });
    const bob = await started(w.bobToken);
    expect(bob.client.store.get('team', w.secId)).toBeUndefined();
    expect((await api(t.app, 'POST', `/api/v1/teams/${w.secId}/members`, { as: w.alice, body: { userId: w.bob.userId } })).status).toBe(204);
    await quiesce(base, w.bobToken, [bob.client]);
    expect(bob.client.store.get('team', w.secId)).toBeDefined();
    expect(bob.client.store.all('issue').map((i) => i.title)).toContain('Older secret');
    await expectConverged(base, w.bobToken, bob);
    expect((await api(t.app, 'DELETE', `/api/v1/teams/${w.secId}/members/${w.bob.userId}`, { as: w.alice })).status).toBe(204);
    await quiesce(base, w.bobToken, [bob.client]);
    expect(bob.client.store.get('team', w.secId)).toBeUndefined();
    expect(bob.client.store.all('issue').map((i) => i.title)).not.toContain('Older secret');
    await expectConverged(base, w.bobToken, bob);
  });

  it('resumes from the persisted copy and version without a new bootstrap', async () => {
    const w = await workspace();
    const persistence = new MemoryPersistence();
    const bootstraps: string[] = [];
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes('/sync/bootstrap')) bootstraps.push(String(input));
      return fetch(input, init);
    };
    const first = await started(w.bobToken, { persistence, fetch: counting });
    const at = first.client.store.version;
    first.client.stop();
    await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'ENG', title: 'While closed' } });
    const second = await started(w.bobToken, { persistence, fetch: counting });
    expect(bootstraps).toHaveLength(1);
    await quiesce(base, w.bobToken, [second.client]);
    expect(second.client.store.version).toBeGreaterThan(at);
    expect(second.client.store.all('issue').map((i) => i.title)).toContain('While closed');
    await expectConverged(base, w.bobToken, second);
    expect((await persistence.load())?.version).toBe(second.client.store.version);
  });

  it('catches up through compressed frames (binary deflate-raw) and converges', async () => {
    const w = await workspace();
    const saved = { ...gatewayLimits };
    gatewayLimits.compressMinBytes = 256;
    gatewayLimits.pageOps = 3;
    try {
      const bob = await started(w.bobToken);
      bob.net.cut();
      for (let i = 0; i < 7; i++) await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'ENG', title: `Zipped ${i}`, description: 'squeeze '.repeat(50) } });
      const before = bob.net.binaryFrames;
      bob.net.restore();
      await quiesce(base, w.bobToken, [bob.client]);
      expect(bob.net.binaryFrames - before).toBeGreaterThan(1);
      expect(bob.client.store.all('issue').map((i) => i.title)).toEqual(expect.arrayContaining(['Zipped 0', 'Zipped 6']));
      await expectConverged(base, w.bobToken, bob);
    } finally {
      Object.assign(gatewayLimits, saved);
    }
  });

  it('bootstraps when a patch arrives for a record its store does not hold, and converges', async () => {
    const w = await workspace();
    const issue = (await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'ENG', title: 'Lost locally' } })).body;
    const bob = await started(w.bobToken);
    const statuses: string[] = [];
    bob.client.onStatus((st) => statuses.push(st));
    // The store loses the record (as after a missed operation); the catch-up patches it.
    bob.net.cut();
    (bob.client.store.table('issue') as Map<string, unknown>).delete(issue.id);
    expect((await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: w.alice, body: { title: 'Patched remotely' } })).status).toBe(200);
    bob.net.restore();
    await quiesce(base, w.bobToken, [bob.client]);
    await expect.poll(() => bob.client.store.get('issue', issue.id)?.title).toBe('Patched remotely');
    expect(statuses).toContain('bootstrapping');
    expect(bob.client.store.missedPatches).toBe(0);
    await expectConverged(base, w.bobToken, bob);
  });

  it('bootstraps again when the server resets it (its version fell below the retention floor)', async () => {
    const w = await workspace();
    const bootstraps: string[] = [];
    const bob = await started(w.bobToken);
    const seen = bob.client.onStatus((s) => s === 'bootstrapping' && bootstraps.push(s));
    bob.net.cut();
    for (let i = 0; i < 3; i++) await api(t.app, 'POST', '/api/v1/issues', { as: w.alice, body: { teamId: 'ENG', title: `Pruned ${i}` } });
    // Retention removes the versions the client would need.
    const wsId = bob.client.workspaceId as string;
    await t.database.db.delete(syncOperation).where(and(eq(syncOperation.workspaceId, wsId), lte(syncOperation.version, bob.client.store.version + 1)));
    bob.net.restore();
    await quiesce(base, w.bobToken, [bob.client]);
    seen();
    expect(bootstraps.length).toBeGreaterThan(0);
    expect(bob.client.store.all('issue').map((i) => i.title)).toEqual(expect.arrayContaining(['Pruned 0', 'Pruned 1', 'Pruned 2']));
    await expectConverged(base, w.bobToken, bob);
  });

  it('applies a write once when its response is lost and it is resent, and confirms it in the store', async () => {
    const w = await workspace();
    const alice = await started(w.aliceToken, { clientId: 'writer' });
    const net = new Net();
    const queue = new MutationQueue({ baseUrl: base, token: w.aliceToken, fetch: net.fetch }, { clientId: 'writer', lastMutationId: alice.client.lastMutationId, sync: alice.client, retryBaseMs: 5 });
    net.loseResponses = 1;
    const r = await queue.send('POST', '/api/v1/issues', { teamId: 'ENG', title: 'Exactly once' });
    expect(r.status).toBe(201);
    expect(r.mutationId).toBe(1);
    // Confirmed: the store already holds it when send resolves.
    expect(alice.client.store.get('issue', r.body.id)?.title).toBe('Exactly once');
    expect(alice.client.store.all('issue').filter((i) => i.title === 'Exactly once')).toHaveLength(1);
  });
});

/** One step of the convergence property. */
type Step =
  | { kind: 'create'; actor: number; team: 'ENG' | 'SEC'; n: number }
  | { kind: 'update'; actor: number; pick: number; priority: 'none' | 'urgent' | 'high' | 'medium' | 'low'; n: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'archive'; pick: number; archived: boolean }
  | { kind: 'cut' | 'restore'; client: number }
  | { kind: 'lose'; actor: number }
  | { kind: 'membership'; join: boolean }
  | { kind: 'pause'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), actor: fc.nat(1), team: fc.constantFrom('ENG' as const, 'SEC' as const), n: fc.nat(999) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('update' as const), actor: fc.nat(1), pick: fc.nat(50), priority: fc.constantFrom('none' as const, 'urgent' as const, 'high' as const, 'medium' as const, 'low' as const), n: fc.nat(999) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(50) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('archive' as const), pick: fc.nat(50), archived: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constantFrom('cut' as const, 'restore' as const), client: fc.nat(2) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('lose' as const), actor: fc.nat(1) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('membership' as const), join: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 1, max: 40 }) }), weight: 1 },
);

describe('convergence', () => {
  it('every client ends equal to a fresh bootstrap, with no operation applied twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 24 }), async (steps) => {
        const w = await workspace();
        const tokens = [w.aliceToken, w.bobToken];
        const clients = [await started(w.aliceToken, { clientId: 'a1' }), await started(w.aliceToken, { clientId: 'a2' }), await started(w.bobToken, { clientId: 'b1' })];
        const clientToken = [w.aliceToken, w.aliceToken, w.bobToken];
        const nets = [new Net(), new Net()];
        const queues = tokens.map((token, i) => new MutationQueue({ baseUrl: base, token, fetch: nets[i]!.fetch }, { clientId: `writer-${i}`, retryBaseMs: 5 }));
        const issues: string[] = [];
        const titles = new Map<string, number>();
        try {
          for (const s of steps) {
            const pick = (n: number) => issues[n % Math.max(1, issues.length)];
            if (s.kind === 'create') {
              const title = `Issue ${s.n}-${titles.size}`;
              const r = await queues[s.actor]!.send('POST', '/api/v1/issues', { teamId: s.team, title });
              if (r.status === 201) {
                issues.push(r.body.id);
                titles.set(title, (titles.get(title) ?? 0) + 1);
              } else expect([404, 409]).toContain(r.status);
            } else if (s.kind === 'update' && issues.length) {
              const r = await queues[s.actor]!.send('PATCH', `/api/v1/issues/${pick(s.pick)}`, { title: `Edited ${s.n}`, priority: s.priority });
              expect([200, 404]).toContain(r.status);
            } else if (s.kind === 'delete' && issues.length) {
              const r = await queues[0]!.send('DELETE', `/api/v1/issues/${pick(s.pick)}`);
              expect([204, 404]).toContain(r.status);
            } else if (s.kind === 'archive' && issues.length) {
              const r = await queues[0]!.send('POST', `/api/v1/issues/${pick(s.pick)}/${s.archived ? 'archive' : 'unarchive'}`);
              expect(r.status).toBeLessThan(500);
            } else if (s.kind === 'cut') clients[s.client]!.net.cut();
            else if (s.kind === 'restore') clients[s.client]!.net.restore();
            else if (s.kind === 'lose') nets[s.actor]!.loseResponses += 1;
            else if (s.kind === 'membership') {
              const r = s.join
                ? await queues[0]!.send('POST', `/api/v1/teams/${w.secId}/members`, { userId: w.bob.userId })
                : await queues[0]!.send('DELETE', `/api/v1/teams/${w.secId}/members/${w.bob.userId}`);
              expect([204, 404]).toContain(r.status);
            } else if (s.kind === 'pause') await new Promise((r) => setTimeout(r, s.ms));
          }
          for (const c of clients) c.net.restore();
          await quiesce(base, w.aliceToken, clients.map((c) => c.client));
          for (let i = 0; i < clients.length; i++) await expectConverged(base, clientToken[i]!, clients[i]!);
          // Exactly once on the server: no resend created a second issue.
          const all = await freshSnapshot(base, w.aliceToken, true);
          const count = new Map<string, number>();
          for (const i of all.entities.issue!) count.set(i.title, (count.get(i.title) ?? 0) + 1);
          for (const [title, n] of count) if (title.startsWith('Issue ')) expect(n, title).toBe(1);
        } finally {
          for (const c of clients) c.client.stop();
        }
      }),
      { numRuns: 10, endOnFailure: true },
    );
  }, 180_000);
});
