import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, issueLabel, syncOperation, workflowState } from '@exponential/db';
import { newId } from '../src/lib/ids.ts';
import { joinAs } from './access-fixtures.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let admin: SignedIn;
let member: SignedIn;
let guest: SignedIn;
let acme: Awaited<ReturnType<typeof createWorkspace>>;
let other: Awaited<ReturnType<typeof createWorkspace>>;
let outsider: SignedIn;
let privateTeamId: string;
let opsTeamId: string;

const create = (as: SignedIn, body: Record<string, unknown>) => api(t.app, 'POST', '/api/v1/labels', { as, body });

beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'owner@example.com');
  acme = await createWorkspace(t, owner, 'Acme', 'ENG');
  admin = await joinAs(t, owner, 'admin@example.com', 'admin');
  member = await joinAs(t, owner, 'member@example.com', 'member');
  guest = await joinAs(t, owner, 'guest@example.com', 'guest');
  const priv = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Secret', key: 'SEC', isPrivate: true } });
  privateTeamId = priv.body.id;
  const ops = await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Operations', key: 'OPS' } });
  opsTeamId = ops.body.id;
  outsider = await signIn(t, 'outsider@example.com');
  other = await createWorkspace(t, outsider, 'Other', 'OTH');
});
afterAll(async () => t?.close());

