/**
 * GET /api/v1/exports/workspace.json and /api/v1/exports/issues.csv: auth and policy, the
 * lossless round trip (export → import into an empty workspace → export gives the same document
 * up to ids and the import record), and CSV formula-injection safety that our own CSV import undoes.
 */
import { and, eq } from 'drizzle-orm';
import { issue, label, member } from '@exponential/db';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, createWorkspace, type TestApp } from './helpers.ts';
import { importFile, memberOf, owner } from './fixtures/imports/helpers.ts';

let t: TestApp;
let alice: Awaited<ReturnType<typeof owner>>;

const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(1,1)', '\uFF1D1+1', "'=already quoted"];
/** Titles are trimmed, so the tab and CR cases ride in a cell that keeps its text: the external key. */
const KEYS = ['\t=1+1', '\r=1+1'];
const EVIL_LABEL = "=cmd|' /C calc'!A0";

/** A seed document in our own format: two teams, states, a label group, threads, relations, history. */
function seed() {
  const ts = (m: number) => new Date(Date.UTC(2025, 0, 1, 0, m)).toISOString();
  return {
    format: 'exponential', version: 1, workspace: { id: 'w', name: 'Seed', urlSlug: 'seed' },
    teams: [{ id: 't1', key: 'ENG', name: 'Engineering' }, { id: 't2', key: 'OPS', name: 'Operations', description: 'Ops team', createdAt: ts(1), updatedAt: ts(2) }],
    states: [
      { id: 's1', teamId: 't1', name: 'Todo', category: 'unstarted' }, { id: 's2', teamId: 't1', name: 'QA', category: 'started', color: '#123456', createdAt: ts(3), updatedAt: ts(3) },
      { id: 's3', teamId: 't1', name: 'Done', category: 'completed' }, { id: 's4', teamId: 't2', name: 'Todo', category: 'unstarted' },
    ],
    labels: [
      { id: 'g1', name: 'Sprint', isGroup: true, color: '#5e6ad2', teamId: null, parentId: null },
      { id: 'l1', name: 'Sprint 1', isGroup: false, color: '#00ff00', teamId: null, parentId: 'g1', createdAt: ts(4), updatedAt: ts(4) },
      { id: 'l2', name: EVIL_LABEL, isGroup: false, color: '#ff0000', teamId: null, parentId: null, createdAt: ts(5), updatedAt: ts(5) },
    ],
    members: [{ id: 'ua', name: 'Alice', email: 'alice@example.com' }, { id: 'uz', name: 'Zed', email: 'zed@elsewhere.example' }],
    issues: [
      { id: 'i1', teamId: 't1', number: 1, title: 'Parent', description: '<p>Hello <strong>world</strong></p>', stateId: 's2', priority: 'high', estimate: 3, assigneeId: 'ua', creatorId: 'ua', labelIds: ['l1'], dueDate: '2025-02-01', createdAt: ts(10), updatedAt: ts(11), startedAt: ts(11) },
      { id: 'i2', teamId: 't1', number: 2, title: 'Child', stateId: 's3', priority: 'low', assigneeId: 'uz', parentId: 'i1', labelIds: ['l1', 'l2'], createdAt: ts(12), updatedAt: ts(13), completedAt: ts(13) },
      ...FORMULAS.map((title, n) => ({ id: `f${n}`, teamId: 't2', number: n + 1, title, stateId: 's4', labelIds: n === 0 ? ['l2'] : [], externalKey: KEYS[n] ?? null, createdAt: ts(20 + n), updatedAt: ts(20 + n) })),
    ],
    comments: [
      { id: 'c1', issueId: 'i1', userId: 'ua', body: '<p>first</p>', createdAt: ts(30), updatedAt: ts(30) },
      { id: 'c2', issueId: 'i1', userId: 'uz', parentId: 'c1', body: '<p>reply</p>', createdAt: ts(31), updatedAt: ts(32), editedAt: ts(32) },
    ],
    relations: [{ id: 'r1', issueId: 'i1', relatedIssueId: 'f0', type: 'blocks', createdAt: ts(40) }],
    history: [{ id: 'h1', issueId: 'i1', actorId: 'ua', kind: 'updated', changes: { stateId: { from: 's1', to: 's2' }, labelIds: { added: ['l1'] } }, createdAt: ts(41) }],
  };
}

/** The export with every id replaced by a stable reference, without the import record. */
function normalize(doc: any) {
  const ref = new Map<string, string>();
  for (const t of doc.teams) ref.set(t.id, `team:${t.key}`);
  const teamKey = new Map(doc.teams.map((t: any) => [t.id, t.key]));
  for (const s of doc.states) ref.set(s.id, `state:${teamKey.get(s.teamId)}/${s.name}`);
  const labelName = new Map(doc.labels.map((l: any) => [l.id, l.name]));
  for (const l of doc.labels) ref.set(l.id, `label:${l.parentId ? `${labelName.get(l.parentId)}/` : ''}${l.name}`);
  for (const m of doc.members) ref.set(m.id, `user:${m.name}${m.placeholder ? '(placeholder)' : `<${m.email}>`}`);
  for (const i of doc.issues) ref.set(i.id, `issue:${i.identifier}`);
  for (const c of doc.comments) ref.set(c.id, `comment:${ref.get(c.issueId)}@${c.createdAt}`);
  const swap = (v: any): any => (typeof v === 'string' ? ref.get(v) ?? v : Array.isArray(v) ? v.map(swap) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'id').map(([k, x]) => [k, swap(x)])) : v);
  const sort = (list: any[]) => list.map(swap).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    format: doc.format, version: doc.version, teams: sort(doc.teams), states: sort(doc.states), labels: sort(doc.labels),
    members: sort(doc.members.map((m: any) => ({ ...m, email: m.placeholder ? null : m.email }))), issues: sort(doc.issues),
    comments: sort(doc.comments), relations: sort(doc.relations),
    history: sort(doc.history.filter((h: any) => h.changes?.source !== 'import')),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  alice = await owner(t, 'alice@example.com', 'Acme', 'ENG');
  const job = await importFile(t, alice, 'exponential-json', JSON.stringify(seed()));
  expect(job.status, JSON.stringify(job.problems)).toBe('succeeded');
});
afterAll(async () => t?.close());

