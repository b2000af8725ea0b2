import { sql } from 'drizzle-orm';
import { issueHistory } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.ts';
import { insertIssue, type IssueRef, newWorkspace, type Ws } from './collab-fixtures.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let a: Ws;
let b: Ws;
let foreign: IssueRef;

beforeAll(async () => {
  t = await createTestApp();
  a = await newWorkspace(t, 'alice@example.com', 'Acme', 'ENG');
  b = await newWorkspace(t, 'mallory@example.com', 'Other', 'OPS');
  foreign = await insertIssue(t, b, 'Foreign');
});
afterAll(async () => {
  await t?.close();
});

const history = (ref: string, query = '', as: Ws['owner'] | null = a.owner) => api(t.app, 'GET', `/api/v1/issues/${ref}/history${query}`, { as });

describe('GET /api/v1/issues/:issueId/history', () => {
  it('401 without credentials, 404 for another workspace\'s issue', async () => {
    expect((await history(foreign.id, '', null)).status).toBe(401);
    for (const ref of [foreign.id, foreign.identifier]) {
      const res = await history(ref);
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toEqual({ field: '/params/issueId', message: `Issue ${ref} not found` });
    }
  });

  it('400 for a forged, foreign or malformed cursor and for a limit above 100', async () => {
    const i = await insertIssue(t, a);
    for (const cursor of ['abc.def', 'WyJrMSJd.AAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await history(i.id, `?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toEqual({ field: '/query/cursor', message: 'The cursor is invalid; start again without it' });
    }
    const big = await history(i.id, '?limit=101');
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toEqual({ field: '/query/limit', message: 'limit must be <= 100' });
  });

  it('is empty for an issue without events', async () => {
    const i = await insertIssue(t, a);
    expect((await history(i.identifier)).body).toEqual({ data: [], nextCursor: null });
  });

  it('pages newest first without skipping or repeating rows that share a millisecond', async () => {
    const i = await insertIssue(t, a);
    // Rows written by PostgreSQL's clock carry microseconds; five share one millisecond.
    const ids: string[] = [];
    for (let k = 0; k < 7; k++) {
      const id = newId();
      ids.push(id);
      const micros = k < 5 ? `2026-11-29 09:00:00.123${k}00+00` : `2026-11-29 09:0${k}:00+00`;
      await t.database.db.insert(issueHistory).values({
        id,
        workspaceId: a.wsId,
        issueId: i.id,
        actorId: k % 2 ? a.owner.userId : null,
        kind: 'updated',
        changes: { title: { from: `t${k}`, to: `t${k + 1}` } },
        createdAt: sql`${micros}::timestamptz` as unknown as Date,
      });
    }
    const seen: Array<{ id: string; actor: unknown; changes: unknown; createdAt: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { data: typeof seen; nextCursor: string | null } } = await history(i.id, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen.map((h) => h.id)).toEqual([ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect(seen[0]).toMatchObject({ actor: null, changes: { title: { from: 't6', to: 't7' } }, createdAt: '2026-11-29T09:06:00.000Z' });
    expect(seen[1]!.actor).toEqual({ id: a.owner.userId, name: expect.any(String) });
  });
});

describe('OpenAPI', () => {
  it('documents the collaboration operations with their schemas', async () => {
    const res = await api(t.app, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const id of [
      'listComments', 'createComment', 'updateComment', 'deleteComment',
      'listIssueRelations', 'createIssueRelation', 'deleteIssueRelation',
      'listIssueReactions', 'addIssueReaction', 'addCommentReaction', 'deleteReaction',
      'getIssueSubscription', 'subscribeToIssue', 'unsubscribeFromIssue', 'listIssueSubscribers',
      'listIssueHistory',
    ]) expect(ops).toContain(id);
    for (const name of ['Comment', 'IssueRelation', 'Reaction', 'IssueSubscriptionState', 'IssueSubscriber', 'IssueHistoryEvent']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });
});
