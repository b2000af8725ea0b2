/**
 * Every real tracker export in ../shared/datasets (see its PROVENANCE.md) imports without a 5xx,
 * with the issue, comment and label counts PROVENANCE.md gives, plus spot checks per format (a
 * title, a status, an assignee, a comment's author and date, a parent link). The files are read
 * in place; per-issue folders (Jira REST, GitHub single-issue files) are sent as one JSON array.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, asc, eq } from 'drizzle-orm';
import { comment, issue, team, user, workflowState } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';
import { importFile } from './fixtures/imports/helpers.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DATASETS = path.resolve(repoRoot, '..', 'shared', 'datasets');
const present = existsSync(path.join(DATASETS, 'PROVENANCE.md'));

const file = (rel: string) => readFileSync(path.join(DATASETS, rel));
const folderAsArray = (rel: string) => {
  const dir = path.join(DATASETS, rel);
  const names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return `[${names.map((n) => readFileSync(path.join(dir, n), 'utf8')).join(',')}]`;
};

let t: TestApp;
let who: SignedIn;
let n = 0;

/** Imports into a fresh workspace; returns the job and the workspace id. */
async function imp(format: string, body: string | Buffer, query: Record<string, string> = {}) {
  n++;
  const ws = await createWorkspace(t, who, `Datasets ${n}`, `ZZ${n}`);
  const job = await importFile(t, { ...who, workspace: ws.workspace.id } as SignedIn, format, body, query);
  expect(job.status, JSON.stringify(job.problems?.slice(0, 5))).toBe('succeeded');
  return { job, ws: ws.workspace.id };
}

async function byKey(ws: string, key: string) {
  const [row] = await t.database.db
    .select({ issue, stateName: workflowState.name, category: workflowState.category, teamKey: team.key })
    .from(issue).innerJoin(workflowState, eq(workflowState.id, issue.stateId)).innerJoin(team, eq(team.id, issue.teamId))
    .where(and(eq(issue.workspaceId, ws), eq(issue.externalKey, key)));
  if (!row) throw new Error(`no issue ${key}`);
  const name = async (id: string | null) => (id ? (await t.database.db.select().from(user).where(eq(user.id, id)))[0]!.name : null);
  const comments = await t.database.db.select().from(comment).where(eq(comment.issueId, row.issue.id)).orderBy(asc(comment.createdAt));
  return { ...row, assignee: await name(row.issue.assigneeId), comments: await Promise.all(comments.map(async (c) => ({ ...c, author: await name(c.userId) }))) };
}

async function keyOfId(id: string | null) {
  if (!id) return null;
  return (await t.database.db.select({ k: issue.externalKey }).from(issue).where(eq(issue.id, id)))[0]!.k;
}

