/**
 * `PATCH /api/v1/me`: the signed-in user's name and avatar, the `member` operation it emits in
 * every workspace of the user, its audit event, and what it refuses.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, member as memberTable, syncOperation, user as userTable } from '@exponential/db';
import { createToken, joinAs } from './access-fixtures.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let ana: SignedIn;
let bo: SignedIn;
let loner: SignedIn;
let acme: Awaited<ReturnType<typeof createWorkspace>>;
let globex: Awaited<ReturnType<typeof createWorkspace>>;

const patchMe = (as: SignedIn | { token: string } | null, body: unknown, headers: Record<string, string> = {}) =>
  api(t.app, 'PATCH', '/api/v1/me', { as, body, headers });

/** The `member` operations about `userId` in a workspace, oldest first. */
async function memberOps(workspaceId: string, userId: string) {
  const [m] = await t.database.db
    .select({ id: memberTable.id })
    .from(memberTable)
    .where(and(eq(memberTable.workspaceId, workspaceId), eq(memberTable.userId, userId)));
  const ops = await t.database.db
    .select()
    .from(syncOperation)
    .where(and(eq(syncOperation.workspaceId, workspaceId), eq(syncOperation.entity, 'member'), eq(syncOperation.entityId, m!.id)))
    .orderBy(syncOperation.version, syncOperation.seq);
  return ops;
}

beforeAll(async () => {
  t = await createTestApp();
  ana = await signIn(t, 'ana@example.com');
  acme = await createWorkspace(t, ana, 'Acme', 'ENG');
  bo = await joinAs(t, ana, 'bo@example.com', 'member');
  // Ana also belongs to a second workspace, Bo does not.
  globex = await createWorkspace(t, ana, 'Globex', 'GLX');
  loner = await signIn(t, 'loner@example.com');
});
afterAll(async () => t?.close());

