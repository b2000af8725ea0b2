import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, member as memberTable, personalAccessToken, syncOperation } from '@exponential/db';
import { createToken, joinAs } from './access-fixtures.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let admin: SignedIn;
let member: SignedIn;
let guest: SignedIn;
let outsider: SignedIn;
let acme: Awaited<ReturnType<typeof createWorkspace>>;

const patch = (as: SignedIn | null, userId: string, role: unknown) =>
  api(t.app, 'PATCH', `/api/v1/members/${userId}`, { as, body: { role } });
const remove = (as: SignedIn | null, userId: string) => api(t.app, 'DELETE', `/api/v1/members/${userId}`, { as });
const roleOf = async (userId: string) =>
  (await t.database.db.select({ role: memberTable.role }).from(memberTable).where(and(eq(memberTable.workspaceId, acme.workspace.id), eq(memberTable.userId, userId))))[0]?.role;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'owner@example.com');
  acme = await createWorkspace(t, owner, 'Acme', 'ENG');
  admin = await joinAs(t, owner, 'admin@example.com', 'admin');
  member = await joinAs(t, owner, 'member@example.com', 'member');
  guest = await joinAs(t, owner, 'guest@example.com', 'guest');
  outsider = await signIn(t, 'outsider@example.com');
  await createWorkspace(t, outsider, 'Other', 'OTH');
});
afterAll(async () => t?.close());

