import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { team } from '@exponential/db';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let alice: SignedIn;
let bob: SignedIn;
let wsId: string;

beforeAll(async () => {
  t = await createTestApp();
  alice = await signIn(t, 'alice@example.com');
  const ws = await createWorkspace(t, alice);
  wsId = ws.workspace.id;
  bob = await signIn(t, 'bob@example.com');
  await createWorkspace(t, bob, 'Bob Inc', 'BOB');
});
afterAll(async () => t?.close());

const teamsNamed = async (name: string) =>
  (await t.database.db.select({ id: team.id, ws: team.workspaceId }).from(team).where(eq(team.name, name)));

describe('Idempotency-Key', () => {
  it('runs 10 concurrent identical requests once: the rest replay the same 201 body or get 409', async () => {
    const send = () =>
      api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Platform', key: 'PLT' }, headers: { 'idempotency-key': 'k-concurrent' } });
    const results = await Promise.all(Array.from({ length: 10 }, send));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.code).toBe('idempotency_in_flight');
    const bodies = new Set(created.map((r) => JSON.stringify(r.body)));
    expect(bodies.size).toBe(1);
    expect(await teamsNamed('Platform')).toHaveLength(1);
    // Once finished, a retry replays the stored response.
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(created[0]!.body);
  });

  it('refuses the same key with a different body (422)', async () => {
    const first = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Design', key: 'DES' }, headers: { 'idempotency-key': 'k-body' } });
    expect(first.status).toBe(201);
    const second = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Design 2', key: 'DES2' }, headers: { 'idempotency-key': 'k-body' } });
    expect(second.status).toBe(422);
    expect(second.body.code).toBe('idempotency_key_reused');
    expect(second.body.errors[0].field).toBe('/headers/idempotency-key');
  });

  it('keeps keys of different users independent', async () => {
    const a = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Shared key', key: 'SKA' }, headers: { 'idempotency-key': 'k-shared' } });
    const b = await api(t.app, 'POST', '/api/v1/teams', { as: bob, body: { name: 'Shared key', key: 'SKB' }, headers: { 'idempotency-key': 'k-shared' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    const rows = await teamsNamed('Shared key');
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.ws)).size).toBe(2);
  });

  it('lets a retry run once after a first attempt that failed', async () => {
    // The first attempt conflicts (key TMP is taken): 409 releases the key.
    const blocker = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Blocker', key: 'TMP' } });
    expect(blocker.status).toBe(201);
    const body = { name: 'Retry', key: 'TMP' };
    const first = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body, headers: { 'idempotency-key': 'k-retry' } });
    expect(first.status).toBe(409);
    // The same request is retried after the conflicting team is gone: it runs, once.
    expect((await api(t.app, 'DELETE', `/api/v1/teams/${blocker.body.id}`, { as: alice })).status).toBe(204);
    const retry = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body, headers: { 'idempotency-key': 'k-retry' } });
    expect(retry.status).toBe(201);
    const replay = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body, headers: { 'idempotency-key': 'k-retry' } });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(retry.body.id);
    expect(await teamsNamed('Retry')).toHaveLength(1);
  });

  it('rejects malformed keys', async () => {
    const res = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Bad' }, headers: { 'idempotency-key': 'x'.repeat(256) } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_idempotency_key');
    expect(wsId).toBeTruthy();
  });
});
