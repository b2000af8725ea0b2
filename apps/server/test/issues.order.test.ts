import { asc, eq } from 'drizzle-orm';
import { issue } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, APP_URL, createTestApp, type TestApp } from './helpers.ts';
import { type Actor, createIssue, newWorkspace, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let B: Ws;
let alice: Actor;

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@acme.test', 'Acme', 'ENG');
  B = await newWorkspace(t, 'bob@beta.test', 'Beta', 'OPS');
  alice = A.owner;
});
afterAll(async () => {
  await t?.close();
});

type Row = { id: string; sortOrder: string };
const move = (id: string, body: object, who: Actor = alice) => api(t.app, 'POST', `/api/v1/issues/${id}/move`, { as: who, body });

/** The team's manual order (ids), checking that no two issues share a rank. */
async function order(teamKey: string): Promise<string[]> {
  const res = await api(t.app, 'GET', `/api/v1/issues?teamId=${teamKey}&orderBy=manual&limit=100&includeArchived=true`, { as: alice });
  expect(res.status).toBe(200);
  const rows: Row[] = res.body.data;
  expect(new Set(rows.map((r) => r.sortOrder)).size).toBe(rows.length);
  return rows.map((r) => r.id);
}

/** The team's manual order read straight from the table (cheap enough to check after every step). */
async function rowsOrder(teamId: string): Promise<string[]> {
  const rows = await t.database.db.select({ id: issue.id, sortOrder: issue.sortOrder }).from(issue).where(eq(issue.teamId, teamId)).orderBy(asc(issue.sortOrder));
  expect(new Set(rows.map((r) => r.sortOrder)).size).toBe(rows.length);
  return rows.map((r) => r.id);
}

