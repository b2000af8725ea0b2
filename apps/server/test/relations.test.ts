import { eq, or } from 'drizzle-orm';
import { issueHistory, issueRelation } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Actor, insertIssue, insertTeam, type IssueRef, newWorkspace, opsFor, type Ws } from './collab-fixtures.ts';
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

const relate = (as: Actor | null, issueRef: string, body: unknown) => api(t.app, 'POST', `/api/v1/issues/${issueRef}/relations`, { as, body });
const list = async (as: Actor, issueRef: string) => {
  const res = await api(t.app, 'GET', `/api/v1/issues/${issueRef}/relations`, { as });
  expect(res.status).toBe(200);
  return res.body.data as Array<{ id: string; type: string; issueId: string; relatedIssueId: string; relatedIssue: { identifier: string } }>;
};
const relationCount = async (id: string) =>
  (await t.database.db.select().from(issueRelation).where(or(eq(issueRelation.issueId, id), eq(issueRelation.relatedIssueId, id)))).length;

describe('POST /api/v1/issues/:issueId/relations', () => {
  it('401 without credentials', async () => {
    const i = await insertIssue(t, a);
    expect((await relate(null, i.id, { type: 'related', relatedIssueId: i.id })).status).toBe(401);
  });

  it('404 for another workspace\'s issue in the path or the body (by id or identifier), writing nothing', async () => {
    const mine = await insertIssue(t, a);
    const inPath = await relate(a.owner, foreign.id, { type: 'blocks', relatedIssueId: mine.id });
    expect(inPath.status).toBe(404);
    expect(inPath.body.errors[0].field).toBe('/params/issueId');
    for (const ref of [foreign.id, foreign.identifier]) {
      const inBody = await relate(a.owner, mine.id, { type: 'blocks', relatedIssueId: ref });
      expect(inBody.status).toBe(404);
      expect(inBody.body.errors[0]).toEqual({ field: '/body/relatedIssueId', message: `Issue ${ref} not found` });
    }
    expect(await relationCount(mine.id)).toBe(0);
    expect(await relationCount(foreign.id)).toBe(0);
  });

  it('404 naming /body/relatedIssueId for an issue in a private team the member cannot read', async () => {
    const secretTeam = await insertTeam(t, a, 'SEC', true, [a.owner.userId]);
    const secret = await insertIssue(t, a, 'Secret', secretTeam);
    const mine = await insertIssue(t, a);
    const res = await relate(bob, mine.id, { type: 'related', relatedIssueId: secret.identifier });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].field).toBe('/body/relatedIssueId');
    // The owner may relate them; bob then does not see the relation to the unreadable issue.
    expect((await relate(a.owner, mine.id, { type: 'related', relatedIssueId: secret.id })).status).toBe(201);
    expect(await list(bob, mine.id)).toEqual([]);
    expect(await list(a.owner, mine.id)).toHaveLength(1);
  });

  it('422 with exact messages: self relation, unknown type, missing field', async () => {
    const i = await insertIssue(t, a);
    for (const ref of [i.id, i.identifier]) {
      const self = await relate(a.owner, i.id, { type: 'blocks', relatedIssueId: ref });
      expect(self.status).toBe(422);
      expect(self.body.errors[0]).toEqual({ field: '/body/relatedIssueId', message: 'An issue cannot be related to itself' });
    }
    const badType = await relate(a.owner, i.id, { type: 'parent', relatedIssueId: foreign.id });
    expect(badType.status).toBe(422);
    expect(badType.body.errors).toEqual([{ field: '/body/type', message: 'type must be one of: blocks, blocked_by, related, duplicate, duplicated_by' }]);
    const missing = await relate(a.owner, i.id, { type: 'blocks' });
    expect(missing.body.errors[0]).toEqual({ field: '/body/relatedIssueId', message: 'relatedIssueId is required' });
    expect(await relationCount(i.id)).toBe(0);
  });

  it('blocks reads as blocked_by from the other side; the same relation from either side is 409', async () => {
    const x = await insertIssue(t, a, 'Blocker');
    const y = await insertIssue(t, a, 'Blocked');
    const res = await relate(bob, x.identifier, { type: 'blocks', relatedIssueId: y.identifier });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      type: 'blocks',
      issueId: x.id,
      relatedIssueId: y.id,
      relatedIssue: { id: y.id, identifier: y.identifier, title: 'Blocked', stateId: y.stateId },
      createdAt: t.clock.now().toISOString(),
    });
    expect(await list(a.owner, x.id)).toEqual([res.body]);
    const fromY = await list(a.owner, y.id);
    expect(fromY).toEqual([
      { ...res.body, type: 'blocked_by', issueId: y.id, relatedIssueId: x.id, relatedIssue: { id: x.id, identifier: x.identifier, title: 'Blocker', stateId: x.stateId } },
    ]);

    const again = await relate(a.owner, x.id, { type: 'blocks', relatedIssueId: y.id });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('relation_exists');
    expect(again.body.detail).toBe('This relation already exists');
    const reverseForm = await relate(a.owner, y.id, { type: 'blocked_by', relatedIssueId: x.id });
    expect(reverseForm.status).toBe(409);
    expect(reverseForm.body.code).toBe('relation_exists');
    const opposite = await relate(a.owner, y.id, { type: 'blocks', relatedIssueId: x.id });
    expect(opposite.status).toBe(409);
    expect(opposite.body).toMatchObject({ code: 'relation_exists', detail: 'The reverse relation already exists; remove it first' });
    expect(await relationCount(x.id)).toBe(1);

    const [stored] = await t.database.db.select().from(issueRelation).where(eq(issueRelation.id, res.body.id));
    expect(stored).toMatchObject({ issueId: x.id, relatedIssueId: y.id, type: 'blocks', creatorId: bob.userId });
    const ops = await opsFor(t, a.wsId, 'issueRelation', res.body.id);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ action: 'insert', teamId: a.teamId, data: { issueId: x.id, relatedIssueId: y.id, type: 'blocks' } });
  });

  it('blocked_by is stored as a reversed blocks', async () => {
    const x = await insertIssue(t, a);
    const y = await insertIssue(t, a);
    const res = await relate(a.owner, y.id, { type: 'blocked_by', relatedIssueId: x.id });
    expect(res.status).toBe(201);
    expect(res.body.type).toBe('blocked_by');
    const [stored] = await t.database.db.select().from(issueRelation).where(eq(issueRelation.id, res.body.id));
    expect(stored).toMatchObject({ issueId: x.id, relatedIssueId: y.id, type: 'blocks' });
    expect((await list(a.owner, x.id))[0]!.type).toBe('blocks');
  });

  it('related is stored once with the smaller id first and reads related on both sides', async () => {
    const x = await insertIssue(t, a);
    const y = await insertIssue(t, a);
    const [small, large] = x.id < y.id ? [x, y] : [y, x];
    const res = await relate(a.owner, large.id, { type: 'related', relatedIssueId: small.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'related', issueId: large.id, relatedIssueId: small.id });
    const [stored] = await t.database.db.select().from(issueRelation).where(eq(issueRelation.id, res.body.id));
    expect(stored).toMatchObject({ issueId: small.id, relatedIssueId: large.id, type: 'related' });
    expect((await list(a.owner, small.id)).map((r) => [r.type, r.relatedIssueId])).toEqual([['related', large.id]]);
    const dup = await relate(a.owner, small.id, { type: 'related', relatedIssueId: large.id });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toBe('This relation already exists');
  });

  it('duplicate is stored issue → original; the original reads duplicated_by', async () => {
    const copy = await insertIssue(t, a, 'Copy');
    const original = await insertIssue(t, a, 'Original');
    const res = await relate(a.owner, copy.id, { type: 'duplicate', relatedIssueId: original.identifier });
    expect(res.status).toBe(201);
    const [stored] = await t.database.db.select().from(issueRelation).where(eq(issueRelation.id, res.body.id));
    expect(stored).toMatchObject({ issueId: copy.id, relatedIssueId: original.id, type: 'duplicate' });
    expect((await list(a.owner, original.id)).map((r) => r.type)).toEqual(['duplicated_by']);
    expect((await relate(a.owner, original.id, { type: 'duplicated_by', relatedIssueId: copy.id })).status).toBe(409);
    expect((await relate(a.owner, original.id, { type: 'duplicate', relatedIssueId: copy.id })).status).toBe(409);
    // Different types between the same two issues may coexist.
    expect((await relate(a.owner, original.id, { type: 'related', relatedIssueId: copy.id })).status).toBe(201);
  });

  it('writes relation_added history on both issues', async () => {
    const x = await insertIssue(t, a);
    const y = await insertIssue(t, a);
    const res = await relate(bob, x.id, { type: 'blocks', relatedIssueId: y.id });
    const hx = await api(t.app, 'GET', `/api/v1/issues/${x.id}/history`, { as: a.owner });
    expect(hx.body.data).toEqual([
      {
        id: expect.any(String),
        issueId: x.id,
        kind: 'relation_added',
        actor: { id: bob.userId, name: expect.any(String) },
        changes: { relationId: res.body.id, type: 'blocks', relatedIssueId: y.id, relatedIssueIdentifier: y.identifier },
        createdAt: t.clock.now().toISOString(),
      },
    ]);
    const hy = await api(t.app, 'GET', `/api/v1/issues/${y.identifier}/history`, { as: a.owner });
    expect(hy.body.data[0]).toMatchObject({ kind: 'relation_added', changes: { type: 'blocked_by', relatedIssueId: x.id, relatedIssueIdentifier: x.identifier } });
  });
});

