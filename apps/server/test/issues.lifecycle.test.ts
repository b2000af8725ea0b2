import { eq, inArray } from 'drizzle-orm';
import { syncOperation, workspace } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, APP_URL, createTestApp, type TestApp } from './helpers.ts';
import { addLabel, addMember, type Actor, createIssue, footprint, historyOf, newWorkspace, statesByName, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let B: Ws;
let alice: Actor;
let guest: Actor;
let S: Record<string, { id: string; category: string }>;

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@acme.test', 'Acme', 'ENG');
  B = await newWorkspace(t, 'bob@beta.test', 'Beta', 'OPS');
  alice = A.owner;
  guest = await addMember(t, A, 'gail@acme.test', 'guest', [A.teamId]);
  S = await statesByName(t, A.teamId);
});
afterAll(async () => {
  await t?.close();
});

const patch = (who: Actor, id: string, body: object) => api(t.app, 'PATCH', `/api/v1/issues/${id}`, { as: who, body });
const version = async (wsId: string) =>
  (await t.database.db.select({ v: workspace.version }).from(workspace).where(eq(workspace.id, wsId)))[0]!.v;

describe('workflow state categories', () => {
  it('maintain startedAt, completedAt and canceledAt', async () => {
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'lifecycle' });
    const at = (ms: number) => new Date(Date.parse('2026-11-29T10:00:00.000Z') + ms).toISOString();
    t.clock.set(new Date(at(60_000)));
    const started = (await patch(alice, issue.id, { stateId: S['In Progress']!.id })).body;
    expect(started).toMatchObject({ startedAt: at(60_000), completedAt: null, canceledAt: null });
    t.clock.set(new Date(at(120_000)));
    // A change within one category keeps the timestamps and the other fields sent along.
    const review = (await patch(alice, issue.id, { stateId: S['In Review']!.id, title: 'lifecycle, in review' })).body;
    expect(review).toMatchObject({ startedAt: at(60_000), stateId: S['In Review']!.id, title: 'lifecycle, in review' });
    t.clock.set(new Date(at(180_000)));
    const done = (await patch(alice, issue.id, { stateId: S.Done!.id })).body;
    expect(done).toMatchObject({ startedAt: at(60_000), completedAt: at(180_000), canceledAt: null });
    t.clock.set(new Date(at(240_000)));
    const reopened = (await patch(alice, issue.id, { stateId: S['In Progress']!.id })).body;
    expect(reopened).toMatchObject({ startedAt: at(60_000), completedAt: null });
    const canceled = (await patch(alice, issue.id, { stateId: S.Canceled!.id })).body;
    expect(canceled).toMatchObject({ startedAt: at(60_000), completedAt: null, canceledAt: at(240_000) });
    const todo = (await patch(alice, issue.id, { stateId: S.Todo!.id })).body;
    expect(todo).toMatchObject({ startedAt: null, completedAt: null, canceledAt: null });
    const createdDone = await createIssue(t, alice, { teamId: 'ENG', title: 'born done', stateId: S.Done!.id });
    expect(createdDone.completedAt).toBe(at(240_000));
    expect(createdDone.startedAt).toBeNull();
  });

  it('a state of another team is 422 naming /body/stateId', async () => {
    const des = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Design', key: 'DES' } });
    const desStates = await statesByName(t, des.body.id);
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'state check' });
    const res = await patch(alice, issue.id, { stateId: desStates.Todo!.id });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('/body/stateId');
  });
  it('deleting a state moves its issues like a PATCH: timestamps, history, post-images', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'States', key: 'STA' } });
    const st = await statesByName(t, team.body.id);
    const inReview = await createIssue(t, alice, { teamId: 'STA', title: 'in review', stateId: st['In Review']!.id });
    const dup = await createIssue(t, alice, { teamId: 'STA', title: 'duplicate', stateId: st.Duplicate!.id });
    expect(inReview.startedAt).not.toBeNull();
    expect(dup.canceledAt).not.toBeNull();
    const before = await version(A.wsId);
    const del = await api(t.app, 'DELETE', `/api/v1/states/${st['In Review']!.id}?replacementId=${st.Todo!.id}`, { as: alice });
    expect(del.status).toBe(204);
    const moved = (await api(t.app, 'GET', `/api/v1/issues/${inReview.id}`, { as: alice })).body;
    expect(moved).toMatchObject({ stateId: st.Todo!.id, startedAt: null, completedAt: null, canceledAt: null });
    expect((await historyOf(t, inReview.id)).at(-1)).toMatchObject({ kind: 'updated', actorId: alice.userId, changes: { stateId: { from: st['In Review']!.id, to: st.Todo!.id } } });
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.version, before + 1));
    expect(ops.find((o) => o.entityId === inReview.id)).toMatchObject({ action: 'update', data: { stateId: st.Todo!.id, startedAt: null } });
    // Same category: timestamps are kept.
    expect((await api(t.app, 'DELETE', `/api/v1/states/${st.Duplicate!.id}?replacementId=${st.Canceled!.id}`, { as: alice })).status).toBe(204);
    const canceled = (await api(t.app, 'GET', `/api/v1/issues/${dup.id}`, { as: alice })).body;
    expect(canceled).toMatchObject({ stateId: st.Canceled!.id, canceledAt: dup.canceledAt });
  });
});

