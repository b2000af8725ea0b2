/**
 * Query plans of the issue list on a workspace with 20,000 issues: the common filters and the
 * search use indexes, never a sequential scan of `issue`.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@exponential/db';
import { createCursorCodec } from '../src/lib/cursor.ts';
import { buildIssueListQuery } from '../src/modules/issues/issues.list.ts';
import type { ListIssuesInput } from '../src/modules/issues/issues.schemas.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { addLabel, addMember, type Actor, createIssue, newWorkspace, statesByName, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let mia: Actor;
let label: string;
let common: string;
const codec = createCursorCodec(['plans-test-secret-plans-test-secret']);

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@acme.test', 'Acme', 'ENG');
  mia = await addMember(t, A, 'mia@acme.test', 'member', [A.teamId]);
  label = await addLabel(t, A, 'Seeded');
  const backlog = (await statesByName(t, A.teamId)).Backlog!.id;
  await queryRows(
    t.database.db,
    sql`insert into issue (id, workspace_id, team_id, number, title, state_id, assignee_id, creator_id, priority, sort_order, created_at, updated_at)
        select gen_random_uuid(), ${A.wsId}, ${A.teamId}, 100000 + g,
               'Seeded issue ' || g || ' ' || md5(g::text) || case when g % 4000 = 0 then ' login page' else '' end,
               ${backlog}, case when g % 10 = 0 then ${mia.userId}::uuid else null end, ${A.owner.userId}, g % 5,
               'b' || lpad(g::text, 6, '0'), now() - g * interval '1 second', now() - g * interval '1 second'
        from generate_series(1, 20000) g`,
  );
  common = await addLabel(t, A, 'Common');
  // A rare label (0.5% of issues) and a common one (20%).
  await queryRows(t.database.db, sql`insert into issue_label (issue_id, label_id, workspace_id) select id, ${label}, workspace_id from issue where number % 200 = 0`);
  await queryRows(t.database.db, sql`insert into issue_label (issue_id, label_id, workspace_id) select id, ${common}, workspace_id from issue where number % 5 = 1`);
  // A private team mia cannot read, so her lists carry a team predicate.
  const priv = await api(t.app, 'POST', '/api/v1/teams', { as: A.owner, body: { name: 'Private', key: 'PRV', isPrivate: true } });
  expect(priv.status).toBe(201);
  await createIssue(t, A.owner, { teamId: 'PRV', title: 'private' });
  await queryRows(t.database.db, sql`analyze`);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

async function plan(viewer: { userId: string; workspaceId: string; role: 'owner' | 'member' }, q: Partial<ListIssuesInput>): Promise<string> {
  const query = await buildIssueListQuery(t.database.db, viewer, { limit: 50, ...q } as ListIssuesInput, codec);
  const { sql: text, params } = query!.query.toSQL();
  if (t.database.kind === 'pglite') {
    const r = await t.database.pglite!.query<{ 'QUERY PLAN': string }>(`explain ${text}`, params as unknown[]);
    return r.rows.map((row) => row['QUERY PLAN']).join('\n');
  }
  const rows = await t.database.postgres!.unsafe(`explain ${text}`, params as never[]);
  return rows.map((row) => (row as Record<string, string>)['QUERY PLAN']).join('\n');
}

describe('issue list query plans (20,000 issues)', () => {
  it('use indexes for the common filters and orders', async () => {
    const owner = { userId: A.owner.userId, workspaceId: A.wsId, role: 'owner' as const };
    const member = { userId: mia.userId, workspaceId: A.wsId, role: 'member' as const };
    const cases: Array<[string, typeof owner | typeof member, Partial<ListIssuesInput>]> = [
      ['default', owner, {}],
      ['member (team predicate)', member, {}],
      ['team', owner, { teamId: 'ENG' }],
      ['assignee', owner, { assigneeId: mia.userId }],
      ['assignee me, member', member, { assigneeId: 'me' }],
      ['rare label', owner, { labelId: label }],
      ['common label', owner, { labelId: common }],
      ['priority filter', owner, { priority: 'high' }],
      ['state category', owner, { stateCategory: 'started' }],
      ['order priority', owner, { orderBy: 'priority' }],
      ['order updated', owner, { orderBy: 'updatedAt' }],
      ['order manual in team', owner, { orderBy: 'manual', teamId: 'ENG' }],
      ['due before', owner, { dueBefore: '2026-01-01' }],
      ['second page', owner, { cursor: codec.encode(['i1', 'createdAt', '2026-11-29T09:00:00.000000Z', '0190a000-0000-7000-8000-000000000000']) }],
    ];
    for (const [name, viewer, q] of cases) {
      const p = await plan(viewer, q);
      expect(p, `${name}:\n${p}`).not.toMatch(/Seq Scan on issue\b/);
    }
  });

  it('search uses the trigram index (title) and the identifier index, never a sequential scan', async () => {
    const owner = { userId: A.owner.userId, workspaceId: A.wsId, role: 'owner' as const };
    const byTitle = await plan(owner, { q: 'login' });
    expect(byTitle, byTitle).not.toMatch(/Seq Scan on issue\b/);
    expect(byTitle, byTitle).toContain('issue_title_trgm_idx');
    const member = { userId: mia.userId, workspaceId: A.wsId, role: 'member' as const };
    const asMember = await plan(member, { q: 'login page' });
    expect(asMember, asMember).not.toMatch(/Seq Scan on issue\b/);
    const byIdent = await plan(owner, { q: 'ENG-100040' });
    expect(byIdent, byIdent).not.toMatch(/Seq Scan on issue\b/);
    const wild = await plan(owner, { q: '100%_x' });
    expect(wild, wild).not.toMatch(/Seq Scan on issue\b/);
  });
});