describe('POST /api/v1/labels', () => {
  it('401 without credentials', async () => {
    const res = await api(t.app, 'POST', '/api/v1/labels', { body: { name: 'Bug', color: '#ff0000' } });
    expect(res.status).toBe(401);
  });

  it('403 for guests', async () => {
    const res = await create(guest, { name: 'Bug', color: '#ff0000', teamId: 'ENG' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Guests cannot create or change labels');
  });

  it('members create workspace and team labels; the team may be given by key', async () => {
    const ws = await create(member, { name: ' Bug ', color: '#FF0000', description: 'Something is broken' });
    expect(ws.status).toBe(201);
    expect(ws.body).toMatchObject({ name: 'Bug', color: '#ff0000', description: 'Something is broken', teamId: null, parentId: null, isGroup: false });
    const team = await create(member, { name: 'Bug', color: '#00ff00', teamId: 'eng' });
    expect(team.status).toBe(201);
    expect(team.body.teamId).toBe(acme.team.id);
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.entityId, team.body.id));
    expect(ops).toMatchObject([{ entity: 'label', action: 'insert', teamId: acme.team.id, data: team.body }]);
  });

  it('409 label_name_taken for the same name in the same scope, in any case', async () => {
    await create(member, { name: 'Feature', color: '#0000ff' });
    const res = await create(admin, { name: 'FEATURE', color: '#0000ff' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('label_name_taken');
    expect(res.body.errors).toEqual([{ field: '/body/name', message: 'A label named "FEATURE" already exists here' }]);
    expect((await create(admin, { name: 'FEATURE', color: '#0000ff', teamId: opsTeamId })).status).toBe(201);
  });

  it('422 with the field at fault', async () => {
    const long = await create(member, { name: 'x'.repeat(81), color: '#000000' });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toEqual({ field: '/body/name', message: 'name must be at most 80 characters (Unicode code points)' });
    const color = await create(member, { name: 'Red', color: 'red' });
    expect(color.status).toBe(422);
    expect(color.body.errors[0]).toEqual({ field: '/body/color', message: 'color has an invalid format' });
    const noColor = await create(member, { name: 'Red' });
    expect(noColor.body.errors[0]).toEqual({ field: '/body/color', message: 'color is required' });
    const extra = await create(member, { name: 'Red', color: '#000000', workspaceId: other.workspace.id });
    expect(extra.status).toBe(422);
    expect(extra.body.errors[0].field).toBe('/body/workspaceId');
  });

  it("404 for a team of another workspace or a private team the member cannot read, writing nothing", async () => {
    for (const teamId of [other.team.id, 'OTH', privateTeamId]) {
      const res = await create(member, { name: 'Nope', color: '#000000', teamId });
      expect(res.status, teamId).toBe(404);
      expect(res.body.errors[0].field).toBe('/body/teamId');
    }
    const list = await api(t.app, 'GET', '/api/v1/labels?limit=100', { as: owner });
    expect(list.body.data.map((l: { name: string }) => l.name)).not.toContain('Nope');
  });

  it('groups: one level, same scope, parent must be a group', async () => {
    const group = await create(member, { name: 'Area', color: '#123456', isGroup: true, teamId: 'ENG' });
    expect(group.status).toBe(201);
    expect(group.body.isGroup).toBe(true);
    const child = await create(member, { name: 'Frontend', color: '#123456', teamId: 'ENG', parentId: group.body.id });
    expect(child.status).toBe(201);
    expect(child.body.parentId).toBe(group.body.id);
    // Same name under another group or at the top level is another scope (index label_scope_name_uq).
    expect((await create(member, { name: 'Frontend', color: '#123456', teamId: 'ENG' })).status).toBe(201);

    const nested = await create(member, { name: 'Sub', color: '#123456', teamId: 'ENG', isGroup: true, parentId: group.body.id });
    expect(nested.status).toBe(422);
    expect(nested.body.code).toBe('label_group_nesting');
    expect(nested.body.detail).toBe('Label groups cannot be nested');
    const notGroup = await create(member, { name: 'Sub', color: '#123456', teamId: 'ENG', parentId: child.body.id });
    expect(notGroup.status).toBe(422);
    expect(notGroup.body.code).toBe('label_parent_not_group');
    const mismatch = await create(member, { name: 'Sub', color: '#123456', parentId: group.body.id });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('label_scope_mismatch');
    expect(mismatch.body.errors[0].field).toBe('/body/parentId');
    const theirs = await create(outsider, { name: 'G', color: '#123456', isGroup: true });
    const foreign = await create(member, { name: 'Sub', color: '#123456', parentId: theirs.body.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].field).toBe('/body/parentId');
  });

  it('uses a client-supplied id, and 409 id_taken when it exists', async () => {
    const id = newId();
    const first = await create(member, { id, name: 'Client id', color: '#abcdef' });
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id);
    const again = await create(outsider, { id, name: 'Client id 2', color: '#abcdef' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('id_taken');
  });
});

describe('GET /api/v1/labels', () => {
  it('401 without credentials', async () => {
    expect((await api(t.app, 'GET', '/api/v1/labels')).status).toBe(401);
  });

  it('workspace labels plus the labels of readable teams, by name, page by page', async () => {
    const secret = await create(owner, { name: 'Secret label', color: '#000000', teamId: privateTeamId });
    expect(secret.status).toBe(201);
    const opsLabel = await create(owner, { name: 'Ops label', color: '#000000', teamId: 'OPS' });
    const all: Array<{ id: string; name: string; teamId: string | null }> = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: typeof all; nextCursor: string | null } } = await api(
        t.app, 'GET', `/api/v1/labels?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: member },
      );
      expect(res.status).toBe(200);
      all.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    const ids = all.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(secret.body.id);
    expect(ids).toContain(opsLabel.body.id);
    const full = await api(t.app, 'GET', '/api/v1/labels?limit=100', { as: member });
    expect(full.body.data.map((l: { id: string }) => l.id)).toEqual(ids);
    expect(full.body.nextCursor).toBeNull();
    const mine = await api(t.app, 'GET', '/api/v1/labels?limit=100', { as: owner });
    expect(mine.body.data.map((l: { id: string }) => l.id)).toContain(secret.body.id);
    expect(mine.body.data.every((l: { teamId: string | null }) => l.teamId !== other.team.id)).toBe(true);
  });

  it('?teamId= narrows to workspace labels and that team’s; 404 for an unreadable team', async () => {
    const res = await api(t.app, 'GET', '/api/v1/labels?teamId=OPS&limit=100', { as: member });
    expect(res.status).toBe(200);
    expect(res.body.data.every((l: { teamId: string | null }) => l.teamId === null || l.teamId === opsTeamId)).toBe(true);
    expect(res.body.data.some((l: { teamId: string | null }) => l.teamId === opsTeamId)).toBe(true);
    const hidden = await api(t.app, 'GET', `/api/v1/labels?teamId=${privateTeamId}`, { as: member });
    expect(hidden.status).toBe(404);
    expect(hidden.body.errors[0].field).toBe('/query/teamId');
  });

  it('guests see workspace labels and their own teams’ labels only', async () => {
    const res = await api(t.app, 'GET', '/api/v1/labels?limit=100', { as: guest });
    expect(res.status).toBe(200);
    const teams = new Set(res.body.data.map((l: { teamId: string | null }) => l.teamId));
    expect([...teams].sort()).toEqual([acme.team.id, null].sort());
  });

  it('400 on a forged cursor or an out-of-range limit', async () => {
    const bad = await api(t.app, 'GET', '/api/v1/labels?cursor=abc.def', { as: member });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
    const limit = await api(t.app, 'GET', '/api/v1/labels?limit=101', { as: member });
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0].field).toBe('/query/limit');
  });
});

describe('PATCH /api/v1/labels/:labelId', () => {
  it('401, 403 for guests, 404 across workspaces', async () => {
    const l = await create(member, { name: 'Patchable', color: '#111111', teamId: 'ENG' });
    expect((await api(t.app, 'PATCH', `/api/v1/labels/${l.body.id}`, { body: { name: 'x' } })).status).toBe(401);
    const g = await api(t.app, 'PATCH', `/api/v1/labels/${l.body.id}`, { as: guest, body: { name: 'x' } });
    expect(g.status).toBe(403);
    const foreign = await api(t.app, 'PATCH', `/api/v1/labels/${l.body.id}`, { as: outsider, body: { name: 'x' } });
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toBe(`Label ${l.body.id} not found`);
  });

  it('members change team labels; only owners and admins change workspace labels', async () => {
    const team = await create(member, { name: 'Team one', color: '#111111', teamId: 'ENG' });
    const ok = await api(t.app, 'PATCH', `/api/v1/labels/${team.body.id}`, { as: member, body: { name: 'Team uno', color: '#ABCDEF', description: null } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Team uno', color: '#abcdef', description: null });
    const ws = await create(member, { name: 'Workspace one', color: '#111111' });
    const denied = await api(t.app, 'PATCH', `/api/v1/labels/${ws.body.id}`, { as: member, body: { name: 'Changed' } });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe('Only workspace owners and admins can change workspace labels');
    const byAdmin = await api(t.app, 'PATCH', `/api/v1/labels/${ws.body.id}`, { as: admin, body: { name: 'Changed' } });
    expect(byAdmin.status).toBe(200);
    const ops = await t.database.db.select().from(syncOperation).where(and(eq(syncOperation.entityId, ws.body.id), eq(syncOperation.action, 'update')));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.teamId).toBeNull();
  });

  it('409 on a name taken in the scope; renaming to its own name in another case is fine', async () => {
    await create(member, { name: 'Alpha', color: '#111111', teamId: 'ENG' });
    const beta = await create(member, { name: 'Beta', color: '#111111', teamId: 'ENG' });
    const clash = await api(t.app, 'PATCH', `/api/v1/labels/${beta.body.id}`, { as: member, body: { name: 'alpha' } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('label_name_taken');
    const self = await api(t.app, 'PATCH', `/api/v1/labels/${beta.body.id}`, { as: member, body: { name: 'BETA' } });
    expect(self.status).toBe(200);
  });

  it('moves a label into and out of a group; a group cannot join one', async () => {
    const group = await create(member, { name: 'Kind', color: '#111111', teamId: 'ENG', isGroup: true });
    const l = await create(member, { name: 'Chore', color: '#111111', teamId: 'ENG' });
    const into = await api(t.app, 'PATCH', `/api/v1/labels/${l.body.id}`, { as: member, body: { parentId: group.body.id } });
    expect(into.status).toBe(200);
    expect(into.body.parentId).toBe(group.body.id);
    const out = await api(t.app, 'PATCH', `/api/v1/labels/${l.body.id}`, { as: member, body: { parentId: null } });
    expect(out.body.parentId).toBeNull();
    const other = await create(member, { name: 'Kind 2', color: '#111111', teamId: 'ENG', isGroup: true });
    const nest = await api(t.app, 'PATCH', `/api/v1/labels/${other.body.id}`, { as: member, body: { parentId: group.body.id } });
    expect(nest.status).toBe(422);
    expect(nest.body.code).toBe('label_group_nesting');
  });

  it('422 on an empty body', async () => {
    const l = await create(member, { name: 'Empty patch', color: '#111111' });
    const res = await api(t.app, 'PATCH', `/api/v1/labels/${l.body.id}`, { as: admin, body: {} });
    expect(res.status).toBe(422);
  });
});

describe('DELETE /api/v1/labels/:labelId', () => {
  async function issueWith(labelIds: string[], number: number) {
    const [state] = await t.database.db.select().from(workflowState).where(eq(workflowState.teamId, acme.team.id)).limit(1);
    const id = newId();
    await t.database.db.insert(issue).values({
      id, workspaceId: acme.workspace.id, teamId: acme.team.id, number: 1000 + number, title: `Issue ${number}`, stateId: state!.id, sortOrder: `a${number}`,
    });
    if (labelIds.length) await t.database.db.insert(issueLabel).values(labelIds.map((labelId) => ({ issueId: id, labelId, workspaceId: acme.workspace.id })));
    return id;
  }

  it('401, 403 for guests and for members on workspace labels, 404 across workspaces', async () => {
    const ws = await create(member, { name: 'Undeletable', color: '#222222' });
    expect((await api(t.app, 'DELETE', `/api/v1/labels/${ws.body.id}`)).status).toBe(401);
    expect((await api(t.app, 'DELETE', `/api/v1/labels/${ws.body.id}`, { as: guest })).status).toBe(403);
    const m = await api(t.app, 'DELETE', `/api/v1/labels/${ws.body.id}`, { as: member });
    expect(m.status).toBe(403);
    expect(m.body.detail).toBe('Only workspace owners and admins can delete workspace labels');
    expect((await api(t.app, 'DELETE', `/api/v1/labels/${ws.body.id}`, { as: outsider })).status).toBe(404);
    expect((await api(t.app, 'GET', `/api/v1/labels/${ws.body.id}`, { as: member })).status).toBe(200);
  });

  it('takes the label off its issues and emits their post-images', async () => {
    const doomed = await create(member, { name: 'Doomed', color: '#222222' });
    const kept = await create(member, { name: 'Kept', color: '#222222' });
    const a = await issueWith([doomed.body.id, kept.body.id], 1);
    const b = await issueWith([doomed.body.id], 2);
    const c = await issueWith([kept.body.id], 3);
    t.clock.advance(1000);
    expect((await api(t.app, 'DELETE', `/api/v1/labels/${doomed.body.id}`, { as: admin })).status).toBe(204);
    expect((await api(t.app, 'GET', `/api/v1/labels/${doomed.body.id}`, { as: admin })).status).toBe(404);
    const left = await t.database.db.select().from(issueLabel).where(inArray(issueLabel.issueId, [a, b, c]));
    expect(left.map((r) => r.labelId)).toEqual([kept.body.id, kept.body.id]);
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.workspaceId, acme.workspace.id));
    const last = Math.max(...ops.map((o) => o.version));
    const batch = ops.filter((o) => o.version === last);
    expect(batch.map((o) => [o.entity, o.entityId, o.action]).sort()).toEqual(
      [['issue', a, 'update'], ['issue', b, 'update'], ['label', doomed.body.id, 'delete']].sort(),
    );
    const postA = batch.find((o) => o.entityId === a)!.data as { labelIds: string[]; updatedAt: string };
    expect(postA.labelIds).toEqual([kept.body.id]);
    expect(postA.updatedAt).toBe(t.clock.now().toISOString());
  });

  it('members delete team labels; deleting a group deletes its labels', async () => {
    const group = await create(member, { name: 'Doomed group', color: '#333333', teamId: 'ENG', isGroup: true });
    const child = await create(member, { name: 'Doomed child', color: '#333333', teamId: 'ENG', parentId: group.body.id });
    const i = await issueWith([child.body.id], 4);
    expect((await api(t.app, 'DELETE', `/api/v1/labels/${group.body.id}`, { as: member })).status).toBe(204);
    expect((await api(t.app, 'GET', `/api/v1/labels/${child.body.id}`, { as: member })).status).toBe(404);
    expect(await t.database.db.select().from(issueLabel).where(eq(issueLabel.issueId, i))).toEqual([]);
    const deletes = await t.database.db.select().from(syncOperation).where(and(eq(syncOperation.entity, 'label'), eq(syncOperation.action, 'delete'), inArray(syncOperation.entityId, [group.body.id, child.body.id])));
    expect(deletes).toHaveLength(2);
    expect(deletes.every((d) => d.teamId === acme.team.id)).toBe(true);
  });
});
