/**
 * Breaker: storms of parallel writes — on one issue (PATCH, DELETE, move, comment, react,
 * relate, bulk, archive, opposite parent links), label deletion during bulk labelling, a member
 * removed while writing, two owners demoting each other, one Idempotency-Key sent five times,
 * parallel creates, workspaces created or renamed to the same name, slug or id at once. No request may get a 5xx, and afterwards the invariants hold: the
 * workspace's sync versions run 1..head without a gap, ranks and numbers are unique per team,
 * no parent cycle, no row points at a deleted label or issue, at least one owner.
 * On PGlite the requests interleave on one connection; on PostgreSQL they truly race.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import { issue, issueLabel, label, member, queryRows, syncOperation, workspace } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, engine, signIn, type TestApp } from './helpers.ts';
import { addMember, type Actor, newWorkspace, type Ws } from './collab-fixtures.ts';

let t: TestApp;
let ws: Ws;
let admin: Actor;
beforeAll(async () => {
  t = await createTestApp();
  ws = await newWorkspace(t, 'storm-owner@example.com', 'Storm', 'ENG');
  admin = await addMember(t, ws, 'storm-admin@example.com', 'admin', [ws.teamId]);
});
afterAll(async () => t?.close());

type Res = { status: number; body: any };
/** Creates an issue through the API (so the op log knows it). */
async function mk(title: string): Promise<{ id: string }> {
  const res = await api(t.app, 'POST', '/api/v1/issues', { as: ws.owner, body: { teamId: ws.teamId, title } });
  expect(res.status).toBe(201);
  return res.body;
}
const no5xx = (results: Res[], what: string) => {
  const bad = results.filter((r) => r.status >= 500);
  expect(bad.map((r) => `${r.status} ${JSON.stringify(r.body)}`), what).toEqual([]);
};

/** The invariants that must hold after any storm. */
async function invariantsHold() {
  const db = t.database.db;
  const versions = await queryRows<{ v: number }>(db, sql`select distinct version::int as v from sync_operation where workspace_id = ${ws.wsId} order by 1`);
  const [w] = await db.select({ version: workspace.version }).from(workspace).where(eq(workspace.id, ws.wsId));
  expect(versions.map((r) => Number(r.v))).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
  expect(Number(w!.version)).toBe(versions.length);
  const dupRanks = await queryRows(db, sql`select team_id, sort_order from issue where workspace_id = ${ws.wsId} group by 1, 2 having count(*) > 1`);
  const dupNumbers = await queryRows(db, sql`select team_id, number from issue where workspace_id = ${ws.wsId} group by 1, 2 having count(*) > 1`);
  expect([dupRanks, dupNumbers]).toEqual([[], []]);
  const cycles = await queryRows(db, sql`
    with recursive up(start, id, depth) as (
      select id, parent_id, 1 from issue where workspace_id = ${ws.wsId} and parent_id is not null
      union all
      select up.start, i.parent_id, up.depth + 1 from up join issue i on i.id = up.id where i.parent_id is not null and up.depth < 50
    ) select start from up where id = start`);
  expect(cycles).toEqual([]);
  const orphanLabels = await queryRows(db, sql`select il.issue_id from issue_label il left join label l on l.id = il.label_id where il.workspace_id = ${ws.wsId} and (l.id is null or l.archived_at is not null)`);
  expect(orphanLabels).toEqual([]);
  const [owners] = await db.select({ n: count() }).from(member).where(and(eq(member.workspaceId, ws.wsId), eq(member.role, 'owner')));
  expect(Number(owners!.n)).toBeGreaterThanOrEqual(1);
  // Every live issue's last emitted image is the row as it stands (the op log did not lose a write).
  const live = await db.select().from(issue).where(eq(issue.workspaceId, ws.wsId));
  const last = await queryRows<{ entity_id: string; action: string; title: string | null; sort_order: string | null }>(db, sql`
    select distinct on (entity_id) entity_id, action, data->>'title' as title, data->>'sortOrder' as sort_order
    from sync_operation where workspace_id = ${ws.wsId} and entity = 'issue' order by entity_id, version desc, seq desc`);
  const byId = new Map(last.map((r) => [r.entity_id, r]));
  for (const i of live) expect(byId.get(i.id), i.title).toMatchObject({ action: expect.stringMatching(/insert|update/), title: i.title, sort_order: i.sortOrder });
}

