/**
 * The bootstrap's issue lines are built as JSON by the database (src/sync/bootstrap.ts
 * `issueLinesSql`) rather than by `presentIssue`: this holds the two equal, byte for byte, for
 * issues that use every field (labels, estimates, dates, archived, microsecond timestamps,
 * descriptions with quotes, control characters and non-ASCII text, one larger than a chunk), on
 * both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { issue, issueLabel } from '@exponential/db';
import { presentIssue } from '../src/modules/issues/issues.presenter.ts';
import { streamBootstrap } from '../src/sync/bootstrap.ts';
import { loadScope } from '../src/sync/scope.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let alice: SignedIn;
let teamKey: string;
let workspaceId: string;

beforeAll(async () => {
  t = await createTestApp();
  alice = await signIn(t, 'alice@example.com');
  const ws = await createWorkspace(t, alice, 'Acme', 'ENG');
  teamKey = ws.team.key;
  workspaceId = ws.workspace.id;
  const labels: string[] = [];
  for (const name of ['Bug', 'Feature', 'Chore']) {
    labels.push((await api(t.app, 'POST', '/api/v1/labels', { as: alice, body: { name, color: '#ff0000' } })).body.id);
  }
  const parent = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', title: 'Parent' } });
  const bodies = [
    { title: 'Plain' },
    {
      title: 'Every "field" \\ set',
      description: '<p>Quotes " and \\ backslash, tab\t, newline\n, control \u0001\u001f, é, 日本, 🎉, </script>, \u2028</p>',
      priority: 'urgent',
      estimate: 2.5,
      assigneeId: alice.userId,
      parentId: parent.body.id,
      labelIds: [labels[2], labels[0], labels[1]],
      dueDate: '2027-02-28',
    },
    { title: 'Small estimate', estimate: 0.1, priority: 'low', labelIds: [labels[1]] },
    { title: 'Zero estimate', estimate: 0, priority: 'medium', description: '' },
    { title: 'To archive', priority: 'high' },
    // Larger than a 64 KB chunk once encoded (3 bytes per character): written whole, not split.
    { title: 'Long', description: `<p>${'日本語'.repeat(30_000)}</p>` },
  ];
  const ids: string[] = [];
  for (const body of bodies) {
    const r = await api(t.app, 'POST', '/api/v1/issues', { as: alice, body: { teamId: 'ENG', ...body } });
    expect(r.status).toBe(201);
    ids.push(r.body.id);
  }
  // Timestamps with microseconds (toISOString truncates them to milliseconds) and every nullable date set.
  await t.database.db
    .update(issue)
    .set({
      createdAt: sql`'2026-01-02 03:04:05.999999+00'::timestamptz`,
      updatedAt: sql`'2026-01-02 03:04:06.000500+00'::timestamptz`,
      startedAt: sql`'2026-01-03 00:00:00.123456+00'::timestamptz`,
      completedAt: sql`'2026-12-31 23:59:59.999999+00'::timestamptz`,
      canceledAt: sql`'2026-06-15 12:30:00+00'::timestamptz`,
    })
    .where(eq(issue.id, ids[1] as string));
  expect((await api(t.app, 'POST', `/api/v1/issues/${ids[4]}/archive`, { as: alice })).status).toBeLessThan(300);
});
afterAll(async () => t?.close());

/** Issue lines of a bootstrap, as text. */
async function issueLines(query = ''): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/sync/bootstrap${query}`, headers: { cookie: `exponential_session=${alice.cookie}` } });
  expect(res.statusCode).toBe(200);
  return res.body
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{"entity":"issue"'));
}

/** What `presentIssue` makes of every issue of the workspace, as bootstrap lines, in bootstrap order. */
async function presented(includeArchived: boolean): Promise<string[]> {
  const rows = (await t.database.db.select().from(issue).orderBy(asc(issue.number))).filter((r) => includeArchived || !r.archivedAt);
  const links = await t.database.db
    .select()
    .from(issueLabel)
    .where(inArray(issueLabel.issueId, rows.map((r) => r.id)));
  return rows.map((r) =>
    JSON.stringify({
      entity: 'issue',
      data: presentIssue(r, teamKey, links.filter((l) => l.issueId === r.id).map((l) => l.labelId).sort()),
    }),
  );
}

describe('bootstrap issue lines', () => {
  it('equal presentIssue byte for byte, archived issues left out by default', async () => {
    const lines = await issueLines();
    const expected = await presented(false);
    expect(lines).toHaveLength(6);
    expect(lines).toEqual(expected);
    const full = JSON.parse(lines.find((l) => l.includes('Every'))!).data;
    expect(full.labelIds).toHaveLength(3);
    expect(full.createdAt).toBe('2026-01-02T03:04:05.999Z');
    expect(full.estimate).toBe(2.5);
  });

  it('are the same in pages of two issues (keyset pages on PGlite, a cursor on PostgreSQL), with the same counts', async () => {
    const scope = await loadScope(t.database.db, alice.userId, workspaceId);
    let text = '';
    await streamBootstrap(t.database, scope!, { includeArchived: true, pageSize: 2 }, { write: async (c) => void (text += c) });
    const lines = text.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('{"entity":"issue"'))).toEqual(await presented(true));
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ complete: true, counts: { issue: 7 } });
  });

  it('equal presentIssue with includeArchived=true too', async () => {
    const lines = await issueLines('?includeArchived=true');
    expect(lines).toHaveLength(7);
    expect(lines).toEqual(await presented(true));
    expect(JSON.parse(lines.find((l) => l.includes('To archive'))!).data.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
