import { and, eq } from 'drizzle-orm';
import { issueSubscription, syncOperation, team } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, APP_URL, createTestApp, type TestApp } from './helpers.ts';
import { addLabel, addMember, type Actor, createIssue, historyOf, newWorkspace, statesByName, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let B: Ws;
let alice: Actor;
let mia: Actor;

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@acme.test', 'Acme', 'ENG');
  B = await newWorkspace(t, 'bob@beta.test', 'Beta', 'OPS');
  alice = A.owner;
  mia = await addMember(t, A, 'mia@acme.test', 'member', [A.teamId]);
});
afterAll(async () => {
  await t?.close();
});

describe('POST /issues', () => {
  it('401 without credentials', async () => {
    const res = await api(t.app, 'POST', '/api/v1/issues', { body: { teamId: 'ENG', title: 'x' }, headers: { origin: APP_URL } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('404 for a team of another workspace', async () => {
    const res = await api(t.app, 'POST', '/api/v1/issues', { as: B.owner, body: { teamId: A.teamId, title: 'x' } });
    expect(res.status).toBe(404);
    expect(res.body.errors).toEqual([{ field: '/body/teamId', message: `Team ${A.teamId} not found` }]);
  });

  it('422 for a title over 255 code points, naming the field and the limit', async () => {
    const res = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'a'.repeat(256) } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toEqual({ field: '/body/title', message: 'title must be at most 255 characters (Unicode code points)' });
  });

  it('creates an issue in the default backlog state, subscribed, with history and a sync op', async () => {
    const states = await statesByName(t, A.teamId);
    const res = await api(t.app, 'POST', '/api/v1/issues', {
      as: alice,
      body: { teamId: 'eng', title: '  Fix login  ', description: '<p>Steps</p><script>alert(1)</script><img src="x" onerror="alert(1)">' },
    });
    expect(res.status).toBe(201);
    const issue = res.body;
    expect(issue).toMatchObject({
      identifier: `ENG-${issue.number}`,
      teamId: A.teamId,
      title: 'Fix login',
      description: '<p>Steps</p>',
      stateId: states.Backlog!.id,
      priority: 'none',
      creatorId: alice.userId,
      assigneeId: null,
      labelIds: [],
      startedAt: null,
    });
    const history = await historyOf(t, issue.id);
    expect(history.map((h) => [h.kind, h.actorId])).toEqual([['created', alice.userId]]);
    const subs = await t.database.db.select().from(issueSubscription).where(eq(issueSubscription.issueId, issue.id));
    expect(subs.map((s) => s.userId)).toEqual([alice.userId]);
    const ops = await t.database.db.select().from(syncOperation).where(and(eq(syncOperation.entityId, issue.id)));
    expect(ops.map((o) => [o.action, (o.data as { identifier: string }).identifier])).toEqual([['insert', issue.identifier]]);
  });

  it('accepts 255 × "a" and 128 × 👍, refuses 40 × 👨‍👩‍👧‍👦 (280 code points)', async () => {
    const a = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'a'.repeat(255) } });
    expect(a.status).toBe(201);
    expect(a.body.title).toHaveLength(255);
    const thumbs = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: '👍'.repeat(128) } });
    expect(thumbs.status).toBe(201);
    expect([...thumbs.body.title]).toHaveLength(128);
    const family = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: '👨‍👩‍👧‍👦'.repeat(40) } });
    expect(family.status).toBe(422);
    expect(family.body.errors[0]).toEqual({ field: '/body/title', message: 'title must be at most 255 characters (Unicode code points)' });
  });

  it('refuses blank, NUL and lone-surrogate titles with 4xx, never 500', async () => {
    const blank = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: ' \t\n ' } });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].field).toBe('/body/title');
    const nul = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0]).toEqual({ field: '/body/title', message: 'contains a NUL character or a lone surrogate' });
    const raw = await t.app.inject({
      method: 'POST',
      url: '/api/v1/issues',
      headers: { 'content-type': 'application/json', cookie: `exponential_session=${alice.cookie}`, 'x-workspace': A.wsId, origin: APP_URL },
      payload: '{"teamId":"ENG","title":"\\uD800"}',
    });
    expect(raw.statusCode).toBe(400);
    expect(JSON.parse(raw.body).errors[0].field).toBe('/body/title');
  });

  it('validates state, assignee, labels, due date and client ids', async () => {
    const other = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Design', key: 'DES' } });
    expect(other.status).toBe(201);
    const desStates = await statesByName(t, other.body.id);
    const post = (body: object) => api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'x', ...body } });

    const wrongTeamState = await post({ stateId: desStates.Todo!.id });
    expect(wrongTeamState.status).toBe(422);
    expect(wrongTeamState.body.errors[0]).toEqual({
      field: '/body/stateId',
      message: `Workflow state ${desStates.Todo!.id} belongs to another team; use a state of the issue's team`,
    });
    const unknownState = await post({ stateId: '0190a000-0000-7000-8000-000000000000' });
    expect(unknownState.status).toBe(404);
    expect(unknownState.body.errors[0].field).toBe('/body/stateId');

    const stranger = await post({ assigneeId: B.owner.userId });
    expect(stranger.status).toBe(404);
    expect(stranger.body.errors[0]).toEqual({ field: '/body/assigneeId', message: `User ${B.owner.userId} not found` });
    const guest = await addMember(t, A, 'gus@acme.test', 'guest', []);
    const hidden = await post({ assigneeId: guest.userId });
    expect(hidden.status).toBe(422);
    expect(hidden.body.errors[0]).toEqual({ field: '/body/assigneeId', message: `User ${guest.userId} cannot access team ENG; add them to the team first` });

    const wsLabel = await addLabel(t, A, 'Bug');
    const desLabel = await addLabel(t, A, 'Visual', { teamId: other.body.id });
    const group = await addLabel(t, A, 'Size', { isGroup: true });
    const small = await addLabel(t, A, 'Small', { parentId: group });
    const large = await addLabel(t, A, 'Large', { parentId: group });
    const badLabel = await post({ labelIds: [wsLabel, desLabel] });
    expect(badLabel.status).toBe(422);
    expect(badLabel.body.errors[0]).toEqual({ field: '/body/labelIds/1', message: 'Label "Visual" belongs to another team' });
    const unknownLabel = await post({ labelIds: ['0190a000-0000-7000-8000-000000000001'] });
    expect(unknownLabel.status).toBe(404);
    expect(unknownLabel.body.errors[0].field).toBe('/body/labelIds/0');
    expect((await post({ labelIds: [group] })).body.errors[0].message).toBe('"Size" is a label group; apply one of its labels');
    expect((await post({ labelIds: [small, large] })).body.errors[0].message).toBe(`Labels ${small} and ${large} are in the same group; choose one`);

    const badDate = await post({ dueDate: '2026-02-30' });
    expect(badDate.status).toBe(422);
    expect(badDate.body.errors[0]).toEqual({ field: '/body/dueDate', message: 'dueDate must be a valid date' });
    const sortOrder = await post({ sortOrder: 'a0' });
    expect(sortOrder.status).toBe(422);
    expect(sortOrder.body.errors[0]).toEqual({ field: '/body/sortOrder', message: 'sortOrder is not a known field' });

    const id = '0190a000-0000-7000-8000-0000000000aa';
    const ok = await post({ id, labelIds: [small, wsLabel], assigneeId: mia.userId, priority: 'urgent', estimate: 3, dueDate: '2026-12-01' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ id, labelIds: [small, wsLabel].sort(), assigneeId: mia.userId, priority: 'urgent', estimate: 3, dueDate: '2026-12-01' });
    const subs = await t.database.db.select().from(issueSubscription).where(eq(issueSubscription.issueId, id));
    expect(subs.map((s) => s.userId).sort()).toEqual([alice.userId, mia.userId].sort());
    const dup = await post({ id });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('id_taken');
  });
});