describe('storms', () => {
  it('PATCH + DELETE + move + comment + react + relate + bulk + archive + opposite parents on the same issues at once', async () => {
    const o = ws.owner;
    const x = await mk('target');
    const y = await mk('neighbour');
    const z = await mk('third');
    const states = (await api(t.app, 'GET', `/api/v1/teams/${ws.teamId}/states`, { as: o })).body.data;
    const results = await Promise.all([
      api(t.app, 'PATCH', `/api/v1/issues/${x.id}`, { as: o, body: { title: 'renamed 1' } }),
      api(t.app, 'PATCH', `/api/v1/issues/${x.id}`, { as: admin, body: { title: 'renamed 2', stateId: states[2].id } }),
      api(t.app, 'POST', `/api/v1/issues/${x.id}/move`, { as: o, body: { afterId: z.id } }),
      api(t.app, 'POST', `/api/v1/issues/${y.id}/move`, { as: admin, body: { afterId: z.id } }),
      api(t.app, 'POST', `/api/v1/issues/${x.id}/comments`, { as: admin, body: { body: '<p>racing</p>' } }),
      api(t.app, 'POST', `/api/v1/issues/${x.id}/reactions`, { as: o, body: { emoji: '🏁' } }),
      api(t.app, 'POST', `/api/v1/issues/${x.id}/relations`, { as: o, body: { type: 'blocks', relatedIssueId: y.id } }),
      api(t.app, 'POST', '/api/v1/issues/bulk', { as: admin, body: { issueIds: [x.id, y.id, z.id], update: { priority: 'urgent' } } }),
      api(t.app, 'PATCH', `/api/v1/issues/${x.id}`, { as: o, body: { parentId: y.id } }),
      api(t.app, 'PATCH', `/api/v1/issues/${y.id}`, { as: admin, body: { parentId: x.id } }),
      api(t.app, 'POST', `/api/v1/issues/${x.id}/archive`, { as: admin }),
      api(t.app, 'PUT', `/api/v1/issues/${x.id}/subscription`, { as: admin }),
      api(t.app, 'DELETE', `/api/v1/issues/${x.id}`, { as: o }),
      api(t.app, 'POST', `/api/v1/issues/${x.id}/comments`, { as: o, body: { body: '<p>late</p>' } }),
      api(t.app, 'PATCH', `/api/v1/issues/${x.id}`, { as: admin, body: { title: 'after delete?' } }),
    ]);
    no5xx(results, 'same-issue storm');
    expect(results.every((r) => [200, 201, 204, 404, 409, 422].includes(r.status))).toBe(true);
    // The two opposite parent links cannot both have won.
    const rows = await t.database.db.select({ id: issue.id, parentId: issue.parentId }).from(issue).where(sql`${issue.id} in (${x.id}, ${y.id})`);
    const parents = rows.map((r) => r.parentId).filter(Boolean);
    expect(parents.length).toBeLessThanOrEqual(1);
    const deleted = results[12]!.status === 204;
    if (deleted) {
      const left = await queryRows(t.database.db, sql`
        select 'comment' from comment where issue_id = ${x.id} union all select 'relation' from issue_relation where issue_id = ${x.id} or related_issue_id = ${x.id}
        union all select 'reaction' from reaction where issue_id = ${x.id} union all select 'subscription' from issue_subscription where issue_id = ${x.id}`);
      expect(left).toEqual([]);
    }
    await invariantsHold();
  });

  it('deleting a label while issues are bulk-labelled and created with it', async () => {
    const o = ws.owner;
    const lab = (await api(t.app, 'POST', '/api/v1/labels', { as: o, body: { name: 'Doomed', color: '#aa0000', teamId: ws.teamId } })).body;
    const issues = await Promise.all(Array.from({ length: 6 }, (_, i) => mk(`labelled ${i}`)));
    const ids = issues.map((i) => i.id);
    const results = await Promise.all([
      api(t.app, 'POST', '/api/v1/issues/bulk', { as: admin, body: { issueIds: ids, update: { addedLabelIds: [lab.id] } } }),
      api(t.app, 'POST', '/api/v1/issues', { as: admin, body: { teamId: ws.teamId, title: 'born labelled', labelIds: [lab.id] } }),
      api(t.app, 'DELETE', `/api/v1/labels/${lab.id}`, { as: o }),
      api(t.app, 'PATCH', `/api/v1/issues/${ids[0]}`, { as: o, body: { labelIds: [lab.id] } }),
      api(t.app, 'POST', '/api/v1/issues/bulk', { as: o, body: { issueIds: ids.slice(2), update: { labelIds: [lab.id] } } }),
    ]);
    no5xx(results, 'label storm');
    expect(results[2]!.status).toBe(204);
    const [left] = await t.database.db.select({ n: count() }).from(issueLabel).where(eq(issueLabel.labelId, lab.id));
    expect(Number(left!.n)).toBe(0);
    expect(await t.database.db.select().from(label).where(eq(label.id, lab.id))).toEqual([]);
    await invariantsHold();
  });

  it('a member removed while writing; two owners demoting each other', async () => {
    const o = ws.owner;
    const leaver = await addMember(t, ws, 'storm-leaver@example.com', 'member', [ws.teamId]);
    const target = await mk('leaver works here');
    const co = await addMember(t, ws, 'storm-co-owner@example.com', 'owner', [ws.teamId]);
    const results = await Promise.all([
      api(t.app, 'POST', '/api/v1/issues', { as: leaver, body: { teamId: ws.teamId, title: 'written while leaving' } }),
      api(t.app, 'POST', `/api/v1/issues/${target.id}/comments`, { as: leaver, body: { body: '<p>bye</p>' } }),
      api(t.app, 'DELETE', `/api/v1/members/${leaver.userId}`, { as: admin }),
      api(t.app, 'PATCH', `/api/v1/issues/${target.id}`, { as: leaver, body: { title: 'changed while leaving' } }),
      api(t.app, 'POST', '/api/v1/labels', { as: leaver, body: { name: 'leaver label', color: '#00aa00' } }),
      api(t.app, 'PATCH', `/api/v1/members/${co.userId}`, { as: o, body: { role: 'member' } }),
      api(t.app, 'PATCH', `/api/v1/members/${o.userId}`, { as: co, body: { role: 'member' } }),
    ]);
    no5xx(results, 'membership storm');
    expect(results[2]!.status).toBe(204);
    const demotions = [results[5]!.status, results[6]!.status].sort();
    expect(demotions).toEqual([200, 403]);
    const after = await api(t.app, 'GET', '/api/v1/issues', { as: leaver });
    expect(after.status).toBe(404);
    await invariantsHold();
    // Put the demoted owner back for the next storms.
    const [still] = await t.database.db.select({ role: member.role }).from(member).where(and(eq(member.workspaceId, ws.wsId), eq(member.userId, o.userId)));
    if (still!.role !== 'owner') await t.database.db.update(member).set({ role: 'owner' }).where(and(eq(member.workspaceId, ws.wsId), eq(member.userId, o.userId)));
  });

  it('one Idempotency-Key sent five times at once creates one issue; twenty parallel creates get distinct numbers and ranks', async () => {
    const o = ws.owner;
    const headers = { 'idempotency-key': 'storm-create-1' };
    const same = await Promise.all(Array.from({ length: 5 }, () => api(t.app, 'POST', '/api/v1/issues', { as: o, body: { teamId: ws.teamId, title: 'exactly once' }, headers })));
    no5xx(same, 'idempotent storm');
    expect(same.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'idempotency_in_flight'))).toBe(true);
    const [made] = await t.database.db.select({ n: count() }).from(issue).where(and(eq(issue.workspaceId, ws.wsId), eq(issue.title, 'exactly once')));
    expect(Number(made!.n)).toBe(1);
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => api(t.app, 'POST', '/api/v1/issues', { as: i % 2 ? o : admin, body: { teamId: ws.teamId, title: `parallel ${i}` } })));
    no5xx(created, 'parallel creates');
    expect(created.every((r) => r.status === 201)).toBe(true);
    expect(new Set(created.map((r) => r.body.number)).size).toBe(20);
    await invariantsHold();
    const [ops] = await t.database.db.select({ n: count() }).from(syncOperation).where(eq(syncOperation.workspaceId, ws.wsId));
    expect(Number(ops!.n)).toBeGreaterThan(0);
  });
});