describe('GET /api/v1/exports/workspace.json', () => {
  it('401 without credentials, 403 for a member', async () => {
    expect((await api(t.app, 'GET', '/api/v1/exports/workspace.json')).status).toBe(401);
    const m = await memberOf(t, alice.workspace, 'bob@example.com');
    const res = await api(t.app, 'GET', '/api/v1/exports/workspace.json', { as: m });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only workspace owners and admins can export');
  });

  it('round-trips losslessly: export → import into an empty workspace → export', async () => {
    const first = await api(t.app, 'GET', '/api/v1/exports/workspace.json', { as: alice });
    expect(first.status).toBe(200);
    expect(first.headers['content-disposition']).toMatch(/^attachment; filename="workspace-export-/);
    expect(first.body).toMatchObject({ format: 'exponential', version: 1 });
    expect(first.body.issues).toHaveLength(2 + FORMULAS.length);
    expect(first.body.issues.find((i: any) => i.title === FORMULAS[0]).identifier).toBe('OPS-1');

    const ws = await createWorkspace(t, alice, 'Copy', 'ENG');
    const as = { ...alice, workspace: ws.workspace.id };
    const job = await importFile(t, as, 'exponential-json', JSON.stringify(first.body));
    expect(job.status, JSON.stringify(job.problems)).toBe('succeeded');
    // Memberships are not part of an import (it never grants access): give the copy the same members.
    for (const m of first.body.members.filter((x: any) => x.role && x.email !== 'alice@example.com')) {
      await t.database.db.insert(member).values({ workspaceId: ws.workspace.id, userId: m.id, role: m.role });
    }
    const second = await api(t.app, 'GET', '/api/v1/exports/workspace.json', { as });
    expect(second.status).toBe(200);
    expect(second.body.workspace.id).toBe(ws.workspace.id);
    expect(normalize(second.body)).toEqual(normalize(first.body));
  });
});

describe('GET /api/v1/exports/issues.csv', () => {
  it('403 for a member', async () => {
    const m = await memberOf(t, alice.workspace, 'carol@example.com');
    expect((await api(t.app, 'GET', '/api/v1/exports/issues.csv', { as: m })).status).toBe(403);
  });

  it('is RFC 4180 UTF-8 with every formula cell neutralised and quoted; JSON keeps the exact text', async () => {
    const res = await api(t.app, 'GET', '/api/v1/exports/issues.csv', { as: alice });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const text = res.body as string;
    expect(text.startsWith('\ufeff"Identifier","Title"')).toBe(true);
    expect(text).toContain('\r\n');
    const rows = Papa.parse<string[]>(text.slice(1), { newline: '\r\n' }).data.filter((r) => r.length > 1);
    const title = (id: string) => rows.find((r) => r[0] === id)![1];
    expect(title('OPS-1')).toBe(`'${FORMULAS[0]}`);
    expect(title('OPS-2')).toBe("'+1+1");
    expect(title('OPS-3')).toBe("'-2+3");
    expect(title('OPS-4')).toBe("'@SUM(1,1)");
    expect(title('OPS-5')).toBe("'\uFF1D1+1");
    expect(title('OPS-6')).toBe("''=already quoted");
    expect(rows.find((r) => r[0] === 'OPS-1')![24]).toBe("'\t=1+1");
    expect(rows.find((r) => r[0] === 'OPS-2')![24]).toBe("'\r=1+1");
    expect(rows.find((r) => r[0] === 'OPS-1')![13]).toBe(`'${EVIL_LABEL}`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    for (const r of rows.slice(1)) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r\uFF1D]/);
    const json = await api(t.app, 'GET', '/api/v1/exports/workspace.json', { as: alice });
    expect(json.body.issues.map((i: any) => i.title)).toEqual(expect.arrayContaining(FORMULAS));
  });

  it('re-importing our own CSV restores the original text', async () => {
    const csv = await api(t.app, 'GET', '/api/v1/exports/issues.csv', { as: alice });
    const ws = await createWorkspace(t, alice, 'From CSV', 'CSV');
    const as = { ...alice, workspace: ws.workspace.id };
    const job = await importFile(t, as, 'exponential-csv', csv.body as string);
    expect(job.status, JSON.stringify(job.problems)).toBe('succeeded');
    const titles = (await t.database.db.select({ title: issue.title }).from(issue).where(eq(issue.workspaceId, ws.workspace.id))).map((r) => r.title);
    expect(titles).toEqual(expect.arrayContaining([...FORMULAS, 'Parent', 'Child']));
    const keys = (await t.database.db.select({ k: issue.externalKey }).from(issue).where(eq(issue.workspaceId, ws.workspace.id))).map((r) => r.k);
    expect(keys).toEqual(expect.arrayContaining(KEYS));
    const evil = await t.database.db.select().from(label).where(and(eq(label.workspaceId, ws.workspace.id), eq(label.name, EVIL_LABEL)));
    expect(evil).toHaveLength(1);
    const [parent] = await t.database.db.select().from(issue).where(and(eq(issue.workspaceId, ws.workspace.id), eq(issue.title, 'Parent')));
    expect(parent!.description).toBe('<p>Hello <strong>world</strong></p>');
  });
});