describe('GET /api/v1/issues/:issueId/relations', () => {
  it('401, 404 for another workspace, and pages through both directions oldest first', async () => {
    const hub = await insertIssue(t, a, 'Hub');
    expect((await api(t.app, 'GET', `/api/v1/issues/${hub.id}/relations`)).status).toBe(401);
    expect((await api(t.app, 'GET', `/api/v1/issues/${foreign.id}/relations`, { as: a.owner })).status).toBe(404);
    const others = [await insertIssue(t, a), await insertIssue(t, a), await insertIssue(t, a)];
    await relate(a.owner, hub.id, { type: 'blocks', relatedIssueId: others[0]!.id });
    t.clock.advance(1000);
    await relate(a.owner, others[1]!.id, { type: 'blocks', relatedIssueId: hub.id });
    t.clock.advance(1000);
    await relate(a.owner, others[2]!.id, { type: 'duplicate', relatedIssueId: hub.id });
    const p1 = await api(t.app, 'GET', `/api/v1/issues/${hub.id}/relations?limit=2`, { as: bob });
    expect(p1.body.data.map((r: { type: string }) => r.type)).toEqual(['blocks', 'blocked_by']);
    const p2 = await api(t.app, 'GET', `/api/v1/issues/${hub.id}/relations?limit=2&cursor=${encodeURIComponent(p1.body.nextCursor)}`, { as: bob });
    expect(p2.body.data.map((r: { type: string; relatedIssueId: string }) => [r.type, r.relatedIssueId])).toEqual([['duplicated_by', others[2]!.id]]);
    expect(p2.body.nextCursor).toBeNull();
  });
});

