import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, member, syncOperation, teamMember } from '@exponential/db';
import { newId } from '../src/lib/ids.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let mem: SignedIn;
let guest: SignedIn;
let outsider: SignedIn;
let wsId: string;
let engId: string;

async function addMember(user: SignedIn, role: 'admin' | 'member' | 'guest') {
  await t.database.db.insert(member).values({ id: newId(), workspaceId: wsId, userId: user.userId, role });
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'owner@example.com');
  const ws = await createWorkspace(t, owner, 'Acme', 'ENG');
  wsId = ws.workspace.id;
  engId = ws.team.id;
  mem = await signIn(t, 'member@example.com');
  guest = await signIn(t, 'guest@example.com');
  outsider = await signIn(t, 'outsider@example.com');
  await createWorkspace(t, outsider, 'Other', 'OTH');
  await addMember(mem, 'member');
  await addMember(guest, 'guest');
});
afterAll(async () => t?.close());

const asMem = () => ({ cookie: mem.cookie, workspace: wsId });

describe('teams', () => {
  it('401 without credentials', async () => {
    expect((await api(t.app, 'POST', '/api/v1/teams', { body: { name: 'X' } })).status).toBe(401);
  });

  it('only owners and admins create teams (403 with a clear message)', async () => {
    const res = await api(t.app, 'POST', '/api/v1/teams', { as: asMem(), body: { name: 'Mobile' } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only workspace owners and admins can create teams');
  });

  it('creates a team with a derived key and refuses a taken key (409)', async () => {
    const res = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Mobile apps' } });
    expect(res.status).toBe(201);
    expect(res.body.key).toBe('MOB');
    const dup = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Other', key: 'MOB' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'team_key_taken', errors: [{ field: '/body/key' }] });
  });

  it('validates the key format (422 naming the field)', async () => {
    const res = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Bad', key: 'eng-1' } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('/body/key');
  });

  it('hides a team of another workspace (404) and writes nothing', async () => {
    const before = await t.database.db.select().from(syncOperation).where(eq(syncOperation.workspaceId, wsId));
    const res = await api(t.app, 'PATCH', `/api/v1/teams/${engId}`, { as: outsider, body: { name: 'Hijacked' } });
    expect(res.status).toBe(404);
    const after = await t.database.db.select().from(syncOperation).where(eq(syncOperation.workspaceId, wsId));
    expect(after.length).toBe(before.length);
    expect((await api(t.app, 'GET', `/api/v1/teams/${engId}`, { as: owner })).body.name).toBe('Engineering');
  });

  it('hides private teams from members outside them and from guests', async () => {
    const priv = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Secret', key: 'SEC', isPrivate: true } });
    expect(priv.status).toBe(201);
    expect((await api(t.app, 'GET', '/api/v1/teams/SEC', { as: asMem() })).status).toBe(404);
    const list = await api(t.app, 'GET', '/api/v1/teams', { as: asMem() });
    expect(list.body.data.map((x: { key: string }) => x.key)).not.toContain('SEC');
    const g = await api(t.app, 'GET', '/api/v1/teams', { as: { cookie: guest.cookie, workspace: wsId } });
    expect(g.body.data).toEqual([]);
    await t.database.db.insert(teamMember).values({ teamId: priv.body.id, userId: mem.userId, workspaceId: wsId });
    expect((await api(t.app, 'GET', '/api/v1/teams/SEC', { as: asMem() })).status).toBe(200);
  });

  it('renames a key: identifiers follow the team', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Ops', key: 'OPS' } });
    const res = await api(t.app, 'PATCH', `/api/v1/teams/${team.body.id}`, { as: owner, body: { key: 'INFRA' } });
    expect(res.status).toBe(200);
    expect(res.body.key).toBe('INFRA');
  });

  it('keeps old identifiers working after a key change, and keeps the old key reserved', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Renamed', key: 'OLD' } });
    const created = await api(t.app, 'POST', '/api/v1/issues', { as: owner, body: { teamId: team.body.id, title: 'Keeps its way' } });
    expect(created.body.identifier).toBe('OLD-1');
    expect((await api(t.app, 'PATCH', `/api/v1/teams/${team.body.id}`, { as: owner, body: { key: 'NEW' } })).status).toBe(200);
    const viaOld = await api(t.app, 'GET', '/api/v1/issues/OLD-1', { as: owner });
    expect(viaOld.status).toBe(200);
    expect(viaOld.body.identifier).toBe('NEW-1');
    expect((await api(t.app, 'GET', '/api/v1/teams/OLD', { as: owner })).body.key).toBe('NEW');
    const clash = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Squatter', key: 'OLD' } });
    expect(clash.status).toBe(409);
    expect((await api(t.app, 'PATCH', `/api/v1/teams/${team.body.id}`, { as: owner, body: { key: 'OLD' } })).status).toBe(200);
    expect((await api(t.app, 'GET', '/api/v1/issues/NEW-1', { as: owner })).body.identifier).toBe('OLD-1');
  });

  it('adds triage state when triage is turned on', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Support', key: 'SUP' } });
    await api(t.app, 'PATCH', `/api/v1/teams/${team.body.id}`, { as: owner, body: { triageEnabled: true } });
    const states = await api(t.app, 'GET', '/api/v1/teams/SUP/states', { as: owner });
    expect(states.body.data[0]).toMatchObject({ name: 'Triage', category: 'triage', isDefault: true });
  });
});