describe('manual order', () => {
  it('new issues go to the top; afterId/beforeId place them', async () => {
    const first = await createIssue(t, alice, { teamId: 'ENG', title: 'first' });
    const second = await createIssue(t, alice, { teamId: 'ENG', title: 'second' });
    expect(await order('ENG')).toEqual([second.id, first.id]);
    const last = await createIssue(t, alice, { teamId: 'ENG', title: 'last', beforeId: null });
    const middle = await createIssue(t, alice, { teamId: 'ENG', title: 'middle', afterId: second.identifier });
    expect(await order('ENG')).toEqual([second.id, middle.id, first.id, last.id]);
  });

  it('A, B, C: 60 inserts between A and B, then C to the top 100 times, always in the intended order', async () => {
    const team = (await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Ranks', key: 'RNK' } })).body.id as string;
    const a = await createIssue(t, alice, { teamId: 'RNK', title: 'A' });
    const b = await createIssue(t, alice, { teamId: 'RNK', title: 'B', afterId: a.id });
    const c = await createIssue(t, alice, { teamId: 'RNK', title: 'C', afterId: b.id });
    const model = [a.id, b.id, c.id];
    expect(await order('RNK')).toEqual(model);
    for (let i = 0; i < 60; i++) {
      // Alternate "directly after A" (afterId decides) and "directly before B".
      const body = i % 2 ? { beforeId: b.id } : { afterId: a.id, beforeId: b.id };
      const n = await createIssue(t, alice, { teamId: 'RNK', title: `N${i}`, ...body });
      model.splice(i % 2 ? model.indexOf(b.id) : model.indexOf(a.id) + 1, 0, n.id);
      expect(await rowsOrder(team)).toEqual(model);
    }
    for (let i = 0; i < 100; i++) {
      const top = await move(c.id, { afterId: null });
      expect(top.status).toBe(200);
      model.splice(model.indexOf(c.id), 1);
      model.unshift(c.id);
      expect(await rowsOrder(team)).toEqual(model);
      // Put C back somewhere else so the next move to the top is a real move.
      const anchor = model[1 + ((i * 7) % (model.length - 1))]!;
      expect((await move(c.id, { afterId: anchor })).status).toBe(200);
      model.splice(model.indexOf(c.id), 1);
      model.splice(model.indexOf(anchor) + 1, 0, c.id);
      expect(await rowsOrder(team)).toEqual(model);
    }
    expect(await order('RNK')).toEqual(model);
    const ranks = (await api(t.app, 'GET', '/api/v1/issues?teamId=RNK&orderBy=manual&limit=100', { as: alice })).body.data.map((r: Row) => r.sortOrder);
    expect(Math.max(...ranks.map((r: string) => r.length))).toBeLessThan(40);
  }, 120_000);

  it('two concurrent moves (and creates) into the same gap get distinct ranks, both in the gap', async () => {
    await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Race', key: 'RAC' } });
    const a = await createIssue(t, alice, { teamId: 'RAC', title: 'A' });
    const b = await createIssue(t, alice, { teamId: 'RAC', title: 'B', afterId: a.id });
    const x = await createIssue(t, alice, { teamId: 'RAC', title: 'X', afterId: b.id });
    const y = await createIssue(t, alice, { teamId: 'RAC', title: 'Y', afterId: x.id });
    const [mx, my] = await Promise.all([move(x.id, { afterId: a.id, beforeId: b.id }), move(y.id, { afterId: a.id, beforeId: b.id })]);
    expect([mx.status, my.status]).toEqual([200, 200]);
    expect(mx.body.sortOrder).not.toBe(my.body.sortOrder);
    const ids = await order('RAC');
    expect(ids[0]).toBe(a.id);
    expect(ids[3]).toBe(b.id);
    expect(ids.slice(1, 3).sort()).toEqual([x.id, y.id].sort());
    const made = await Promise.all([1, 2, 3].map((i) => createIssue(t, alice, { teamId: 'RAC', title: `Z${i}`, afterId: a.id, beforeId: ids[1] })));
    expect(new Set(made.map((m) => m.sortOrder)).size).toBe(3);
    const after = await order('RAC');
    expect(after[0]).toBe(a.id);
    expect(after.slice(1, 4).sort()).toEqual(made.map((m) => m.id).sort());
  });
});

describe('POST /issues/:issueId/move', () => {
  it('401, 404 in another workspace, 422 with exact messages', async () => {
    const one = await createIssue(t, alice, { teamId: 'ENG', title: 'mv one' });
    const two = await createIssue(t, alice, { teamId: 'ENG', title: 'mv two' });
    await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Other', key: 'OTH' } });
    const other = await createIssue(t, alice, { teamId: 'OTH', title: 'elsewhere' });
    expect((await api(t.app, 'POST', `/api/v1/issues/${one.id}/move`, { body: { afterId: null }, headers: { origin: APP_URL } })).status).toBe(401);
    const foreign = await move(one.id, { afterId: null }, B.owner);
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].field).toBe('/params/issueId');
    const empty = await move(one.id, {});
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0]).toEqual({ field: '/body', message: 'body must NOT have fewer than 1 properties' });
    const self = await move(one.id, { afterId: one.identifier });
    expect(self.status).toBe(422);
    expect(self.body.errors[0]).toEqual({ field: '/body/afterId', message: 'An issue cannot be placed relative to itself' });
    const team = await move(one.id, { beforeId: other.id });
    expect(team.status).toBe(422);
    expect(team.body.errors[0]).toEqual({ field: '/body/beforeId', message: 'beforeId must be an issue of the same team' });
    // two is above one (new issues go first): "after one, before two" is contradictory.
    const third = await createIssue(t, alice, { teamId: 'ENG', title: 'mv three' });
    const backwards = await move(third.id, { afterId: one.id, beforeId: two.id });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors[0]).toEqual({ field: '/body/beforeId', message: 'beforeId must come after afterId in the manual order' });
    const ok = await move(two.id, { beforeId: null });
    expect(ok.status).toBe(200);
    expect((await order('ENG')).at(-1)).toBe(two.id);
  });
});
