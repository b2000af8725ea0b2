import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvent, invitation, syncOperation } from '@exponential/db';
import { sha256 } from '../src/lib/crypto.ts';
import { createToken, invitationTokenFor, joinAs } from './access-fixtures.ts';
import { APP_URL, api, createTestApp, createWorkspace, signIn, uniqueAddress, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let admin: SignedIn;
let member: SignedIn;
let guest: SignedIn;
let outsider: SignedIn;
let acme: Awaited<ReturnType<typeof createWorkspace>>;
const DAY = 86_400_000;

const invite = (as: SignedIn | null, body: Record<string, unknown>) => api(t.app, 'POST', '/api/v1/invitations', { as, body });
const accept = (as: SignedIn | { token: string } | null, token: string) => api(t.app, 'POST', '/api/v1/invitations/accept', { as, body: { token } });
const preview = async (token: string) => {
  const r = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/preview?token=${encodeURIComponent(token)}`, remoteAddress: uniqueAddress() });
  return { status: r.statusCode, body: JSON.parse(r.body), headers: r.headers };
};

beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'owner@example.com');
  acme = await createWorkspace(t, owner, 'Acme', 'ENG');
  // A younger team: invitees join the oldest one (ENG).
  await api(t.app, 'POST', '/api/v1/teams', { as: owner, body: { name: 'Later', key: 'LAT' } });
  admin = await joinAs(t, owner, 'admin@example.com', 'admin');
  member = await joinAs(t, owner, 'member@example.com', 'member');
  guest = await joinAs(t, owner, 'guest@example.com', 'guest');
  outsider = await signIn(t, 'outsider@example.com');
  await createWorkspace(t, outsider, 'Other', 'OTH');
});
afterAll(async () => t?.close());

describe('POST /api/v1/invitations', () => {
  it('401 without credentials; 403 for members and guests', async () => {
    expect((await invite(null, { email: 'x@example.com', role: 'member' })).status).toBe(401);
    for (const who of [member, guest]) {
      const res = await invite(who, { email: 'x@example.com', role: 'member' });
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('Only workspace owners and admins can manage invitations');
    }
  });

  it('422: invitations never grant the owner role; bad address or role', async () => {
    const res = await invite(owner, { email: 'x@example.com', role: 'owner' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_role');
    expect(res.body.errors).toEqual([{ field: '/body/role', message: 'Invitations cannot grant the owner role; make the person an owner once they have joined' }]);
    const email = await invite(admin, { email: 'not-an-address', role: 'member' });
    expect(email.status).toBe(422);
    expect(email.body.errors[0]).toEqual({ field: '/body/email', message: 'email must be a valid email' });
    const role = await invite(admin, { email: 'x@example.com', role: 'viewer' });
    expect(role.status).toBe(422);
    expect(role.body.errors[0].field).toBe('/body/role');
  });

  it('409 already_member for an address that is already in the workspace (any case)', async () => {
    const res = await invite(admin, { email: 'Member@Example.com', role: 'guest' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('already_member');
    expect(res.body.errors).toEqual([{ field: '/body/email', message: 'This person is already a workspace member' }]);
  });

  it('201: stores only the hash, expires in 7 days, mails the link, never returns the token', async () => {
    const res = await invite(admin, { email: 'New.Person@Example.com', role: 'member' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'new.person@example.com',
      role: 'member',
      status: 'pending',
      invitedById: admin.userId,
      expiresAt: new Date(t.clock.now().getTime() + 7 * DAY).toISOString(),
      createdAt: t.clock.now().toISOString(),
      updatedAt: t.clock.now().toISOString(),
    });
    const mail = t.mailer.sent[t.mailer.sent.length - 1]!;
    expect(mail.to).toBe('new.person@example.com');
    expect(mail.subject).toBe('admin invited you to Acme on exponential');
    const token = invitationTokenFor(t, 'new.person@example.com');
    expect(token).toMatch(/^inv_[A-Za-z0-9_-]{43}$/);
    expect(mail.text).toContain(`${APP_URL}/invite/${token}`);
    expect(JSON.stringify(res.body)).not.toContain(token);
    const [row] = await t.database.db.select().from(invitation).where(eq(invitation.id, res.body.id));
    expect(row!.tokenHash).toBe(sha256(token));
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.targetId, res.body.id), eq(auditEvent.action, 'invitation.created')));
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0])).not.toContain(token);
  });

  it('re-inviting a pending address rotates the token and restarts the 7 days (200)', async () => {
    const first = await invite(admin, { email: 'rotate@example.com', role: 'guest' });
    const oldToken = invitationTokenFor(t, 'rotate@example.com');
    t.clock.advance(DAY);
    const again = await invite(owner, { email: 'rotate@example.com', role: 'member' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.role).toBe('member');
    expect(again.body.expiresAt).toBe(new Date(t.clock.now().getTime() + 7 * DAY).toISOString());
    const newToken = invitationTokenFor(t, 'rotate@example.com');
    expect(newToken).not.toBe(oldToken);
    expect((await preview(oldToken)).status).toBe(404);
    expect((await preview(newToken)).body).toMatchObject({ valid: true, role: 'member' });
  });
});

describe('GET /api/v1/invitations', () => {
  it('401 without credentials; 403 for members', async () => {
    expect((await api(t.app, 'GET', '/api/v1/invitations')).status).toBe(401);
    expect((await api(t.app, 'GET', '/api/v1/invitations', { as: member })).status).toBe(403);
  });

  it('lists pending invitations only, page by page, without tokens', async () => {
    await invite(admin, { email: 'pending-a@example.com', role: 'member' });
    await invite(admin, { email: 'pending-b@example.com', role: 'guest' });
    const emails: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: Array<{ email: string; status: string }>; nextCursor: string | null } } = await api(
        t.app, 'GET', `/api/v1/invitations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: admin },
      );
      expect(res.status).toBe(200);
      expect(res.body.data.every((i) => i.status === 'pending')).toBe(true);
      expect(JSON.stringify(res.body)).not.toMatch(/inv_|tokenHash/);
      emails.push(...res.body.data.map((i) => i.email));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(emails).toContain('pending-a@example.com');
    expect(emails).toContain('pending-b@example.com');
    // Accepted invitations (admin, member, guest joined) are not pending.
    expect(emails).not.toContain('member@example.com');
  });
});

