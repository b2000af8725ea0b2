import { eq } from 'drizzle-orm';
import { comment } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Actor, insertIssue, insertTeam, type IssueRef, newWorkspace, opsFor, type Ws } from './collab-fixtures.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let a: Ws;
let b: Ws;
let bob: Actor;
let carol: Actor;
let issueA: IssueRef;
let issueB: IssueRef;
let foreignComment: string;

beforeAll(async () => {
  t = await createTestApp();
  a = await newWorkspace(t, 'alice@example.com', 'Acme', 'ENG');
  b = await newWorkspace(t, 'mallory@example.com', 'Other', 'OPS');
  bob = await addMember(t, a, 'bob@example.com', 'member');
  carol = await addMember(t, a, 'carol@example.com', 'admin');
  issueA = await insertIssue(t, a, 'Login fails');
  issueB = await insertIssue(t, b, 'Elsewhere');
  const c = await api(t.app, 'POST', `/api/v1/issues/${issueB.id}/comments`, { as: b.owner, body: { body: '<p>theirs</p>' } });
  expect(c.status).toBe(201);
  foreignComment = c.body.id;
});
afterAll(async () => {
  await t?.close();
});

const post = (as: Actor | null, issueRef: string, body: unknown) => api(t.app, 'POST', `/api/v1/issues/${issueRef}/comments`, { as, body });