describe('PATCH /api/v1/me', () => {
  it('401 without a session', async () => {
    const res = await patchMe(null, { name: 'Nobody' });
    expect(res.status).toBe(401);
  });

  it('403 session_required for a personal access token (the profile spans workspaces)', async () => {
    const token = await createToken(t, { cookie: bo.cookie }, { scopes: ['write'] });
    const res = await patchMe({ token }, { name: 'Token Bo' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_required');
    expect(res.body.detail).toBe('This action needs a signed-in browser session, not a token');
    const [u] = await t.database.db.select().from(userTable).where(eq(userTable.id, bo.userId));
    expect(u!.name).not.toBe('Token Bo');
  });

  it('403 csrf_origin for a cookie write from another site', async () => {
    const res = await patchMe(ana, { name: 'Forged' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_origin');
  });

  it('422 with the exact message for an empty body, a blank or too long name, an unknown field', async () => {
    const empty = await patchMe(ana, {});
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('validation_failed');

    const blank = await patchMe(ana, { name: '   ' });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0]).toEqual({ field: '/body/name', message: 'name has an invalid format' });

    const long = await patchMe(ana, { name: 'x'.repeat(101) });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toEqual({ field: '/body/name', message: 'name must be at most 100 characters (Unicode code points)' });

    const extra = await patchMe(ana, { email: 'new@example.com' });
    expect(extra.status).toBe(422);
    expect(extra.body.errors[0]).toEqual({ field: '/body/email', message: 'email is not a known field' });
  });

  it('422 invalid_avatar_url for http, javascript:, relative and credential-bearing URLs', async () => {
    for (const avatarUrl of ['http://img.example/a.png', 'javascript:alert(1)', '/a.png', 'https://user:pw@img.example/a.png', 'data:image/png;base64,AAAA']) {
      const res = await patchMe(ana, { avatarUrl });
      expect(res.status, avatarUrl).toBe(422);
      expect(res.body.code).toBe('invalid_avatar_url');
      expect(res.body.errors).toEqual([{ field: '/body/avatarUrl', message: 'avatarUrl must be an https:// URL without user name or password' }]);
    }
    const [u] = await t.database.db.select().from(userTable).where(eq(userTable.id, ana.userId));
    expect(u!.avatarUrl).toBeNull();
  });

  it('changes the name and avatar, and /me shows them', async () => {
    const res = await patchMe(ana, { name: '  Ana Lima  ', avatarUrl: 'https://img.example/ana.png' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: ana.userId, email: 'ana@example.com', name: 'Ana Lima', avatarUrl: 'https://img.example/ana.png' });
    const me = await api(t.app, 'GET', '/api/v1/me', { as: ana });
    expect(me.body.user).toEqual({ id: ana.userId, email: 'ana@example.com', name: 'Ana Lima', avatarUrl: 'https://img.example/ana.png' });
    const members = await api(t.app, 'GET', '/api/v1/members', { as: bo });
    expect(members.body.data.find((m: { userId: string }) => m.userId === ana.userId)).toMatchObject({ name: 'Ana Lima', avatarUrl: 'https://img.example/ana.png' });
  });

  it('emits one member operation in every workspace of the user, with the public profile and no e-mail', async () => {
    const before = { acme: (await memberOps(acme.workspace.id, ana.userId)).length, globex: (await memberOps(globex.workspace.id, ana.userId)).length };
    const res = await patchMe(ana, { name: 'Ana L.' });
    expect(res.status).toBe(200);
    for (const [ws, n] of [[acme.workspace.id, before.acme], [globex.workspace.id, before.globex]] as const) {
      const ops = await memberOps(ws, ana.userId);
      expect(ops.length).toBe(n + 1);
      const op = ops[ops.length - 1]!;
      expect(op.action).toBe('update');
      expect(op.actorId).toBe(ana.userId);
      expect(op.data).toMatchObject({ userId: ana.userId, name: 'Ana L.', avatarUrl: 'https://img.example/ana.png', role: 'owner' });
      expect(JSON.stringify(op.data)).not.toContain('ana@example.com');
    }
    // Bo's workspace list does not include Globex: nothing about Bo there, and Bo's own ops are untouched.
    const boOps = await memberOps(acme.workspace.id, bo.userId);
    expect(boOps.every((o) => (o.data as { name?: string } | null)?.name !== 'Ana L.')).toBe(true);
  });

  it('null removes the avatar; an unchanged value writes nothing', async () => {
    const cleared = await patchMe(ana, { avatarUrl: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.avatarUrl).toBeNull();
    const count = (await memberOps(acme.workspace.id, ana.userId)).length;
    const same = await patchMe(ana, { name: 'Ana L.', avatarUrl: null });
    expect(same.status).toBe(200);
    expect(same.body.name).toBe('Ana L.');
    expect((await memberOps(acme.workspace.id, ana.userId)).length).toBe(count);
  });

  it('works for a user without a workspace (no operations to emit)', async () => {
    const res = await patchMe(loner, { name: 'Lone Wolf' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Lone Wolf');
    const [u] = await t.database.db.select().from(userTable).where(eq(userTable.id, loner.userId));
    expect(u!.name).toBe('Lone Wolf');
  });

  it('records an account-level audit event naming the changed fields, shown in the workspace log', async () => {
    const rows = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.actorId, ana.userId), eq(auditEvent.action, 'user.profile_updated')));
    expect(rows.length).toBe(3);
    expect(rows.every((r) => r.workspaceId === null && r.targetId === ana.userId)).toBe(true);
    // One timestamp for all (the test clock stands still): compare as a set.
    expect(rows.map((r) => (r.metadata as { fields: string[] }).fields.join('+')).sort()).toEqual(['avatarUrl', 'name', 'name+avatarUrl']);
    const log = await api(t.app, 'GET', '/api/v1/audit-events?action=user.profile_updated', { as: ana });
    expect(log.status).toBe(200);
    expect(log.body.data.length).toBe(3);
  });
});
