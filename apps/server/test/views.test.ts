import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { member } from '@exponential/db';
import { newId } from '../src/lib/ids.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let mem: SignedIn;
let outsider: SignedIn;
let wsId: string;
const filter = { and: [{ field: 'priority', op: 'isAnyOf', value: ['urgent', 'high'] }, { field: 'assignee', op: 'is', value: 'me' }] };

beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'v-owner@example.com');
  wsId = (await createWorkspace(t, owner, 'Views', 'VEW')).workspace.id;
  mem = await signIn(t, 'v-member@example.com');
  await t.database.db.insert(member).values({ id: newId(), workspaceId: wsId, userId: mem.userId, role: 'member' });
  outsider = await signIn(t, 'v-out@example.com');
  await createWorkspace(t, outsider, 'Else', 'ELS');
});
afterAll(async () => t?.close());
const asMem = () => ({ cookie: mem.cookie, workspace: wsId });

describe('saved views', () => {
  it('401 without credentials', async () => {
    expect((await api(t.app, 'GET', '/api/v1/views')).status).toBe(401);
  });

  it('keeps personal views private to their owner', async () => {
    const created = await api(t.app, 'POST', '/api/v1/views', { as: owner, body: { name: 'My urgent', filter } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ isPersonal: true, canEdit: true, filter, display: { layout: 'list', groupBy: 'state' } });
    expect((await api(t.app, 'GET', '/api/v1/views', { as: asMem() })).body.data).toEqual([]);
    expect((await api(t.app, 'GET', `/api/v1/views/${created.body.id}`, { as: asMem() })).status).toBe(404);
    expect((await api(t.app, 'PATCH', `/api/v1/views/${created.body.id}`, { as: asMem(), body: { name: 'Mine' } })).status).toBe(404);
    expect((await api(t.app, 'GET', `/api/v1/views/${created.body.id}`, { as: outsider })).status).toBe(404);
  });

  it('shares team views with members; only the owner or admins change them', async () => {
    const shared = await api(t.app, 'POST', '/api/v1/views', { as: asMem(), body: { name: 'Board', teamId: 'VEW', isPersonal: false, display: { layout: 'board' } } });
    expect(shared.status).toBe(201);
    const seen = await api(t.app, 'GET', '/api/v1/views?teamId=VEW', { as: owner });
    expect(seen.body.data.map((v: { name: string }) => v.name)).toEqual(['Board']);
    expect(seen.body.data[0].canEdit).toBe(true);
    const byAdmin = await api(t.app, 'PATCH', `/api/v1/views/${shared.body.id}`, { as: owner, body: { display: { groupBy: 'assignee' } } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.display).toMatchObject({ layout: 'board', groupBy: 'assignee' });
    const ownerView = await api(t.app, 'POST', '/api/v1/views', { as: owner, body: { name: 'Everyone', isPersonal: false } });
    const denied = await api(t.app, 'DELETE', `/api/v1/views/${ownerView.body.id}`, { as: asMem() });
    expect(denied.status).toBe(403);
    expect((await api(t.app, 'DELETE', `/api/v1/views/${shared.body.id}`, { as: owner })).status).toBe(204);
  });

  it('validates filters and display options, naming the field', async () => {
    const bad = await api(t.app, 'POST', '/api/v1/views', { as: owner, body: { name: 'Bad', filter: { and: [{ field: 'label', op: 'isAnyOf', value: 'bug' }] } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toEqual({ field: '/body/filter/and/0/value', message: 'must be a list of 1 to 100 texts' });
    const layout = await api(t.app, 'POST', '/api/v1/views', { as: owner, body: { name: 'Bad', display: { layout: 'timeline' } } });
    expect(layout.status).toBe(422);
    expect(layout.body.errors[0].field).toBe('/body/display/layout');
    const team = await api(t.app, 'POST', '/api/v1/views', { as: owner, body: { name: 'X', teamId: 'ELS' } });
    expect(team.status).toBe(404);
  });
});