describe('identifiers', () => {
  it('are sequential per team and never reused after a delete', async () => {
    const one = await createIssue(t, alice, { teamId: 'ENG', title: 'one' });
    const two = await createIssue(t, alice, { teamId: 'ENG', title: 'two' });
    expect(two.number).toBe(one.number + 1);
    expect((await api(t.app, 'DELETE', `/api/v1/issues/${two.identifier}`, { as: alice })).status).toBe(204);
    const three = await createIssue(t, alice, { teamId: 'ENG', title: 'three' });
    expect(three.number).toBe(two.number + 1);
    expect((await api(t.app, 'GET', `/api/v1/issues/${two.identifier}`, { as: alice })).status).toBe(404);
    const [row] = await t.database.db.select().from(team).where(eq(team.id, A.teamId));
    expect(row!.issueCount).toBe(three.number);
  });

  it('numbers are allocated atomically under concurrent creates', async () => {
    const made = await Promise.all(Array.from({ length: 8 }, (_, i) => createIssue(t, alice, { teamId: 'ENG', title: `c${i}` })));
    const numbers = made.map((m) => m.number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(8);
    expect(numbers[7]! - numbers[0]!).toBe(7);
    expect(new Set(made.map((m) => m.sortOrder)).size).toBe(8);
  });
});

describe('GET /issues/:issueId', () => {
  it('401, 404 in another workspace, 400 for an over-long reference, 200 by id or identifier', async () => {
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'readable' });
    expect((await api(t.app, 'GET', `/api/v1/issues/${issue.id}`)).status).toBe(401);
    const foreign = await api(t.app, 'GET', `/api/v1/issues/${issue.id}`, { as: B.owner });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0]).toEqual({ field: '/params/issueId', message: `Issue ${issue.id} not found` });
    expect((await api(t.app, 'GET', `/api/v1/issues/${issue.identifier}`, { as: B.owner })).status).toBe(404);
    const long = await api(t.app, 'GET', `/api/v1/issues/${'x'.repeat(37)}`, { as: alice });
    expect(long.status).toBe(400);
    expect(long.body.errors[0]).toEqual({ field: '/params/issueId', message: 'issueId must be at most 36 characters (Unicode code points)' });
    const byId = await api(t.app, 'GET', `/api/v1/issues/${issue.id}`, { as: alice });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(issue);
    const byIdent = await api(t.app, 'GET', `/api/v1/issues/${issue.identifier.toLowerCase()}`, { as: alice });
    expect(byIdent.body.id).toBe(issue.id);
  });

  it('hides issues of a private team from non-members (404)', async () => {
    const priv = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Secret', key: 'SEC', isPrivate: true } });
    const issue = await createIssue(t, alice, { teamId: priv.body.id, title: 'secret' });
    expect((await api(t.app, 'GET', `/api/v1/issues/${issue.id}`, { as: mia })).status).toBe(404);
    const create = await api(t.app, 'POST', '/api/v1/issues', { as: mia, body: { teamId: 'SEC', title: 'x' } });
    expect(create.status).toBe(404);
    expect(create.body.errors[0].field).toBe('/body/teamId');
  });
});