describe('DELETE /api/v1/invitations/:invitationId', () => {
  it('401; 403 for members; 404 for another workspace’s invitation', async () => {
    const res = await invite(outsider, { email: 'theirs@example.com', role: 'member' });
    expect((await api(t.app, 'DELETE', `/api/v1/invitations/${res.body.id}`)).status).toBe(401);
    expect((await api(t.app, 'DELETE', `/api/v1/invitations/${res.body.id}`, { as: member })).status).toBe(403);
    const foreign = await api(t.app, 'DELETE', `/api/v1/invitations/${res.body.id}`, { as: owner });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0].field).toBe('/params/invitationId');
    expect((await preview(invitationTokenFor(t, 'theirs@example.com'))).body.valid).toBe(true);
  });

  it('revokes: the link stops working, and revoking again is 404', async () => {
    const res = await invite(admin, { email: 'revoked@example.com', role: 'member' });
    const token = invitationTokenFor(t, 'revoked@example.com');
    expect((await api(t.app, 'DELETE', `/api/v1/invitations/${res.body.id}`, { as: admin })).status).toBe(204);
    expect((await preview(token)).body.valid).toBe(false);
    const who = await signIn(t, 'revoked@example.com');
    const acc = await accept(who, token);
    expect(acc.status).toBe(400);
    expect(acc.body.code).toBe('invitation_revoked');
    expect((await api(t.app, 'DELETE', `/api/v1/invitations/${res.body.id}`, { as: admin })).status).toBe(404);
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.targetId, res.body.id), eq(auditEvent.action, 'invitation.revoked')));
    expect(events).toHaveLength(1);
  });
});