describe('GET /api/v1/members', () => {
  it('401 without credentials', async () => {
    expect((await api(t.app, 'GET', '/api/v1/members')).status).toBe(401);
  });

  it('lists every member with profile and role, oldest first, page by page; guests may read it', async () => {
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: typeof seen; nextCursor: string | null } } = await api(
        t.app, 'GET', `/api/v1/members?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: guest },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.map((m) => [m.email, m.role])).toEqual([
      ['owner@example.com', 'owner'],
      ['admin@example.com', 'admin'],
      ['member@example.com', 'member'],
      ['guest@example.com', 'guest'],
    ]);
    expect(Object.keys(seen[0]!).sort()).toEqual(['avatarUrl', 'createdAt', 'email', 'id', 'name', 'role', 'userId']);
    expect(seen[0]!.userId).toBe(owner.userId);
  });

  it('400 invalid_cursor on a forged cursor', async () => {
    const res = await api(t.app, 'GET', '/api/v1/members?cursor=eyJ4IjoxfQ.abc', { as: member });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_cursor');
  });
});

describe('PATCH /api/v1/members/:userId', () => {
  it('401 without credentials; 400 on a malformed id; 422 on an unknown role', async () => {
    expect((await patch(null, member.userId, 'guest')).status).toBe(401);
    const bad = await api(t.app, 'PATCH', '/api/v1/members/nope', { as: owner, body: { role: 'guest' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/params/userId');
    const role = await patch(owner, member.userId, 'superuser');
    expect(role.status).toBe(422);
    expect(role.body.errors[0].field).toBe('/body/role');
  });

  it('403 for members and guests', async () => {
    for (const who of [member, guest]) {
      const res = await patch(who, admin.userId, 'member');
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('Only workspace owners and admins can change member roles');
    }
    expect(await roleOf(admin.userId)).toBe('admin');
  });

  it('400 when changing your own role', async () => {
    for (const who of [owner, admin]) {
      const res = await patch(who, who.userId, 'member');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('own_role');
      expect(res.body.detail).toBe('Use your account settings to change your own access');
    }
  });

  it('403 when a non-owner touches an owner, as current or as target role', async () => {
    const demote = await patch(admin, owner.userId, 'member');
    expect(demote.status).toBe(403);
    expect(demote.body.detail).toBe('Only owners can manage owner roles');
    const promote = await patch(admin, member.userId, 'owner');
    expect(promote.status).toBe(403);
    expect(promote.body.detail).toBe('Only owners can manage owner roles');
    expect(await roleOf(owner.userId)).toBe('owner');
    expect(await roleOf(member.userId)).toBe('member');
  });

  it('404 for a user who is not a member of this workspace', async () => {
    const res = await patch(owner, outsider.userId, 'member');
    expect(res.status).toBe(404);
    expect(res.body.errors[0].field).toBe('/params/userId');
  });

  it('admins change non-owner roles; the change applies on the next request, with an audit event and an op', async () => {
    const temp = await joinAs(t, owner, 'temp@example.com', 'member');
    const res = await patch(admin, temp.userId, 'admin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: temp.userId, email: 'temp@example.com', role: 'admin' });
    expect((await api(t.app, 'GET', '/api/v1/invitations', { as: temp })).status).toBe(200);
    expect((await patch(owner, temp.userId, 'guest')).status).toBe(200);
    expect((await api(t.app, 'GET', '/api/v1/invitations', { as: temp })).status).toBe(403);
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.targetId, temp.userId), eq(auditEvent.action, 'member.role_changed')));
    expect(events.map((e) => [e.actorId, e.metadata])).toEqual([
      [admin.userId, { from: 'member', to: 'admin' }],
      [owner.userId, { from: 'admin', to: 'guest' }],
    ]);
    const ops = await t.database.db.select().from(syncOperation).where(and(eq(syncOperation.entity, 'member'), eq(syncOperation.entityId, res.body.id)));
    expect(ops.map((o) => o.action)).toEqual(['insert', 'update', 'update']);
    expect(ops[2]!.data).toMatchObject({ userId: temp.userId, role: 'guest' });
    expect(JSON.stringify(ops.map((o) => o.data))).not.toContain('temp@example.com');
  });

  it('owners give and take the owner role', async () => {
    const second = await joinAs(t, owner, 'second-owner@example.com', 'member');
    expect((await patch(owner, second.userId, 'owner')).body.role).toBe('owner');
    expect((await patch(second, owner.userId, 'admin')).body.role).toBe('admin');
    expect((await patch(second, owner.userId, 'owner')).body.role).toBe('owner');
    expect((await patch(owner, second.userId, 'member')).body.role).toBe('member');
  });

  it('two owners demoting each other at once never leave the workspace without an owner', async () => {
    const ws = await createWorkspace(t, outsider, 'Race', 'RACE');
    const a = { ...outsider, workspace: ws.workspace.id };
    const b = { ...(await joinAs(t, a, 'racer@example.com', 'owner')), workspace: ws.workspace.id };
    const [r1, r2] = await Promise.all([patch(a, b.userId, 'admin'), patch(b, a.userId, 'admin')]);
    expect([r1.status, r2.status].sort()).toEqual([200, 403]);
    const loser = r1.status === 403 ? r1 : r2;
    expect(loser.body.detail).toBe('Only owners can manage owner roles');
    const owners = await t.database.db.select().from(memberTable).where(and(eq(memberTable.workspaceId, ws.workspace.id), eq(memberTable.role, 'owner')));
    expect(owners).toHaveLength(1);
  });
});

describe('DELETE /api/v1/members/:userId', () => {
  it('401 without credentials; 403 for members and guests', async () => {
    expect((await remove(null, guest.userId)).status).toBe(401);
    for (const who of [member, guest]) {
      const res = await remove(who, admin.userId);
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('Only workspace owners and admins can remove members');
    }
  });

  it('400 when removing yourself', async () => {
    const res = await remove(admin, admin.userId);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('own_membership');
    expect(res.body.detail).toBe('Use your account settings to leave this workspace');
  });

  it('403 when a non-owner removes an owner; 404 for a non-member', async () => {
    const res = await remove(admin, owner.userId);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only owners can remove owners');
    expect(await roleOf(owner.userId)).toBe('owner');
    expect((await remove(owner, outsider.userId)).status).toBe(404);
  });

  it('removes the member, their team memberships and their tokens; their next token request is 401', async () => {
    const leaver = await joinAs(t, owner, 'removed@example.com', 'member');
    const token = await createToken(t, leaver, { scopes: ['write'] });
    const teamMembers = async () => (await api(t.app, 'GET', `/api/v1/teams/${acme.team.id}/members`, { as: owner })).body.data.map((m: { id: string }) => m.id);
    expect(await teamMembers()).toContain(leaver.userId);
    expect((await api(t.app, 'GET', '/api/v1/teams', { as: { token } })).status).toBe(200);

    expect((await remove(admin, leaver.userId)).status).toBe(204);

    expect(await roleOf(leaver.userId)).toBeUndefined();
    expect(await teamMembers()).not.toContain(leaver.userId);
    const res = await api(t.app, 'GET', '/api/v1/teams', { as: { token } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
    const rows = await t.database.db.select().from(personalAccessToken).where(eq(personalAccessToken.userId, leaver.userId));
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
    const session = await api(t.app, 'GET', '/api/v1/teams', { as: leaver });
    expect(session.status).toBe(403);
    expect(session.body.code).toBe('no_workspace');
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.targetId, leaver.userId), eq(auditEvent.action, 'member.removed')));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorId).toBe(admin.userId);
    expect(events[0]!.metadata).toMatchObject({ role: 'member', teamsLeft: 1, accessKeysRevoked: 1 });
  });

  it('owners remove owners while another owner remains', async () => {
    const co = await joinAs(t, owner, 'co-owner@example.com', 'owner');
    expect((await remove(owner, co.userId)).status).toBe(204);
    expect(await roleOf(co.userId)).toBeUndefined();
  });
});

describe('POST /api/v1/members/leave', () => {
  it('401 without credentials; 403 with a token (an account action)', async () => {
    expect((await api(t.app, 'POST', '/api/v1/members/leave')).status).toBe(401);
    const token = await createToken(t, member, { scopes: ['write'] });
    const res = await api(t.app, 'POST', '/api/v1/members/leave', { as: { token } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_required');
  });

  it('400 for the last owner', async () => {
    const res = await api(t.app, 'POST', '/api/v1/members/leave', { as: owner });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('last_owner');
    expect(res.body.detail).toBe('Each workspace must keep at least one owner');
    expect(await roleOf(owner.userId)).toBe('owner');
  });

  it('an owner may leave when another owner remains; a member leaves with an audit event', async () => {
    const heir = await joinAs(t, owner, 'heir@example.com', 'owner');
    const solo = await signIn(t, 'solo@example.com');
    const ws = await createWorkspace(t, solo, 'Solo', 'SOLO');
    const inv = await api(t.app, 'POST', '/api/v1/invitations', { as: solo, body: { email: heir.email, role: 'member' } });
    expect(inv.status).toBe(201);
    // The heir owns Acme; leaving Solo (chosen by X-Workspace) leaves Acme untouched.
    const { invitationTokenFor } = await import('./access-fixtures.ts');
    expect((await api(t.app, 'POST', '/api/v1/invitations/accept', { as: heir, body: { token: invitationTokenFor(t, heir.email) } })).status).toBe(200);
    expect((await api(t.app, 'POST', '/api/v1/members/leave', { as: { ...heir, workspace: ws.workspace.id } })).status).toBe(204);
    expect(await roleOf(heir.userId)).toBe('owner');
    expect((await api(t.app, 'POST', '/api/v1/members/leave', { as: owner })).status).toBe(204);
    expect(await roleOf(owner.userId)).toBeUndefined();
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.actorId, owner.userId), eq(auditEvent.action, 'member.left')));
    expect(events).toHaveLength(1);
    expect(events[0]!.workspaceId).toBe(acme.workspace.id);
  });
});
