import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@exponential/db';
import { isoFromPg } from '../src/lib/schemas.ts';
import { createIssueIn } from '../src/modules/issues/issues.write.ts';
import { runMutation } from '../src/sync/mutation.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';
import { addLabel, addMember, type Actor, createIssue, newWorkspace, statesByName, type Ws } from './issues-fixtures.ts';

let t: TestApp;
let A: Ws;
let B: Ws;
let alice: Actor;
let mia: Actor;

beforeAll(async () => {
  t = await createTestApp();
  A = await newWorkspace(t, 'alice@acme.test', 'Acme', 'ENG');
  B = await newWorkspace(t, 'bob@beta.test', 'Beta', 'OPS');
  alice = A.owner;
  mia = await addMember(t, A, 'mia@acme.test', 'member', [A.teamId]);
});
afterAll(async () => {
  await t?.close();
});

type Issue = { id: string; identifier: string; title: string; [k: string]: unknown };
const list = (who: Actor | null, query: string) => api(t.app, 'GET', `/api/v1/issues${query ? `?${query}` : ''}`, who ? { as: who } : {});

/** Walks every page of `query` with `limit`, running `between` after each page. */
async function walk(who: Actor, query: string, limit: number, between?: (page: number) => Promise<void>): Promise<Issue[]> {
  const out: Issue[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await list(who, `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (!cursor) return out;
    await between?.(page);
  }
  throw new Error('too many pages');
}

/** Creates `n` issues in ONE mutation, so they share created_at and updated_at. */
async function createInOneTransaction(ws: Ws, who: Actor, n: number, teamId: string, prefix: string): Promise<string[]> {
  const viewer = { userId: who.userId, workspaceId: ws.wsId, role: 'owner' as const };
  const { value } = await runMutation({ database: t.database, bus: t.bus, clock: t.clock }, ws.wsId, who.userId, async (ctx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await createIssueIn(ctx, viewer, { teamId, title: `${prefix} ${i}`, priority: i % 2 ? 'high' : 'none' })).id);
    return ids;
  });
  return value;
}

describe('GET /issues', () => {
  it('401 without credentials, 404 for a team of another workspace, 400 with exact messages', async () => {
    expect((await list(null, '')).status).toBe(401);
    const foreign = await list(B.owner, `teamId=${A.teamId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0]).toEqual({ field: '/query/teamId', message: `Team ${A.teamId} not found` });
    const limit = await list(alice, 'limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0]).toEqual({ field: '/query/limit', message: 'limit must be >= 1' });
    const order = await list(alice, 'orderBy=title');
    expect(order.status).toBe(400);
    expect(order.body.errors).toEqual([{ field: '/query/orderBy', message: 'orderBy must be one of: createdAt, updatedAt, priority, manual' }]);
    expect(order.body.detail).toBe('orderBy must be one of: createdAt, updatedAt, priority, manual');
    const bad = await list(alice, 'cursor=abc.def');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_cursor', errors: [{ field: '/query/cursor', message: 'The cursor is invalid; start again without it' }] });
  });

  it('walks 25 issues created in one transaction exactly once with limit=10, while another client writes', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Batch', key: 'BAT' } });
    const ids = await createInOneTransaction(A, alice, 25, team.body.id, 'batch');
    let extra = 0;
    const seen = await walk(alice, 'teamId=BAT', 10, async (page) => {
      // Another client inserts a new issue and edits one already listed and one not yet listed.
      await createIssue(t, mia, { teamId: 'BAT', title: `late ${extra++}` });
      const r1 = await api(t.app, 'PATCH', `/api/v1/issues/${ids[page]}`, { as: mia, body: { title: `edited ${page}` } });
      const r2 = await api(t.app, 'PATCH', `/api/v1/issues/${ids[24 - page]}`, { as: mia, body: { priority: 'low' } });
      expect([r1.status, r2.status]).toEqual([200, 200]);
    });
    const original = seen.filter((i) => ids.includes(i.id));
    expect(original).toHaveLength(25);
    expect(new Set(original.map((i) => i.id)).size).toBe(25);
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    // Same created_at: ordered by id, newest first.
    expect(original.map((i) => i.id)).toEqual([...ids].sort().reverse());
  });

  it('walks every order exactly once across page boundaries with equal sort keys', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Orders', key: 'ORD' } });
    const ids = await createInOneTransaction(A, alice, 23, team.body.id, 'ordered');
    for (const orderBy of ['createdAt', 'updatedAt', 'priority', 'manual']) {
      const full = (await list(alice, `teamId=ORD&orderBy=${orderBy}&limit=100`)).body.data.map((i: Issue) => i.id);
      expect(full.sort()).toEqual([...ids].sort());
      const paged = (await walk(alice, `teamId=ORD&orderBy=${orderBy}`, 4)).map((i) => i.id);
      const again = (await list(alice, `teamId=ORD&orderBy=${orderBy}&limit=100`)).body.data.map((i: Issue) => i.id);
      expect(paged).toEqual(again);
    }
    const byPriority = (await list(alice, 'teamId=ORD&orderBy=priority&limit=100')).body.data.map((i: Issue) => i.priority);
    expect(byPriority.indexOf('none')).toBe(byPriority.lastIndexOf('high') + 1);
    const manual = (await list(alice, 'teamId=ORD&orderBy=manual&limit=100')).body.data.map((i: Issue) => i.sortOrder as string);
    expect([...manual].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(manual);
  });

  it('refuses a tampered cursor or one from another order with 400 invalid_cursor', async () => {
    const first = await list(alice, 'limit=1');
    const cursor: string = first.body.nextCursor;
    expect(cursor).toBeTruthy();
    const [body, tag] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify(['i1', 'createdAt', '2099-01-01T00:00:00.000000Z', '0190a000-0000-7000-8000-000000000000'])).toString('base64url')}.${tag}`;
    for (const c of [forged, `${body}.${tag!.slice(0, -1)}A`, `${body!.slice(1)}.${tag}`, 'x'.repeat(600)]) {
      const res = await list(alice, `limit=1&cursor=${encodeURIComponent(c)}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('/query/cursor');
    }
    const otherOrder = await list(alice, `limit=1&orderBy=priority&cursor=${encodeURIComponent(cursor)}`);
    expect(otherOrder.status).toBe(400);
    expect(otherOrder.body).toMatchObject({ code: 'invalid_cursor', detail: 'The cursor is invalid for this list; start again without it' });
  });

  it('filters by team, state, category, assignee, creator, label, priority, parent and due date', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Filters', key: 'FIL' } });
    const S = await statesByName(t, team.body.id);
    await api(t.app, 'POST', `/api/v1/teams/FIL/members`, { as: alice, body: { userId: mia.userId } });
    const label = await addLabel(t, A, 'Filter me');
    const p = await createIssue(t, alice, { teamId: 'FIL', title: 'parent', stateId: S['In Progress']!.id, assigneeId: mia.userId, labelIds: [label] });
    const c = await createIssue(t, mia, { teamId: 'FIL', title: 'child', parentId: p.identifier, priority: 'urgent', dueDate: '2027-03-01' });
    const ids = async (q: string) => (await list(alice, `teamId=FIL&limit=100&${q}`)).body.data.map((i: Issue) => i.id).sort();
    expect(await ids('')).toEqual([p.id, c.id].sort());
    expect(await ids(`stateId=${S['In Progress']!.id}`)).toEqual([p.id]);
    expect(await ids('stateCategory=started')).toEqual([p.id]);
    expect(await ids('stateCategory=backlog')).toEqual([c.id]);
    expect(await ids(`assigneeId=${mia.userId}`)).toEqual([p.id]);
    expect(await ids('assigneeId=none')).toEqual([c.id]);
    expect((await list(mia, 'teamId=FIL&assigneeId=me')).body.data.map((i: Issue) => i.id)).toEqual([p.id]);
    expect(await ids(`creatorId=${mia.userId}`)).toEqual([c.id]);
    expect((await list(mia, 'teamId=FIL&creatorId=me')).body.data.map((i: Issue) => i.id)).toEqual([c.id]);
    expect(await ids(`labelId=${label}`)).toEqual([p.id]);
    expect(await ids('priority=urgent')).toEqual([c.id]);
    expect(await ids(`parentId=${p.identifier}`)).toEqual([c.id]);
    expect(await ids('parentId=none')).toEqual([p.id]);
    expect(await ids('dueBefore=2027-03-01')).toEqual([c.id]);
    expect(await ids('dueAfter=2027-03-02')).toEqual([]);
    const badParent = await list(alice, 'parentId=FIL-999');
    expect(badParent.status).toBe(404);
    expect(badParent.body.errors[0]).toEqual({ field: '/query/parentId', message: 'Issue FIL-999 not found' });
  });

  it('lists list columns: every field of the single issue but the description, label ids sorted', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Columns', key: 'COL' } });
    const [l1, l2] = [await addLabel(t, A, 'Col one'), await addLabel(t, A, 'Col two')];
    const made = await createIssue(t, alice, { teamId: team.body.id, title: 'with text', description: '<p>long text</p>', labelIds: [l2, l1], estimate: 3 });
    const bare = await createIssue(t, alice, { teamId: team.body.id, title: 'no labels' });
    const page = (await list(alice, 'teamId=COL&orderBy=manual')).body.data as Issue[];
    for (const made1 of [made, bare]) {
      const single = (await api(t.app, 'GET', `/api/v1/issues/${made1.id}`, { as: alice })).body;
      const { description, ...columns } = single;
      const item = page.find((i) => i.id === made1.id);
      expect(item).toEqual(columns);
      expect(item).not.toHaveProperty('description');
      if (made1 === made) {
        expect(description).toBe('<p>long text</p>');
        expect(item?.labelIds).toEqual([l1, l2].sort());
      }
    }
    // Sub-issues and search are the same list.
    const child = await createIssue(t, alice, { teamId: 'COL', title: 'child of text', parentId: made.id, description: '<p>x</p>' });
    for (const q of [`parentId=${made.identifier}`, 'q=child%20of%20text']) {
      const [hit] = (await list(alice, q)).body.data as Issue[];
      expect(hit?.id).toBe(child.id);
      expect(hit).not.toHaveProperty('description');
    }
  });

  it('lists timestamps exactly as the single issue shows them, whatever their precision', async () => {
    await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Stamps', key: 'STP' } });
    const made = await createIssue(t, alice, { teamId: 'STP', title: 'stamped', priority: 'urgent', dueDate: '2027-02-28' });
    await queryRows(
      t.database.db,
      sql`update issue set started_at = '2026-01-02 03:04:05.1+00', completed_at = '2026-01-02 03:04:05.123999+00',
          canceled_at = '1999-12-31 23:59:59+00', archived_at = '2026-06-30 22:00:00.000999+02',
          created_at = '2025-03-04 05:06:07.98765+00', updated_at = '2025-03-04 05:06:07.5+00' where id = ${made.id}`,
    );
    const single = (await api(t.app, 'GET', `/api/v1/issues/${made.id}`, { as: alice })).body;
    const { description: _, ...columns } = single;
    const [item] = (await list(alice, 'teamId=STP&includeArchived=true')).body.data as Issue[];
    expect(item).toEqual(columns);
    expect(item).toMatchObject({
      priority: 'urgent',
      dueDate: '2027-02-28',
      startedAt: '2026-01-02T03:04:05.100Z',
      completedAt: '2026-01-02T03:04:05.123Z',
      canceledAt: '1999-12-31T23:59:59.000Z',
      archivedAt: '2026-06-30T20:00:00.000Z',
      createdAt: '2025-03-04T05:06:07.987Z',
      updatedAt: '2025-03-04T05:06:07.500Z',
    });
  });

  it('isoFromPg gives what Date gives for PostgreSQL timestamp text', () => {
    for (const text of [
      '2026-11-29 14:08:29.010123+00',
      '2026-11-29 14:08:29.9999+00',
      '2026-11-29 14:08:29.5+00',
      '2026-11-29 14:08:29.12+00',
      '2026-11-29 14:08:29+00',
      '2026-11-29 14:08:29.123456+05:30',
      '2026-11-29 14:08:29-08',
      '0999-01-01 00:00:00+00',
    ]) {
      expect(isoFromPg(text), text).toBe(new Date(text).toISOString());
    }
    expect(() => isoFromPg('not a time')).toThrow(RangeError);
  });

  it('tells an empty readable team (200) from an unreadable one (404) for members and guests', async () => {
    const open = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Empty', key: 'EMP' } });
    const closed = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Closed', key: 'CLO', isPrivate: true } });
    const inside = await createIssue(t, alice, { teamId: closed.body.id, title: 'inside' });
    const guest = await addMember(t, A, 'gina@acme.test', 'guest', [closed.body.id]);
    const ok = await list(mia, `teamId=${open.body.id}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: [], nextCursor: null });
    expect((await list(mia, 'teamId=EMP&q=nothing%20like%20this')).status).toBe(200);
    for (const q of [`teamId=${closed.body.id}`, 'teamId=CLO', 'teamId=CLO&q=zzz', `teamId=${closed.body.id}&cursor=x`]) {
      const res = await list(mia, q);
      expect(res.status, q).toBe(q.includes('cursor') ? 400 : 404);
    }
    expect((await list(guest, 'teamId=EMP')).status).toBe(404);
    expect((await list(guest, 'teamId=CLO')).body.data.map((i: Issue) => i.id)).toEqual([inside.id]);
    await api(t.app, 'POST', '/api/v1/teams/CLO/members', { as: alice, body: { userId: mia.userId } });
    expect((await list(mia, 'teamId=CLO')).body.data.map((i: Issue) => i.id)).toEqual([inside.id]);
    expect((await walk(mia, 'q=inside', 50)).map((i) => i.id)).toContain(inside.id);
  });

  it('lists only issues of teams the actor may read', async () => {
    const priv = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Hidden', key: 'HID', isPrivate: true } });
    const secret = await createIssue(t, alice, { teamId: priv.body.id, title: 'secret plans' });
    const mine = (await walk(mia, 'q=secret', 50)).map((i) => i.id);
    expect(mine).not.toContain(secret.id);
    expect((await walk(alice, 'q=secret', 50)).map((i) => i.id)).toContain(secret.id);
    expect((await list(mia, 'teamId=HID')).status).toBe(404);
    const guest = await addMember(t, A, 'gus@acme.test', 'guest', [priv.body.id]);
    const seen = await walk(guest, 'includeArchived=true', 100);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((i) => i.teamId === priv.body.id)).toBe(true);
  });
});

describe('search (q)', () => {
  it('answers 200 for hostile and unusual text, escapes LIKE wildcards, finds identifiers', async () => {
    const team = await api(t.app, 'POST', '/api/v1/teams', { as: alice, body: { name: 'Search', key: 'SRC' } });
    const titles = ["What's new", 'a:b ratio', '100% done', 'snake_case name', 'back\\slash', 'Über ünterschied', '你好世界', 'on 🔥 fire', 'plain'];
    const made: Record<string, Issue> = {};
    for (const title of titles) made[title] = await createIssue(t, alice, { teamId: team.body.id, title });
    const search = async (q: string) => {
      const res = await list(alice, `teamId=SRC&limit=100&q=${encodeURIComponent(q)}`);
      expect(res.status, `q=${JSON.stringify(q.slice(0, 20))}`).toBe(200);
      return res.body.data.map((i: Issue) => i.title).sort();
    };
    const hostile = ["What's", 'a:b', '/', '\\', '(', '!', '&|', ':*', "'", '"', '%', '_', 'ü', '你好', '🔥', 'x'.repeat(5000), '', '   '];
    for (const q of hostile) await search(q);
    expect(await search('%')).toEqual(['100% done']);
    expect(await search('_')).toEqual(['snake_case name']);
    expect(await search('\\')).toEqual(['back\\slash']);
    expect(await search("What's")).toEqual(["What's new"]);
    expect(await search('ü')).toEqual(['Über ünterschied']);
    expect(await search('你好')).toEqual(['你好世界']);
    expect(await search('🔥')).toEqual(['on 🔥 fire']);
    expect(await search('PLAIN')).toEqual(['plain']);
    expect(await search('x'.repeat(5000))).toEqual([]);
    expect(await search('')).toHaveLength(titles.length);
    const tooLong = await list(alice, `q=${'x'.repeat(5001)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]).toEqual({ field: '/query/q', message: 'q must be at most 5000 characters (Unicode code points)' });
  });

  it('ENG-12 finds that issue', async () => {
    let twelve: Issue | undefined;
    while (!twelve) {
      const i = await createIssue(t, alice, { teamId: 'ENG', title: 'filler' });
      if (i.identifier === 'ENG-12') twelve = i;
      expect(i.number).toBeLessThanOrEqual(12);
    }
    const res = await list(alice, 'q=ENG-12');
    expect(res.body.data.map((i: Issue) => i.id)).toEqual([twelve.id]);
    expect((await list(alice, 'q=eng-12')).body.data.map((i: Issue) => i.id)).toEqual([twelve.id]);
    expect((await list(B.owner, 'q=ENG-12')).body.data).toEqual([]);
  });
});