describe('sub-issues', () => {
  it('refuse cycles and self-parenting with 422 naming /body/parentId', async () => {
    const a = await createIssue(t, alice, { teamId: 'ENG', title: 'A' });
    const b = await createIssue(t, alice, { teamId: 'ENG', title: 'B', parentId: a.identifier });
    const c = await createIssue(t, alice, { teamId: 'ENG', title: 'C', parentId: b.id });
    expect(b.parentId).toBe(a.id);
    const cycle = await patch(alice, a.id, { parentId: c.id });
    expect(cycle.status).toBe(422);
    expect(cycle.body.errors[0]).toEqual({ field: '/body/parentId', message: `Issue ${c.identifier} is a sub-issue of this issue; that would make a cycle` });
    const self = await patch(alice, a.id, { parentId: a.identifier });
    expect(self.status).toBe(422);
    expect(self.body.errors[0]).toEqual({ field: '/body/parentId', message: 'An issue cannot be its own parent' });
    const foreign = await createIssue(t, B.owner, { teamId: 'OPS', title: 'foreign' });
    const cross = await patch(alice, a.id, { parentId: foreign.id });
    expect(cross.status).toBe(404);
    expect(cross.body.errors[0].field).toBe('/body/parentId');
    const ok = await patch(alice, c.id, { parentId: null });
    expect(ok.body.parentId).toBeNull();
    expect((await patch(alice, a.id, { parentId: c.id })).status).toBe(200);
  });
});

describe('moving an issue to another team', () => {
  it('allocates a new number, maps the state by category, drops the old team labels and writes history', async () => {
    const des = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Platform', key: 'PLT' } });
    const pltStates = await statesByName(t, des.body.id);
    const wsLabel = await addLabel(t, A, 'Bug');
    const engLabel = await addLabel(t, A, 'Backend', { teamId: A.teamId });
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'mover', stateId: S['In Review']!.id, labelIds: [wsLabel, engLabel] });
    const res = await patch(alice, issue.id, { teamId: 'PLT' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identifier: 'PLT-1', number: 1, teamId: des.body.id, stateId: pltStates['In Progress']!.id, labelIds: [wsLabel] });
    expect(res.body.startedAt).toBe(issue.startedAt);
    expect((await api(t.app, 'GET', `/api/v1/issues/${issue.identifier}`, { as: alice })).status).toBe(404);
    expect((await api(t.app, 'GET', '/api/v1/issues/PLT-1', { as: alice })).body.id).toBe(issue.id);
    const history = await historyOf(t, issue.id);
    expect(history.at(-1)!.changes).toMatchObject({
      teamId: { from: A.teamId, to: des.body.id },
      identifier: { from: issue.identifier, to: 'PLT-1' },
      labelIds: { from: [wsLabel, engLabel].sort(), to: [wsLabel] },
    });
  });
});

describe('POST /issues/:issueId/archive and /unarchive', () => {
  it('401, 404 in another workspace, and archive/unarchive with history (idempotent)', async () => {
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'archive me' });
    const url = `/api/v1/issues/${issue.id}`;
    expect((await api(t.app, 'POST', `${url}/archive`, { headers: { origin: APP_URL } })).status).toBe(401);
    const foreign = await api(t.app, 'POST', `${url}/archive`, { as: B.owner });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0]).toEqual({ field: '/params/issueId', message: `Issue ${issue.id} not found` });
    const archived = await api(t.app, 'POST', `${url}/archive`, { as: alice });
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toBe(t.clock.now().toISOString());
    expect((await api(t.app, 'POST', `${url}/archive`, { as: alice })).body.archivedAt).toBe(archived.body.archivedAt);
    const listed = await api(t.app, 'GET', '/api/v1/issues?limit=100', { as: alice });
    expect(listed.body.data.map((i: { id: string }) => i.id)).not.toContain(issue.id);
    const withArchived = await api(t.app, 'GET', '/api/v1/issues?limit=100&includeArchived=true', { as: alice });
    expect(withArchived.body.data.map((i: { id: string }) => i.id)).toContain(issue.id);
    const back = await api(t.app, 'POST', `${url}/unarchive`, { as: alice });
    expect(back.body.archivedAt).toBeNull();
    expect((await historyOf(t, issue.id)).map((h) => h.kind)).toEqual(['created', 'archived', 'unarchived']);
    const notFoundUn = await api(t.app, 'POST', `${url}/unarchive`, { as: B.owner });
    expect(notFoundUn.status).toBe(404);
    for (const action of ['archive', 'unarchive']) {
      const bad = await api(t.app, 'POST', `/api/v1/issues/${'x'.repeat(37)}/${action}`, { as: alice });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toEqual({ field: '/params/issueId', message: 'issueId must be at most 36 characters (Unicode code points)' });
    }
  });
});