describe('workspace creation races (PostgreSQL: truly parallel)', () => {
  it('five sign-ups naming their workspace alike get distinct slugs; one slug or id wins once; renames to one slug race safely', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map((i) => signIn(t, `storm-signup-${i}@example.com`)));
    const create = (body: Record<string, unknown>) => Promise.all(users.map((u) => api(t.app, 'POST', '/api/v1/workspaces', { as: u, body: { teamName: 'Eng', teamKey: 'ENG', ...body } })));
    const byName = await create({ name: 'Same Name' });
    no5xx(byName, 'same name');
    expect(byName.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(byName.map((r) => r.body.workspace.urlSlug)).size).toBe(5);
    const bySlug = await create({ name: 'Fixed', urlSlug: 'storm-fixed' });
    no5xx(bySlug, 'same slug');
    expect(bySlug.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const byId = await create({ name: 'Same id', id: '01a22700-0000-7000-8000-00000000abcd' });
    no5xx(byId, 'same id');
    expect(byId.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const renames = await Promise.all(users.map((u, i) => api(t.app, 'PATCH', '/api/v1/workspaces/current', { as: { cookie: u.cookie, workspace: byName[i]!.body.workspace.id }, body: { urlSlug: 'storm-renamed' } })));
    no5xx(renames, 'renames');
    expect(renames.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const uuidSlug = await api(t.app, 'POST', '/api/v1/workspaces', { as: users[0]!, body: { name: 'Sneaky', urlSlug: byName[1]!.body.workspace.id } });
    expect(uuidSlug.status).toBe(422);
    expect(uuidSlug.body.errors[0].field).toBe('/body/urlSlug');
  });
});

/** Resolves once some query waits for a lock (PostgreSQL), or after a moment (PGlite runs one query at a time). */
async function someoneWaitsForALock(): Promise<void> {
  if (engine !== 'postgres') return new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 200; i++) {
    const rows = await t.database.postgres!.unsafe('select 1 from pg_locks where not granted limit 1');
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no request reached the workspace lock');
}

describe('a request authorized before its actor lost access, waiting for the workspace lock', () => {
  it('a removed member\'s write does not commit; a demoted admin\'s admin write does not either', async () => {
    const victim = await addMember(t, ws, 'storm-late-leaver@example.com', 'member', [ws.teamId]);
    const demoted = await addMember(t, ws, 'storm-demoted-admin@example.com', 'admin', [ws.teamId]);
    const lab = (await api(t.app, 'POST', '/api/v1/labels', { as: ws.owner, body: { name: 'Workspace-wide', color: '#0000aa' } })).body;
    let write!: Promise<Res>;
    let adminWrite!: Promise<Res>;
    await t.database.db.transaction(async (tx) => {
      await tx.select({ v: workspace.version }).from(workspace).where(eq(workspace.id, ws.wsId)).for('update');
      write = api(t.app, 'POST', '/api/v1/issues', { as: victim, body: { teamId: ws.teamId, title: 'queued before removal' } });
      adminWrite = api(t.app, 'DELETE', `/api/v1/labels/${lab.id}`, { as: demoted });
      await someoneWaitsForALock();
      await tx.delete(member).where(and(eq(member.workspaceId, ws.wsId), eq(member.userId, victim.userId)));
      await tx.update(member).set({ role: 'member' }).where(and(eq(member.workspaceId, ws.wsId), eq(member.userId, demoted.userId)));
    });
    const [res, adminRes] = await Promise.all([write, adminWrite]);
    expect([403, 404]).toContain(res.status);
    if (engine === 'postgres') expect(res.body.code).toBe('not_a_member');
    const [made] = await t.database.db.select({ n: count() }).from(issue).where(eq(issue.title, 'queued before removal'));
    expect(Number(made!.n)).toBe(0);
    expect([403, 409]).toContain(adminRes.status);
    if (engine === 'postgres') expect(adminRes.body.code).toBe('role_changed');
    expect(await t.database.db.select().from(label).where(eq(label.id, lab.id))).toHaveLength(1);
    await invariantsHold();
  });
});