describe('PATCH /issues/:issueId', () => {
  it('401, 404 in another workspace, 422 with exact messages', async () => {
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'patch me' });
    expect((await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { body: { title: 'y' }, headers: { origin: APP_URL } })).status).toBe(401);
    const foreign = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: B.owner, body: { title: 'y' } });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].field).toBe('/params/issueId');
    const empty = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: alice, body: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0]).toEqual({ field: '/body', message: 'body must NOT have fewer than 1 properties' });
    const rank = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: alice, body: { sortOrder: 'a0' } });
    expect(rank.status).toBe(422);
    expect(rank.body.errors[0]).toEqual({ field: '/body/sortOrder', message: 'sortOrder is not a known field' });
    const mixed = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, {
      as: alice,
      body: { labelIds: [], addedLabelIds: ['0190a000-0000-7000-8000-000000000002'] },
    });
    expect(mixed.status).toBe(422);
    expect(mixed.body.errors[0]).toEqual({ field: '/body/labelIds', message: 'Send either labelIds or addedLabelIds/removedLabelIds, not both' });
  });

  it('writes one history row with actor, from and to; subscribes the new assignee; emits an update', async () => {
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'history' });
    t.clock.advance(1000);
    const res = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, {
      as: alice,
      body: { title: 'history, renamed', priority: 'high', assigneeId: mia.userId, dueDate: '2027-01-15' },
    });
    expect(res.status).toBe(200);
    expect(res.body.updatedAt).not.toBe(issue.updatedAt);
    const history = await historyOf(t, issue.id);
    expect(history.map((h) => h.kind)).toEqual(['created', 'updated']);
    expect(history[1]!.actorId).toBe(alice.userId);
    expect(history[1]!.changes).toEqual({
      title: { from: 'history', to: 'history, renamed' },
      priority: { from: 'none', to: 'high' },
      assigneeId: { from: null, to: mia.userId },
      dueDate: { from: null, to: '2027-01-15' },
    });
    const subs = await t.database.db.select().from(issueSubscription).where(eq(issueSubscription.issueId, issue.id));
    expect(subs.map((s) => s.userId).sort()).toEqual([alice.userId, mia.userId].sort());
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.entityId, issue.id)).orderBy(syncOperation.version, syncOperation.seq);
    expect(ops.map((o) => o.action)).toEqual(['insert', 'update']);
    expect((ops[1]!.data as { title: string }).title).toBe('history, renamed');
    // The same values again change nothing: no history, no op.
    const again = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: alice, body: { title: 'history, renamed', priority: 'high' } });
    expect(again.status).toBe(200);
    expect(again.body.updatedAt).toBe(res.body.updatedAt);
    expect((await historyOf(t, issue.id)).length).toBe(2);
  });

  it('edits labels by replacement and by added/removed ids', async () => {
    const l1 = await addLabel(t, A, 'L1');
    const l2 = await addLabel(t, A, 'L2', { teamId: A.teamId });
    const l3 = await addLabel(t, A, 'L3');
    const issue = await createIssue(t, alice, { teamId: 'ENG', title: 'labels', labelIds: [l1] });
    const added = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: alice, body: { addedLabelIds: [l2, l3], removedLabelIds: [l1] } });
    expect(added.body.labelIds).toEqual([l2, l3].sort());
    const replaced = await api(t.app, 'PATCH', `/api/v1/issues/${issue.id}`, { as: alice, body: { labelIds: [l1] } });
    expect(replaced.body.labelIds).toEqual([l1]);
    const history = await historyOf(t, issue.id);
    expect(history[2]!.changes).toEqual({ labelIds: { from: [l2, l3].sort(), to: [l1] } });
  });
});