describe('DELETE /issues/:issueId', () => {
  it('401, 404 in another workspace, 403 for guests, 204 with a delete op and sub-issue post-images', async () => {
    const parent = await createIssue(t, alice, { teamId: 'ENG', title: 'parent' });
    const child = await createIssue(t, alice, { teamId: 'ENG', title: 'child', parentId: parent.id });
    const url = `/api/v1/issues/${parent.id}`;
    expect((await api(t.app, 'DELETE', url, { headers: { origin: APP_URL } })).status).toBe(401);
    expect((await api(t.app, 'DELETE', url, { as: B.owner })).status).toBe(404);
    const bad = await api(t.app, 'DELETE', '/api/v1/issues/NOPE-0x', { as: alice });
    expect(bad.status).toBe(404);
    expect(bad.body.errors[0]).toEqual({ field: '/params/issueId', message: 'Issue NOPE-0x not found' });
    const forbidden = await api(t.app, 'DELETE', url, { as: guest });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toBe('Guests cannot delete issues');
    const before = await version(A.wsId);
    expect((await api(t.app, 'DELETE', url, { as: alice })).status).toBe(204);
    expect(await version(A.wsId)).toBe(before + 1);
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.version, before + 1));
    const mine = ops.filter((o) => o.workspaceId === A.wsId);
    expect(mine.map((o) => [o.entityId, o.action])).toEqual([
      [parent.id, 'delete'],
      [child.id, 'update'],
    ]);
    expect((mine[1]!.data as { parentId: string | null }).parentId).toBeNull();
    expect((await api(t.app, 'GET', url, { as: alice })).status).toBe(404);
    expect((await api(t.app, 'GET', `/api/v1/issues/${child.id}`, { as: alice })).body.parentId).toBeNull();
  });
});

describe('POST /issues/bulk', () => {
  it('401, 404 naming the index, 422 for a state of another team, and nothing changes on failure', async () => {
    const des = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Mobile', key: 'MOB' } });
    const eng = await createIssue(t, alice, { teamId: 'ENG', title: 'bulk eng' });
    const mob = await createIssue(t, alice, { teamId: des.body.id, title: 'bulk mob' });
    const foreign = await createIssue(t, B.owner, { teamId: 'OPS', title: 'bulk foreign' });
    const body = (issueIds: string[], update: object) => ({ issueIds, update });
    expect((await api(t.app, 'POST', '/api/v1/issues/bulk', { body: body([eng.id], { priority: 'low' }), headers: { origin: APP_URL } })).status).toBe(401);
    const before = await footprint(t, A.wsId);
    const beforeB = await footprint(t, B.wsId);
    const mixed = await api(t.app, 'POST', '/api/v1/issues/bulk', { as: alice, body: body([eng.id, foreign.id], { priority: 'low' }) });
    expect(mixed.status).toBe(404);
    expect(mixed.body.errors[0]).toEqual({ field: '/body/issueIds/1', message: `Issue ${foreign.id} not found` });
    const wrongState = await api(t.app, 'POST', '/api/v1/issues/bulk', { as: alice, body: body([eng.id, mob.id], { stateId: S.Todo!.id, priority: 'low' }) });
    expect(wrongState.status).toBe(422);
    expect(wrongState.body.errors[0].field).toBe('/body/update/stateId');
    const empty = await api(t.app, 'POST', '/api/v1/issues/bulk', { as: alice, body: body([], { priority: 'low' }) });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0]).toEqual({ field: '/body/issueIds', message: 'issueIds must NOT have fewer than 1 items' });
    expect(await footprint(t, A.wsId)).toEqual(before);
    expect(await footprint(t, B.wsId)).toEqual(beforeB);
  });

  it('updates every issue in one transaction: one version, one op per issue', async () => {
    const label = await addLabel(t, A, 'Bulk');
    const issues = await Promise.all([1, 2, 3].map((i) => createIssue(t, alice, { teamId: 'ENG', title: `bulk ${i}` })));
    const before = await version(A.wsId);
    const res = await api(t.app, 'POST', '/api/v1/issues/bulk', {
      as: alice,
      body: { issueIds: [issues[0]!.identifier, issues[1]!.id, issues[2]!.id, issues[0]!.id], update: { stateId: S.Done!.id, priority: 'high', addedLabelIds: [label], archived: true } },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.map((i: { id: string }) => i.id)).toEqual(issues.map((i) => i.id));
    for (const i of res.body.data) {
      expect(i).toMatchObject({ stateId: S.Done!.id, priority: 'high', labelIds: [label] });
      expect(i.completedAt).not.toBeNull();
      expect(i.archivedAt).not.toBeNull();
    }
    expect(await version(A.wsId)).toBe(before + 1);
    const ops = await t.database.db.select().from(syncOperation).where(inArray(syncOperation.entityId, issues.map((i) => i.id)));
    expect(ops.filter((o) => o.version === before + 1).map((o) => o.action)).toEqual(['update', 'update', 'update']);
    expect((await historyOf(t, issues[0]!.id)).map((h) => h.kind)).toEqual(['created', 'updated', 'archived']);
  });
});
