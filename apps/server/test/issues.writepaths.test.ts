/**
 * The combined statements of issue writes (IssueRefs.memberAndTeam and lockIssueAsMember, the
 * version bump that locks the workspace, writes sent together): what they answer equals what is
 * stored, the general path still serves what they cannot resolve (former team keys, unreadable
 * issues), the membership re-check still refuses, and a write that changes nothing takes no
 * version.
 */
import { eq } from 'drizzle-orm';
import { issueSubscription, member } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssueService } from '../src/modules/issues/issues.service.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { addLabel, addMember, type Actor, createIssue, footprint, historyOf, newWorkspace, statesByName, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let alice: Actor;
let mia: Actor;

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@paths.test', 'Paths', 'ENG');
  alice = A.owner;
  mia = await addMember(t, A, 'mia@paths.test', 'member', [A.teamId]);
});
afterAll(async () => {
  await t?.close();
});

const get = async (ref: string, who: Actor = alice) => (await api(t.app, 'GET', `/api/v1/issues/${ref}`, { as: who })).body;
const subscribers = async (issueId: string) =>
  (await t.database.db.select({ u: issueSubscription.userId }).from(issueSubscription).where(eq(issueSubscription.issueId, issueId))).map((r) => r.u).sort();

describe('issue writes through the combined statements', () => {
  it('create and PATCH answer exactly what a later GET reads (labels, assignee, dates, state timestamps)', async () => {
    const S = await statesByName(t, A.teamId);
    const [l1, l2, l3] = [await addLabel(t, A, 'p1'), await addLabel(t, A, 'p2'), await addLabel(t, A, 'p3')];
    const made = await createIssue(t, alice, {
      teamId: 'eng',
      title: '  Spaced   title ',
      description: '<p>one<script>x</script></p>',
      labelIds: [l2, l1],
      assigneeId: mia.userId,
      estimate: 2.5,
      dueDate: '2027-02-28',
      stateId: S['In Progress']!.id,
    });
    expect(made).toEqual(await get(made.id));
    expect(made.labelIds).toEqual([l1, l2].sort());
    expect(made.startedAt).toBe(made.createdAt);
    expect(await subscribers(made.id)).toEqual([alice.userId, mia.userId].sort());

    const patched = await api(t.app, 'PATCH', `/api/v1/issues/${made.identifier}`, {
      as: alice,
      body: { title: 'Renamed', priority: 'urgent', stateId: S.Done!.id, addedLabelIds: [l3], removedLabelIds: [l1], assigneeId: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual(await get(made.identifier));
    expect(patched.body).toMatchObject({ title: 'Renamed', priority: 'urgent', stateId: S.Done!.id, assigneeId: null, labelIds: [l2, l3].sort() });
    expect(patched.body.completedAt).toBe(patched.body.updatedAt);
    expect(patched.body.description).toBe(made.description);
    const kinds = (await historyOf(t, made.id)).map((h) => h.kind);
    expect(kinds).toEqual(['created', 'updated']);
  });

  it('a PATCH that changes nothing takes no version and writes nothing; one that does takes exactly one', async () => {
    const made = await createIssue(t, alice, { teamId: A.teamId, title: 'Same' });
    const before = await footprint(t, A.wsId);
    const same = await api(t.app, 'PATCH', `/api/v1/issues/${made.id}`, { as: alice, body: { title: 'Same' } });
    expect(same.status).toBe(200);
    expect(await footprint(t, A.wsId)).toEqual(before);
    const changed = await api(t.app, 'PATCH', `/api/v1/issues/${made.id}`, { as: alice, body: { title: 'Other' } });
    expect(changed.status).toBe(200);
    const after = await footprint(t, A.wsId);
    expect(after.version).toBe((before.version as number) + 1);
    expect(after.ops).toBe(before.ops + 1);
  });

  it('serves former team keys (create and PATCH) through the general path', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Moved', key: 'WAS' } });
    const first = await createIssue(t, alice, { teamId: 'WAS', title: 'before the rename' });
    expect((await api(t.app, 'PATCH', `/api/v1/teams/${team.body.id}`, { as: alice, body: { key: 'NOW' } })).status).toBe(200);
    const viaOldKey = await createIssue(t, alice, { teamId: 'WAS', title: 'by the former key' });
    expect(viaOldKey.identifier).toBe('NOW-2');
    const res = await api(t.app, 'PATCH', `/api/v1/issues/${first.identifier}`, { as: alice, body: { priority: 'low' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identifier: 'NOW-1', priority: 'low' });
  });

  it('404 for an issue of a private team the actor cannot read, for an absent one, and for a client id taken (409)', async () => {
    const priv = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Vault', key: 'VLT', isPrivate: true } });
    const secret = await createIssue(t, alice, { teamId: priv.body.id, title: 'secret' });
    const before = await footprint(t, A.wsId);
    for (const ref of [secret.id, secret.identifier, 'ENG-99999', '01a20000-0000-7000-8000-000000000000']) {
      const res = await api(t.app, 'PATCH', `/api/v1/issues/${ref}`, { as: mia, body: { title: 'mine now' } });
      expect(res.status, ref).toBe(404);
      expect(res.body.errors[0].field).toBe('/params/issueId');
    }
    expect((await api(t.app, 'POST', '/api/v1/issues', { as: mia, body: { teamId: 'VLT', title: 'in' } })).status).toBe(404);
    const taken = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { id: secret.id, teamId: A.teamId, title: 'again' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('id_taken');
    expect(await footprint(t, A.wsId)).toEqual(before);
  });

  it('re-checks the membership in the combined statements: 403 when gone, 409 when the role changed', async () => {
    const svc = createIssueService({ database: t.database, bus: t.bus, clock: t.clock, config: { sessionSecret: 's'.repeat(32) } });
    const made = await createIssue(t, alice, { teamId: A.teamId, title: 'target' });
    const leo = await addMember(t, A, 'leo@paths.test', 'member', [A.teamId]);
    const asAdmin = { userId: leo.userId, workspaceId: A.wsId, role: 'admin' as const };
    await expect(svc.create(asAdmin, { teamId: A.teamId, title: 'x' })).rejects.toMatchObject({ status: 409, code: 'role_changed' });
    await expect(svc.update(asAdmin, made.identifier, { title: 'x' })).rejects.toMatchObject({ status: 409, code: 'role_changed' });
    await t.database.db.delete(member).where(eq(member.userId, leo.userId));
    const gone = { userId: leo.userId, workspaceId: A.wsId, role: 'member' as const };
    for (const teamId of [A.teamId, 'ENG', 'NOPE']) {
      await expect(svc.create(gone, { teamId, title: 'x' })).rejects.toMatchObject({ status: 403, code: 'not_a_member' });
    }
    for (const ref of [made.identifier, made.id, 'ENG-99999']) {
      await expect(svc.update(gone, ref, { title: 'x' })).rejects.toMatchObject({ status: 403, code: 'not_a_member' });
    }
    expect((await get(made.id)).title).toBe('target');
  });
});