describe('workflow states', () => {
  it('creates, renames, reorders and deletes states with the rules', async () => {
    const created = await api(t.app, 'POST', '/api/v1/teams/ENG/states', { as: owner, body: { name: 'QA', category: 'started', color: '#123456' } });
    expect(created.status).toBe(201);
    expect(created.body.isDefault).toBe(false);
    const dupName = await api(t.app, 'POST', '/api/v1/teams/ENG/states', { as: owner, body: { name: 'qa', category: 'started' } });
    expect(dupName.status).toBe(409);
    expect((await api(t.app, 'POST', '/api/v1/teams/ENG/states', { as: asMem(), body: { name: 'Y', category: 'started' } })).status).toBe(403);

    const states = (await api(t.app, 'GET', '/api/v1/teams/ENG/states', { as: owner })).body.data as Array<{ id: string; name: string; category: string; isDefault: boolean }>;
    // QA sits among the started states, before Done.
    const names = states.map((s) => s.name);
    expect(names.indexOf('QA')).toBeGreaterThan(names.indexOf('In Review'));
    expect(names.indexOf('QA')).toBeLessThan(names.indexOf('Done'));

    const backlog = states.find((s) => s.name === 'Backlog')!;
    const del = await api(t.app, 'DELETE', `/api/v1/states/${backlog.id}`, { as: owner });
    expect(del.status).toBe(400);
    expect(del.body.code).toBe('last_state_in_category');
    const done = states.find((s) => s.name === 'Done')!;
    expect((await api(t.app, 'DELETE', `/api/v1/states/${done.id}`, { as: owner })).body.code).toBe('last_state_in_category');
    const inProgress = states.find((s) => s.name === 'In Progress')!;
    const delDefault = await api(t.app, 'DELETE', `/api/v1/states/${inProgress.id}`, { as: owner });
    expect(delDefault.status).toBe(400);
    expect(delDefault.body.code).toBe('state_is_default');

    // A state in use needs a replacement; its issues move there.
    const qa = created.body.id as string;
    const issueId = newId();
    await t.database.db.insert(issue).values({ id: issueId, workspaceId: wsId, teamId: engId, number: 9999, title: 'In QA', stateId: qa, sortOrder: 'a0' });
    const noRepl = await api(t.app, 'DELETE', `/api/v1/states/${qa}`, { as: owner });
    expect(noRepl.status).toBe(422);
    expect(noRepl.body).toMatchObject({ code: 'replacement_required', errors: [{ field: '/query/replacementId' }] });
    const ok = await api(t.app, 'DELETE', `/api/v1/states/${qa}?replacementId=${inProgress.id}`, { as: owner });
    expect(ok.status).toBe(204);
    const [moved] = await t.database.db.select().from(issue).where(eq(issue.id, issueId));
    expect(moved!.stateId).toBe(inProgress.id);

    const ids = (await api(t.app, 'GET', '/api/v1/teams/ENG/states', { as: owner })).body.data.map((s: { id: string }) => s.id).reverse();
    const reordered = await api(t.app, 'POST', '/api/v1/teams/ENG/states/reorder', { as: owner, body: { stateIds: ids } });
    expect(reordered.status).toBe(200);
    expect(reordered.body.data.map((s: { id: string }) => s.id)).toEqual(ids);
    const partial = await api(t.app, 'POST', '/api/v1/teams/ENG/states/reorder', { as: owner, body: { stateIds: ids.slice(1) } });
    expect(partial.status).toBe(422);
  });

  it('making a state the default clears the previous default of its category', async () => {
    const states = (await api(t.app, 'GET', '/api/v1/teams/ENG/states', { as: owner })).body.data as Array<{ id: string; name: string; isDefault: boolean; category: string }>;
    const review = states.find((s) => s.name === 'In Review')!;
    expect((await api(t.app, 'PATCH', `/api/v1/states/${review.id}`, { as: owner, body: { isDefault: true } })).status).toBe(200);
    const after = (await api(t.app, 'GET', '/api/v1/teams/ENG/states', { as: owner })).body.data as typeof states;
    expect(after.filter((s) => s.category === 'started' && s.isDefault).map((s) => s.name)).toEqual(['In Review']);
  });

  it('refuses a state id of another workspace (404)', async () => {
    const other = (await api(t.app, 'GET', '/api/v1/teams/OTH/states', { as: outsider })).body.data[0];
    const res = await api(t.app, 'PATCH', `/api/v1/states/${other.id}`, { as: owner, body: { name: 'Mine now' } });
    expect(res.status).toBe(404);
    const rows = await t.database.db.select().from(teamMember).where(and(eq(teamMember.userId, owner.userId)));
    expect(rows.length).toBeGreaterThan(0);
  });
});