describe('DELETE /api/v1/relations/:relationId', () => {
  it('401, 404 for another workspace\'s relation, 204 with relation_removed history on both issues', async () => {
    const fx = await insertIssue(t, b);
    const fy = await insertIssue(t, b);
    const theirs = await relate(b.owner, fx.id, { type: 'related', relatedIssueId: fy.id });
    expect(theirs.status).toBe(201);
    const notMine = await api(t.app, 'DELETE', `/api/v1/relations/${theirs.body.id}`, { as: a.owner });
    expect(notMine.status).toBe(404);
    expect(notMine.body.errors[0]).toEqual({ field: '/params/relationId', message: `Relation ${theirs.body.id} not found` });
    expect(await relationCount(fx.id)).toBe(1);

    const x = await insertIssue(t, a);
    const y = await insertIssue(t, a);
    const rel = await relate(a.owner, x.id, { type: 'blocks', relatedIssueId: y.id });
    expect((await api(t.app, 'DELETE', `/api/v1/relations/${rel.body.id}`)).status).toBe(401);
    t.clock.advance(5000);
    expect((await api(t.app, 'DELETE', `/api/v1/relations/${rel.body.id}`, { as: bob })).status).toBe(204);
    expect(await list(a.owner, x.id)).toEqual([]);
    expect(await list(a.owner, y.id)).toEqual([]);
    const rows = await t.database.db.select().from(issueHistory).where(or(eq(issueHistory.issueId, x.id), eq(issueHistory.issueId, y.id)));
    expect(rows.filter((r) => r.kind === 'relation_removed').map((r) => [r.issueId, (r.changes as { type: string }).type]).sort()).toEqual(
      [[x.id, 'blocks'], [y.id, 'blocked_by']].sort(),
    );
    const hx = await api(t.app, 'GET', `/api/v1/issues/${x.id}/history`, { as: a.owner });
    expect(hx.body.data.map((h: { kind: string }) => h.kind)).toEqual(['relation_removed', 'relation_added']);
    expect((await opsFor(t, a.wsId, 'issueRelation', rel.body.id)).map((o) => o.action)).toEqual(['insert', 'delete']);
    expect((await api(t.app, 'DELETE', `/api/v1/relations/${rel.body.id}`, { as: bob })).status).toBe(404);
    // Once removed, it can be added again.
    expect((await relate(a.owner, y.id, { type: 'blocked_by', relatedIssueId: x.id })).status).toBe(201);
  });

  it('a relation across teams emits its operation for both teams', async () => {
    const other = await insertTeam(t, a, 'DES', false);
    const x = await insertIssue(t, a);
    const y = await insertIssue(t, a, 'Design', other);
    const rel = await relate(a.owner, x.id, { type: 'related', relatedIssueId: y.id });
    const ops = await opsFor(t, a.wsId, 'issueRelation', rel.body.id);
    expect(ops.map((o) => o.teamId).sort()).toEqual([a.teamId, other].sort());
  });
});
