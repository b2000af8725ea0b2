/**
 * POST /api/v1/imports and GET /api/v1/imports/:id: auth, policy, dry runs, jobs, and the CSV
 * and JSON edge cases (never a 500, a 400/422 naming the row and column or JSON path, nothing
 * written).
 */
import { count, eq } from 'drizzle-orm';
import { issue, issueHistory, label, syncOperation, user } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { dryRun, importFile, memberOf, owner, upload } from './fixtures/imports/helpers.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof owner>>;
const issues = async () => Number((await t.database.db.select({ n: count() }).from(issue))[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  admin = await owner(t);
});
afterAll(async () => t?.close());

const LINEAR = 'ID,Team,Title,Description,Status,Priority,Assignee,Labels,Parent issue\nCLA-1,Claw,First,**bold** text,Todo,High,ann@example.com,"Bug, UI",\nCLA-2,Claw,Second,,Done,Low,,,CLA-1\n';

describe('POST /api/v1/imports: access', () => {
  it('401 without credentials', async () => {
    const res = await upload(t, null, 'linear-csv', LINEAR, { dryRun: 'true' });
    expect(res.status).toBe(401);
  });

  it('403 for a member, before the body is read', async () => {
    const m = await memberOf(t, admin.workspace, 'member@example.com');
    const res = await upload(t, m, 'linear-csv', LINEAR, { dryRun: 'true' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only workspace owners and admins can import');
  });

  it('400 without a format, 400 without a body', async () => {
    const a = await upload(t, admin, null, LINEAR, { dryRun: 'true' });
    expect(a.status).toBe(400);
    expect(a.body.code).toBe('format_required');
    const b = await upload(t, admin, 'linear-csv', '', { dryRun: 'true' });
    expect(b.status).toBe(400);
    expect(b.body.code).toBe('file_required');
  });

  it('404 for a team that is not there', async () => {
    const res = await dryRun(t, admin, 'linear-csv', LINEAR, { team: 'NOPE' });
    expect(res.status).toBe(404);
  });
});

describe('dry run and import', () => {
  it('a dry run reports what would be created and writes nothing', async () => {
    const before = await issues();
    const res = await dryRun(t, admin, 'linear-csv', LINEAR);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.counts).toMatchObject({ issues: 2, teams: 1, placeholders: 1, labels: 2 });
    expect(await issues()).toBe(before);
  });

  it('an import is a 202 job that ends succeeded, with one coalesced sync op and history rows', async () => {
    const job = await importFile(t, admin, 'linear-csv', LINEAR);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toBe(100);
    expect(job.counts).toMatchObject({ issues: 2, teams: 1 });
    const rows = await t.database.db.select().from(issue).where(eq(issue.externalSource, 'linear-csv'));
    expect(rows.map((r) => [r.externalKey, r.number, r.title]).sort()).toEqual([['CLA-1', 1, 'First'], ['CLA-2', 2, 'Second']]);
    const child = rows.find((r) => r.externalKey === 'CLA-2')!;
    expect(child.parentId).toBe(rows.find((r) => r.externalKey === 'CLA-1')!.id);
    expect(child.completedAt).not.toBeNull();
    expect(rows.find((r) => r.externalKey === 'CLA-1')!.description).toBe('<p><strong>bold</strong> text</p>');
    const ops = await t.database.db.select().from(syncOperation).where(eq(syncOperation.entityId, job.id));
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ entity: 'import', action: 'insert' });
    const hist = await t.database.db.select().from(issueHistory).where(eq(issueHistory.issueId, child.id));
    expect(hist[0]).toMatchObject({ kind: 'created', changes: { source: 'import', importId: job.id, externalKey: 'CLA-2' } });
    const [ann] = await t.database.db.select().from(user).where(eq(user.id, rows.find((r) => r.externalKey === 'CLA-1')!.assigneeId!));
    expect(ann!.isPlaceholder).toBe(true);
    expect(ann!.email).toMatch(/^imported\+[0-9a-f]{20}@placeholder\.invalid$/);
  });

  it('GET of another workspace\'s job is a 404', async () => {
    const other = await owner(t, 'other@example.com', 'Other', 'OTH');
    const job = await importFile(t, admin, 'linear-csv', LINEAR.replace(/CLA/g, 'CLB'));
    const res = await api(t.app, 'GET', `/api/v1/imports/${job.id}`, { as: other });
    expect(res.status).toBe(404);
  });
});