describe('GET /api/v1/invitations/preview', () => {
  it('is public and shows workspace, role and expiry, never the address', async () => {
    await invite(admin, { email: 'peek@example.com', role: 'guest' });
    const token = invitationTokenFor(t, 'peek@example.com');
    const res = await preview(token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      workspaceName: 'Acme',
      invitedByName: expect.any(String),
      role: 'guest',
      expiresAt: new Date(t.clock.now().getTime() + 7 * DAY).toISOString(),
      valid: true,
    });
    const adminName = (await api(t.app, 'GET', '/api/v1/me', { as: admin })).body.user.name;
    expect(typeof adminName).toBe('string');
    expect(res.body.invitedByName).toBe(adminName);
    expect(JSON.stringify(res.body)).not.toContain('peek');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('404 for an unknown token; 400 without one', async () => {
    expect((await preview(`inv_${'x'.repeat(43)}`)).status).toBe(404);
    expect((await preview('garbage')).status).toBe(404);
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/invitations/preview' });
    expect(none.statusCode).toBe(400);
    expect(JSON.parse(none.body).errors[0].field).toBe('/query/token');
  });

  it('valid: false once expired', async () => {
    await invite(admin, { email: 'stale-preview@example.com', role: 'member' });
    const token = invitationTokenFor(t, 'stale-preview@example.com');
    t.clock.advance(7 * DAY);
    expect((await preview(token)).body.valid).toBe(false);
  });

  it('is rate-limited per address: 30 per 15 minutes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/invitations/preview?token=inv_nothing', remoteAddress: '10.99.0.1' });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
    const elsewhere = await t.app.inject({ method: 'GET', url: '/api/v1/invitations/preview?token=inv_nothing', remoteAddress: '10.99.0.2' });
    expect(elsewhere.statusCode).toBe(404);
  });
});