describe('POST /api/v1/issues/:issueId/comments', () => {
  it('401 without credentials', async () => {
    const res = await post(null, issueA.id, { body: '<p>hi</p>' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('404 for an issue of another workspace (by id and identifier), writing nothing', async () => {
    const byId = await post(a.owner, issueB.id, { body: '<p>hi</p>' });
    expect(byId.status).toBe(404);
    expect(byId.body.errors[0].field).toBe('/params/issueId');
    expect((await post(a.owner, issueB.identifier, { body: '<p>hi</p>' })).status).toBe(404);
    const rows = await t.database.db.select().from(comment).where(eq(comment.issueId, issueB.id));
    expect(rows).toHaveLength(1);
  });

  it('404 for a parent comment of another workspace', async () => {
    const res = await post(a.owner, issueA.id, { body: '<p>reply</p>', parentId: foreignComment });
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toEqual({ field: '/body/parentId', message: `Comment ${foreignComment} not found` });
  });

  it('404 for an issue in a private team the member is not in', async () => {
    const secretTeam = await insertTeam(t, a, 'SEC', true, [a.owner.userId]);
    const secret = await insertIssue(t, a, 'Secret', secretTeam);
    expect((await post(bob, secret.id, { body: '<p>peek</p>' })).status).toBe(404);
    expect((await api(t.app, 'GET', `/api/v1/issues/${secret.identifier}/comments`, { as: bob })).status).toBe(404);
    expect((await post(a.owner, secret.id, { body: '<p>ok</p>' })).status).toBe(201);
  });

  it('422 with exact messages for empty, blank-after-sanitizing, too long and unknown fields', async () => {
    const empty = await post(a.owner, issueA.id, { body: '' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0]).toEqual({ field: '/body/body', message: 'body must not be empty' });
    for (const body of ['<script>alert(1)</script>', '<p> </p>', '<p>&nbsp;</p>', '<svg><circle r="1"/></svg>']) {
      const res = await post(a.owner, issueA.id, { body });
      expect(res.status, body).toBe(422);
      expect(res.body.errors[0]).toEqual({ field: '/body/body', message: 'body must not be empty' });
    }
    const long = await post(a.owner, issueA.id, { body: 'x'.repeat(50_001) });
    expect(long.status).toBe(422);
    expect(long.body.errors[0]).toEqual({ field: '/body/body', message: 'body must be at most 50000 characters (Unicode code points)' });
    const extra = await post(a.owner, issueA.id, { body: '<p>x</p>', authorId: bob.userId });
    expect(extra.status).toBe(422);
    expect(extra.body.errors[0]).toEqual({ field: '/body/authorId', message: 'authorId is not a known field' });
    const missing = await post(a.owner, issueA.id, {});
    expect(missing.body.errors[0]).toEqual({ field: '/body/body', message: 'body is required' });
  });

  it('creates a comment (by identifier), emits an op on the issue team and subscribes the author', async () => {
    const res = await post(bob, issueA.identifier, { body: '<p>Looks <strong>bad</strong></p>' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      issueId: issueA.id,
      userId: bob.userId,
      parentId: null,
      body: '<p>Looks <strong>bad</strong></p>',
      editedAt: null,
      createdAt: '2026-11-29T10:00:00.000Z',
      updatedAt: '2026-11-29T10:00:00.000Z',
      reactions: [],
    });
    const ops = await opsFor(t, a.wsId, 'comment', res.body.id);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ action: 'insert', teamId: issueA.teamId, actorId: bob.userId, data: res.body });
    const sub = await api(t.app, 'GET', `/api/v1/issues/${issueA.id}/subscription`, { as: bob });
    expect(sub.body.subscribed).toBe(true);
  });

  it('accepts a client id once; the same id again is 409', async () => {
    const id = '0190f6a0-0000-7000-8000-0000000000c1';
    expect((await post(a.owner, issueA.id, { id, body: '<p>mine</p>' })).status).toBe(201);
    const again = await post(a.owner, issueA.id, { id, body: '<p>mine</p>' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('id_taken');
  });
});

describe('XSS in comment bodies', () => {
  const payloads = [
    '<p>hi</p><img src=x onerror=alert(1)>',
    '<p>img</p><img src="https://example.com/a.png" onerror="alert(1)" onload="alert(2)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">case</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href=" javascript:alert(1)">space</a>',
    '<p>svg</p><svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<p onclick="alert(1)" style="color:red">para</p>',
    '<iframe src="javascript:alert(1)"></iframe><p>frame</p>',
    '<math><mtext><a href="javascript:alert(1)">m</a></mtext></math><p>math</p>',
  ];
  for (const body of payloads) {
    it(`neutralises ${body}`, async () => {
      const res = await post(a.owner, issueA.id, { body });
      expect(res.status).toBe(201);
      const out: string = res.body.body;
      expect(out).not.toMatch(/\son\w+\s*=/i);
      expect(out).not.toMatch(/javascript:/i);
      expect(out).not.toMatch(/<(svg|iframe|math|script)/i);
      expect(out).not.toMatch(/style=/i);
      const [stored] = await t.database.db.select().from(comment).where(eq(comment.id, res.body.id));
      expect(stored!.body).toBe(out);
    });
  }

  it('keeps a safe link with forced rel and the https image', async () => {
    const res = await post(a.owner, issueA.id, { body: '<p><a href="https://example.com">ok</a></p><img src="https://example.com/a.png" onerror="x()">' });
    expect(res.body.body).toBe(
      '<p><a href="https://example.com" rel="noopener noreferrer nofollow">ok</a></p><img src="https://example.com/a.png" />',
    );
  });
});

describe('threads and GET /api/v1/issues/:issueId/comments', () => {
  it('attaches replies, and replies to replies, to the thread root; lists oldest first in pages', async () => {
    const issue = await insertIssue(t, a, 'Threads');
    const root = await post(a.owner, issue.id, { body: '<p>root</p>' });
    t.clock.advance(1000);
    const reply = await post(bob, issue.id, { body: '<p>reply</p>', parentId: root.body.id });
    expect(reply.body.parentId).toBe(root.body.id);
    t.clock.advance(1000);
    const nested = await post(carol, issue.id, { body: '<p>reply to reply</p>', parentId: reply.body.id });
    expect(nested.status).toBe(201);
    expect(nested.body.parentId).toBe(root.body.id);
    t.clock.advance(1000);
    const other = await post(a.owner, issue.id, { body: '<p>second thread</p>' });

    const p1 = await api(t.app, 'GET', `/api/v1/issues/${issue.identifier}/comments?limit=3`, { as: bob });
    expect(p1.status).toBe(200);
    expect(p1.body.data.map((c: { id: string }) => c.id)).toEqual([root.body.id, reply.body.id, nested.body.id]);
    expect(p1.body.data.map((c: { parentId: string | null }) => c.parentId)).toEqual([null, root.body.id, root.body.id]);
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await api(t.app, 'GET', `/api/v1/issues/${issue.id}/comments?limit=3&cursor=${encodeURIComponent(p1.body.nextCursor)}`, { as: bob });
    expect(p2.body.data.map((c: { id: string }) => c.id)).toEqual([other.body.id]);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('a parent on another issue of the same workspace is 404', async () => {
    const i1 = await insertIssue(t, a, 'one');
    const i2 = await insertIssue(t, a, 'two');
    const c1 = await post(a.owner, i1.id, { body: '<p>on one</p>' });
    const res = await post(a.owner, i2.id, { body: '<p>x</p>', parentId: c1.body.id });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].field).toBe('/body/parentId');
  });

  it('401, 404 for another workspace, 400 for a forged cursor', async () => {
    expect((await api(t.app, 'GET', `/api/v1/issues/${issueA.id}/comments`)).status).toBe(401);
    const foreign = await api(t.app, 'GET', `/api/v1/issues/${issueB.id}/comments`, { as: a.owner });
    expect(foreign.status).toBe(404);
    const bad = await api(t.app, 'GET', `/api/v1/issues/${issueA.id}/comments?cursor=abc.def`, { as: a.owner });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({ field: '/query/cursor', message: 'The cursor is invalid; start again without it' });
  });
});

describe('PATCH /api/v1/comments/:commentId', () => {
  it('only the author edits; the edit is sanitized and marked', async () => {
    const c = await post(bob, issueA.id, { body: '<p>typo</p>' });
    expect((await api(t.app, 'PATCH', `/api/v1/comments/${c.body.id}`, { body: { body: '<p>x</p>' } })).status).toBe(401);
    for (const who of [a.owner, carol]) {
      const res = await api(t.app, 'PATCH', `/api/v1/comments/${c.body.id}`, { as: who, body: { body: '<p>hijack</p>' } });
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('Only the author can edit a comment');
    }
    const blank = await api(t.app, 'PATCH', `/api/v1/comments/${c.body.id}`, { as: bob, body: { body: '<b></b>' } });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0]).toEqual({ field: '/body/body', message: 'body must not be empty' });
    t.clock.advance(60_000);
    const ok = await api(t.app, 'PATCH', `/api/v1/comments/${c.body.id}`, { as: bob, body: { body: '<p>fixed<img src=x onerror=alert(1)></p>' } });
    expect(ok.status).toBe(200);
    expect(ok.body.body).toBe('<p>fixed</p>');
    expect(ok.body.editedAt).toBe(t.clock.now().toISOString());
    expect(ok.body.createdAt).toBe(c.body.createdAt);
    const ops = await opsFor(t, a.wsId, 'comment', c.body.id);
    expect(ops.map((o) => o.action)).toEqual(['insert', 'update']);
  });

  it('404 for a comment of another workspace, 400 for a malformed id', async () => {
    const res = await api(t.app, 'PATCH', `/api/v1/comments/${foreignComment}`, { as: a.owner, body: { body: '<p>x</p>' } });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`Comment ${foreignComment} not found`);
    const [stored] = await t.database.db.select().from(comment).where(eq(comment.id, foreignComment));
    expect(stored!.body).toBe('<p>theirs</p>');
    expect((await api(t.app, 'PATCH', '/api/v1/comments/nope', { as: a.owner, body: { body: '<p>x</p>' } })).status).toBe(400);
  });
});

describe('DELETE /api/v1/comments/:commentId', () => {
  it('members cannot delete others\' comments; authors and admins can; a root goes with its replies', async () => {
    const root = await post(a.owner, issueA.id, { body: '<p>root</p>' });
    const reply = await post(bob, issueA.id, { body: '<p>reply</p>', parentId: root.body.id });
    expect((await api(t.app, 'DELETE', `/api/v1/comments/${root.body.id}`)).status).toBe(401);
    const denied = await api(t.app, 'DELETE', `/api/v1/comments/${root.body.id}`, { as: bob });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe('Only the author or a workspace owner or admin can delete a comment');
    const foreign = await api(t.app, 'DELETE', `/api/v1/comments/${foreignComment}`, { as: a.owner });
    expect(foreign.status).toBe(404);
    expect(await t.database.db.select().from(comment).where(eq(comment.id, foreignComment))).toHaveLength(1);

    const own = await post(bob, issueA.id, { body: '<p>mine</p>' });
    expect((await api(t.app, 'DELETE', `/api/v1/comments/${own.body.id}`, { as: bob })).status).toBe(204);

    const byAdmin = await api(t.app, 'DELETE', `/api/v1/comments/${root.body.id}`, { as: carol });
    expect(byAdmin.status).toBe(204);
    expect(await t.database.db.select().from(comment).where(eq(comment.id, reply.body.id))).toHaveLength(0);
    expect((await opsFor(t, a.wsId, 'comment', reply.body.id)).at(-1)).toMatchObject({ action: 'delete', data: null });
    expect((await opsFor(t, a.wsId, 'comment', root.body.id)).at(-1)).toMatchObject({ action: 'delete', teamId: issueA.teamId });
    expect((await api(t.app, 'DELETE', `/api/v1/comments/${root.body.id}`, { as: carol })).status).toBe(404);
  });
});