if (!present) {
  describe('real tracker exports', () => {
    it('are absent on this machine', () => {
      console.log(`No datasets at ${DATASETS}: the real-export import tests have nothing to read here.`);
      expect(present).toBe(false);
    });
  });
} else {
  beforeAll(async () => {
    t = await createTestApp();
    who = await signIn(t, 'datasets@example.com');
  });
  afterAll(async () => t?.close());

  describe('jira-csv', () => {
    const counts: Array<[string, number, number | null]> = [
      ['felipefernandes-dashboard-metricas_JIRA.csv', 219, null],
      ['bs-fse-2025-team9_Jira.csv', 130, null],
      ['fleetbase-fork_Jira_es.csv', 106, null],
      ['francescgit-crm-doit_Jira_es_current-fields.csv', 2443, null],
      ['thedripper-clearcorrectv2_Jira.csv', 127, null],
      ['emilywhitaker-socr_Jira_excel-resaved.csv', 503, null],
      ['bhf-money-sending-service_Jira.csv', 43, null],
      ['amankaushik-crawler_ASF-JIRA_server-2015.csv', 100, null],
      ['ericmedlock-planeso-jira-migration_Jira.csv', 22, null],
      ['mitsusarkar-jira-cloud-project_Jira.csv', 19, null],
    ];
    for (const [name, issues] of counts) {
      it(`${name}: ${issues} issues`, async () => {
        const { job, ws } = await imp('jira-csv', file(`jira-csv/${name}`));
        expect(job.counts.issues).toBe(issues);
        if (name.startsWith('felipe')) {
          const gp = await byKey(ws, 'GP-4025');
          expect(gp.issue.title).toBe('BUG: Valor de troféu não é atualizado durante a sessão');
          expect(gp.stateName).toBe('Validation');
          expect(gp.category).toBe('started');
          expect(gp.assignee).toBe('Rodrigo Vargas');
          expect(gp.issue.number).toBe(4025);
          expect(gp.comments[0]!.createdAt.toISOString()).toBe('2025-12-22T15:45:00.000Z');
          expect(gp.comments[0]!.body).toContain('Android (70000005)');
        }
        if (name.startsWith('fleetbase')) {
          const l = await byKey(ws, 'LIPU-144');
          expect(l.stateName).toBe('Tareas por hacer');
          expect(l.category).toBe('unstarted');
          expect(l.issue.createdAt.toISOString()).toBe('2025-11-10T16:51:00.000Z');
          expect(await keyOfId(l.issue.parentId)).toBe('LIPU-18');
        }
        if (name.startsWith('amankaushik')) {
          expect(job.problems.some((p: { message: string }) => p.message.includes('footer'))).toBe(true);
          const h = await byKey(ws, 'HAMA-895');
          expect(h.issue.assigneeId).toBeNull();
          expect(h.issue.createdAt.toISOString()).toBe('2014-03-22T07:59:00.000Z');
        }
        if (name.startsWith('bs-fse')) {
          const s = await byKey(ws, 'BSSEF25T9-219');
          expect(s.teamKey).toBe('BSSEF25');
          expect(await keyOfId(s.issue.parentId)).toBe('BSSEF25T9-163');
        }
        if (name.startsWith('emilywhitaker')) {
          expect((await byKey(ws, 'SOCR-899')).issue.createdAt.toISOString()).toBe('2022-09-12T00:00:00.000Z');
        }
      });
    }
  });

  describe('jira-xml', () => {
    it('bekoevpavel (Russian): 103 issues, 31 comments', async () => {
      const { job } = await imp('jira-xml', file('jira-xml/bekoevpavel-landing-estimator_Jira.xml'));
      expect(job.counts).toMatchObject({ issues: 103, comments: 31 });
    });
    it('focalboard: 2 issues, 1 comment with its author and date', async () => {
      const { job, ws } = await imp('jira-xml', file('jira-xml/focalboard_jira-export-test.xml'));
      expect(job.counts).toMatchObject({ issues: 2, comments: 1 });
      const ar1 = await byKey(ws, 'AR-1');
      expect(ar1.assignee).toBe('Chen Lim');
      expect(ar1.comments[0]!.author).toBe('Chen Lim');
      expect(ar1.comments[0]!.createdAt.toISOString()).toBe('2021-09-24T21:21:15.000Z');
      expect((await byKey(ws, 'AR-9')).category).toBe('started');
    });
    it('yvanthecoder (French): 33 issues', async () => {
      expect((await imp('jira-xml', file('jira-xml/yvanthecoder-equilibre_Jira.xml'))).job.counts.issues).toBe(33);
    });
    it('mitsusarkar: the same 19 issues as its CSV', async () => {
      expect((await imp('jira-xml', file('jira-xml/mitsusarkar-jira-cloud-project_Jira.xml'))).job.counts.issues).toBe(19);
    });
  });

  it('jira-json (DAEMON): 317 issues; of 496 comments, 466 imported, 9 empty and 21 absent reported', async () => {
    const { job, ws } = await imp('jira-json', folderAsArray('jira-json/tidev-appcelerator-DAEMON'));
    expect(job.counts.issues).toBe(317);
    expect(job.counts.comments).toBe(466);
    const msgs: string[] = job.problems.map((p: { message: string }) => p.message);
    expect(msgs.filter((m) => m === 'must not be empty')).toHaveLength(9);
    const absent = msgs.map((m) => /^(\d+) of \d+ comments are not in the file/.exec(m)).filter(Boolean).reduce((s, m) => s + Number(m![1]), 0);
    expect(absent).toBe(21);
    const d = await byKey(ws, 'DAEMON-100');
    expect(d.assignee).toBe('Chris Barber');
    expect(d.category).toBe('completed');
    expect(d.comments[0]!.author).toBe('Ewan Harris');
    expect(d.comments[0]!.createdAt.toISOString()).toBe('2017-10-17T09:05:03.000Z');
  });

  describe('github-json', () => {
    it('rails: 500 objects, 377 pull requests skipped, 123 issues', async () => {
      const { job, ws } = await imp('github-json', file('github-json/rails-rails_issues_api_500.json'));
      expect(job.counts.issues).toBe(123);
      expect(job.problems.some((p: { message: string }) => p.message.startsWith('377 pull requests skipped'))).toBe(true);
      expect(job.problems.some((p: { message: string }) => /comments not imported/.test(p.message))).toBe(true);
      const g = await byKey(ws, 'rails/rails#48981');
      expect(g.issue.title).toBe('g');
      expect(g.category).toBe('canceled');
    });
    it('rails with pullRequests=keep: 500 issues', async () => {
      expect((await imp('github-json', file('github-json/rails-rails_issues_api_500.json'), { pullRequests: 'keep' })).job.counts.issues).toBe(500);
    });
    it('perl6/doc per-issue files: 800 objects, 436 issues', async () => {
      const { job, ws } = await imp('github-json', folderAsArray('github-json/perl6-doc_issues_1-800'));
      expect(job.counts.issues).toBe(436);
      expect((await byKey(ws, 'perl6/doc#5')).issue.title).toBe('http://doc.perl6.org/List.pick returns "page not found"');
    });
  });

  it('linear-csv: 10 issues, a parent, a triage state, a placeholder assignee', async () => {
    const { job, ws } = await imp('linear-csv', file('linear-csv/semperos-shortcut-repl_linear-export.csv'));
    expect(job.counts.issues).toBe(10);
    expect(await keyOfId((await byKey(ws, 'CLA-7')).issue.parentId)).toBe('CLA-6');
    expect((await byKey(ws, 'CLA-3')).category).toBe('triage');
    const c1 = await byKey(ws, 'CLA-1');
    expect(c1.stateName).toBe('In Progress');
    expect(c1.assignee).toBe('user1');
    expect((await byKey(ws, 'CLA-8')).issue.archivedAt).not.toBeNull();
  });

  describe('trello-json', () => {
    it('marques-work: 122 cards (78 archived), 8 labels, 93 comments', async () => {
      const { job, ws } = await imp('trello-json', file('trello-json/marques-work_test-drive-board.json'));
      expect(job.counts).toMatchObject({ issues: 122, labels: 8, comments: 93 });
      const archived = await t.database.db.select({ a: issue.archivedAt }).from(issue).where(eq(issue.workspaceId, ws));
      expect(archived.filter((r) => r.a).length).toBeGreaterThanOrEqual(78);
    });
    it('miyamae (legacy shape): 67 cards, 4 comments', async () => {
      expect((await imp('trello-json', file('trello-json/miyamae_clipkit-board-legacy.json'))).job.counts).toMatchObject({ issues: 67, comments: 4 });
    });
    it('linear-import test board: 4 cards, 7 labels, 1 comment', async () => {
      const { job } = await imp('trello-json', file('trello-json/linear-import_trello-importer-test-board.json'));
      expect(job.counts).toMatchObject({ issues: 4, labels: 7, comments: 1 });
    });
  });

  it('monorail-csv: 171 issues, Untriaged → triage, relative dates reported', async () => {
    const { job, ws } = await imp('monorail-csv', file('monorail-csv/googlechromelabs-fugu-tracker_chromium-monorail-issues.csv'));
    expect(job.counts.issues).toBe(171);
    const m = await byKey(ws, 'crbug/1090940');
    expect(m.issue.title).toBe('Multiple task-bar icons');
    expect(m.category).toBe('triage');
    expect(job.problems.some((p: { message: string }) => p.message.startsWith('relative times'))).toBe(true);
  });
}
