import { and, eq } from 'drizzle-orm';
import { issueSubscription, member } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionId } from '../src/modules/subscriptions/subscriptions.repository.ts';
import { addMember, type Actor, insertIssue, type IssueRef, newWorkspace, opsFor, type Ws } from './collab-fixtures.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let a: Ws;
let b: Ws;
let bob: Actor;
let foreign: IssueRef;

beforeAll(async () => {
  t = await createTestApp();
  a = await newWorkspace(t, 'alice@example.com', 'Acme', 'ENG');
  b = await newWorkspace(t, 'mallory@example.com', 'Other', 'OPS');
  bob = await addMember(t, a, 'bob@example.com', 'member');
  foreign = await insertIssue(t, b, 'Foreign');
});
afterAll(async () => {
  await t?.close();
});

const sub = (method: string, as: Actor | null, ref: string) => api(t.app, method, `/api/v1/issues/${ref}/subscription`, { as });

describe('/api/v1/issues/:issueId/subscription', () => {
  it('401 on GET, PUT and DELETE without credentials', async () => {
    const i = await insertIssue(t, a);
    for (const m of ['GET', 'PUT', 'DELETE']) expect((await sub(m, null, i.id)).status).toBe(401);
  });

  it('404 for another workspace\'s issue, writing nothing', async () => {
    for (const m of ['GET', 'PUT', 'DELETE']) {
      const res = await sub(m, a.owner, foreign.id);
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toEqual({ field: '/params/issueId', message: `Issue ${foreign.id} not found` });
    }
    expect(await t.database.db.select().from(issueSubscription).where(eq(issueSubscription.issueId, foreign.id))).toHaveLength(0);
  });

  it('400 for an over-long issue reference', async () => {
    const res = await sub('GET', a.owner, 'X'.repeat(37));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ field: '/params/issueId', message: 'issueId must be at most 36 characters (Unicode code points)' });
  });

  it('subscribes and unsubscribes idempotently, with counts and sync operations', async () => {
    const i = await insertIssue(t, a);
    expect((await sub('GET', a.owner, i.id)).body).toEqual({ subscribed: false, subscriberCount: 0 });
    const put = await sub('PUT', a.owner, i.identifier);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ subscribed: true, subscriberCount: 1 });
    expect((await sub('PUT', a.owner, i.id)).body).toEqual({ subscribed: true, subscriberCount: 1 });
    expect((await sub('PUT', bob, i.id)).body).toEqual({ subscribed: true, subscriberCount: 2 });
    expect((await sub('GET', bob, i.id)).body).toEqual({ subscribed: true, subscriberCount: 2 });
    const del = await sub('DELETE', a.owner, i.id);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ subscribed: false, subscriberCount: 1 });
    expect((await sub('DELETE', a.owner, i.id)).body).toEqual({ subscribed: false, subscriberCount: 1 });

    const id = subscriptionId(i.id, a.owner.userId);
    const ops = await opsFor(t, a.wsId, 'issueSubscription', id);
    expect(ops.map((o) => [o.action, o.teamId])).toEqual([['insert', a.teamId], ['delete', a.teamId]]);
    expect(ops[0]!.data).toEqual({ id, issueId: i.id, userId: a.owner.userId, createdAt: expect.any(String) });
  });
});

describe('GET /api/v1/issues/:issueId/subscribers', () => {
  it('401, 404 for another workspace, 400 for a bad limit', async () => {
    const i = await insertIssue(t, a);
    expect((await api(t.app, 'GET', `/api/v1/issues/${i.id}/subscribers`)).status).toBe(401);
    expect((await api(t.app, 'GET', `/api/v1/issues/${foreign.identifier}/subscribers`, { as: a.owner })).status).toBe(404);
    const bad = await api(t.app, 'GET', `/api/v1/issues/${i.id}/subscribers?limit=0`, { as: a.owner });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({ field: '/query/limit', message: 'limit must be >= 1' });
  });

  it('lists current members who subscribed, in order, in pages; commenting subscribes', async () => {
    const i = await insertIssue(t, a);
    const carol = await addMember(t, a, 'carol@example.com', 'guest', [a.teamId]);
    await sub('PUT', bob, i.id);
    t.clock.advance(1000);
    await api(t.app, 'POST', `/api/v1/issues/${i.id}/comments`, { as: carol, body: { body: '<p>me too</p>' } });
    t.clock.advance(1000);
    await sub('PUT', a.owner, i.id);
    const p1 = await api(t.app, 'GET', `/api/v1/issues/${i.id}/subscribers?limit=2`, { as: carol });
    expect(p1.status).toBe(200);
    expect(p1.body.data).toEqual([
      { id: bob.userId, name: expect.any(String), avatarUrl: null },
      { id: carol.userId, name: expect.any(String), avatarUrl: null },
    ]);
    const p2 = await api(t.app, 'GET', `/api/v1/issues/${i.id}/subscribers?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`, { as: carol });
    expect(p2.body.data.map((u: { id: string }) => u.id)).toEqual([a.owner.userId]);
    expect(p2.body.nextCursor).toBeNull();

    // Someone who left the workspace is neither listed nor counted.
    await t.database.db.delete(member).where(and(eq(member.workspaceId, a.wsId), eq(member.userId, bob.userId)));
    const after = await api(t.app, 'GET', `/api/v1/issues/${i.id}/subscribers`, { as: a.owner });
    expect(after.body.data.map((u: { id: string }) => u.id)).toEqual([carol.userId, a.owner.userId]);
    expect((await sub('GET', a.owner, i.id)).body).toEqual({ subscribed: true, subscriberCount: 2 });
  });
});