describe('POST /api/v1/invitations/accept', () => {
  it('401 without a session; 403 with a token (tokens never enrol their user elsewhere)', async () => {
    await invite(admin, { email: 'tokened@example.com', role: 'member' });
    const token = invitationTokenFor(t, 'tokened@example.com');
    expect((await accept(null, token)).status).toBe(401);
    const tokened = await signIn(t, 'tokened@example.com');
    await createWorkspace(t, tokened, 'Tokened', 'TOK');
    const pat = await createToken(t, tokened, { scopes: ['write'] });
    const res = await accept({ token: pat }, token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_required');
  });

  it('404 for an unknown token', async () => {
    const res = await accept(outsider, `inv_${'y'.repeat(43)}`);
    expect(res.status).toBe(404);
    expect(res.body.errors[0].field).toBe('/body/token');
  });

  it('403 when signed in with another address', async () => {
    await invite(admin, { email: 'intended@example.com', role: 'member' });
    const res = await accept(outsider, invitationTokenFor(t, 'intended@example.com'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('invitation_email_mismatch');
    expect(res.body.detail).toBe('This invitation was sent to another e-mail address');
  });

  it('400 invitation_expired after 7 days', async () => {
    await invite(admin, { email: 'late@example.com', role: 'member' });
    const token = invitationTokenFor(t, 'late@example.com');
    const late = await signIn(t, 'late@example.com');
    t.clock.advance(7 * DAY);
    const res = await accept(late, token);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invitation_expired');
    expect(res.body.detail).toBe('This invitation has expired; ask for a new one');
  });

  it('joins with the role and the oldest team; a second use is 400 invitation_used', async () => {
    // The admin's session was used most recently (the owner's went idle while the clock moved).
    expect((await invite(admin, { email: 'joiner@example.com', role: 'guest' })).status).toBe(201);
    const token = invitationTokenFor(t, 'joiner@example.com');
    const joiner = await signIn(t, 'joiner@example.com');
    const res = await accept(joiner, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workspaceId: acme.workspace.id, workspaceName: 'Acme', urlSlug: acme.workspace.urlSlug, role: 'guest', teamId: acme.team.id });
    const me = await api(t.app, 'GET', '/api/v1/me', { as: joiner });
    expect(me.body.role).toBe('guest');
    const teams = await api(t.app, 'GET', '/api/v1/teams', { as: joiner });
    expect(teams.body.data.map((x: { key: string }) => x.key)).toEqual(['ENG']);
    const again = await accept(joiner, token);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invitation_used');
    expect(again.body.detail).toBe('This invitation has already been used');
    expect((await preview(token)).body.valid).toBe(false);
    const ops = await t.database.db.select().from(syncOperation).where(and(eq(syncOperation.workspaceId, acme.workspace.id), eq(syncOperation.actorId, joiner.userId)));
    expect(ops.map((o) => o.entity).sort()).toEqual(['member', 'teamMember']);
    const events = await t.database.db.select().from(auditEvent).where(and(eq(auditEvent.actorId, joiner.userId), eq(auditEvent.action, 'invitation.accepted')));
    expect(events).toHaveLength(1);
  });
});

describe('local mode: the invitation link is logged', () => {
  it('logs the link outside production, as sign-in links are', async () => {
    const info = vi.spyOn(t.app.log, 'info');
    try {
      expect((await invite(admin, { email: 'logged@example.com', role: 'member' })).status).toBe(201);
      const token = invitationTokenFor(t, 'logged@example.com');
      expect(info.mock.calls.map((c) => c[0])).toContain(`Invitation link for logged@example.com (Acme): ${APP_URL}/invite/${token}`);
    } finally {
      info.mockRestore();
    }
  });
});

describe('GET /api/v1/me/invitations and POST /api/v1/me/invitations/:id/accept', () => {
  const mine = (as: SignedIn | { token: string } | null) => api(t.app, 'GET', '/api/v1/me/invitations', { as });
  const acceptMine = (as: SignedIn | { token: string } | null, id: string) => api(t.app, 'POST', `/api/v1/me/invitations/${id}/accept`, { as });

  it('401 without a session; 403 with an API token', async () => {
    expect((await mine(null)).status).toBe(401);
    const pat = await createToken(t, outsider, { scopes: ['write'] });
    const res = await mine({ token: pat });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_required');
  });

  it('lists only the signed-in address’s pending, unexpired invitations, without tokens', async () => {
    expect((await invite(admin, { email: 'Pending.Me@example.com', role: 'member' })).status).toBe(201);
    expect((await invite(admin, { email: 'someone-else@example.com', role: 'member' })).status).toBe(201);
    const me = await signIn(t, 'pending.me@example.com');
    const res = await mine(me);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: expect.any(String), workspaceName: 'Acme', role: 'member', invitedByName: expect.any(String), expiresAt: expect.any(String) },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/inv_|someone-else/);
    expect((await mine(outsider)).body.data).toEqual([]);
  });

  it('accepts by id for the invited address; 404 for another address’s invitation; 400 once used', async () => {
    expect((await invite(admin, { email: 'by-id@example.com', role: 'member' })).status).toBe(201);
    const byId = await signIn(t, 'by-id@example.com');
    const [inv] = (await mine(byId)).body.data;
    const stolen = await acceptMine(outsider, inv.id);
    expect(stolen.status).toBe(404);
    expect(stolen.body.errors[0].field).toBe('/params/invitationId');
    expect((await acceptMine(byId, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await acceptMine(byId, 'not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('/params/invitationId');
    const res = await acceptMine(byId, inv.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workspaceId: acme.workspace.id, workspaceName: 'Acme', urlSlug: acme.workspace.urlSlug, role: 'member', teamId: acme.team.id });
    expect((await mine(byId)).body.data).toEqual([]);
    const again = await acceptMine(byId, inv.id);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invitation_used');
  });

  it('revoked and expired invitations are not listed; accepting them by id is 400', async () => {
    const r = await invite(admin, { email: 'gone@example.com', role: 'member' });
    const gone = await signIn(t, 'gone@example.com');
    expect((await mine(gone)).body.data).toHaveLength(1);
    expect((await api(t.app, 'DELETE', `/api/v1/invitations/${r.body.id}`, { as: admin })).status).toBe(204);
    expect((await mine(gone)).body.data).toEqual([]);
    const revoked = await acceptMine(gone, r.body.id);
    expect(revoked.status).toBe(400);
    expect(revoked.body.code).toBe('invitation_revoked');
  });
});
