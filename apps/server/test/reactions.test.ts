import { eq } from 'drizzle-orm';
import { reaction } from '@exponential/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Actor, insertIssue, type IssueRef, newWorkspace, opsFor, type Ws } from './collab-fixtures.ts';
import { api, createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let a: Ws;
let b: Ws;
let bob: Actor;
let foreignIssue: IssueRef;
let foreignComment: string;
let foreignReaction: string;

beforeAll(async () => {
  t = await createTestApp();
  a = await newWorkspace(t, 'alice@example.com', 'Acme', 'ENG');
  b = await newWorkspace(t, 'mallory@example.com', 'Other', 'OPS');
  bob = await addMember(t, a, 'bob@example.com', 'member');
  foreignIssue = await insertIssue(t, b, 'Foreign');
  foreignComment = (await api(t.app, 'POST', `/api/v1/issues/${foreignIssue.id}/comments`, { as: b.owner, body: { body: '<p>x</p>' } })).body.id;
  foreignReaction = (await api(t.app, 'POST', `/api/v1/issues/${foreignIssue.id}/reactions`, { as: b.owner, body: { emoji: '🎉' } })).body.id;
});
afterAll(async () => {
  await t?.close();
});

const reactIssue = (as: Actor | null, ref: string, body: unknown) => api(t.app, 'POST', `/api/v1/issues/${ref}/reactions`, { as, body });
const reactComment = (as: Actor | null, id: string, body: unknown) => api(t.app, 'POST', `/api/v1/comments/${id}/reactions`, { as, body });
const countAll = async () => (await t.database.db.select().from(reaction)).length;

describe('POST /api/v1/issues/:issueId/reactions', () => {
  it('401 without credentials', async () => {
    const i = await insertIssue(t, a);
    expect((await reactIssue(null, i.id, { emoji: '👍' })).status).toBe(401);
  });

  it('404 for an issue of another workspace, writing nothing', async () => {
    const before = await countAll();
    for (const ref of [foreignIssue.id, foreignIssue.identifier]) {
      const res = await reactIssue(a.owner, ref, { emoji: '👍' });
      expect(res.status).toBe(404);
      expect(res.body.errors[0].field).toBe('/params/issueId');
    }
    expect(await countAll()).toBe(before);
  });

  it('422 with exact messages', async () => {
    const i = await insertIssue(t, a);
    const cases: Array<[unknown, string, string]> = [
      [{ emoji: '' }, '/body/emoji', 'emoji must not be empty'],
      [{ emoji: 'x'.repeat(33) }, '/body/emoji', 'emoji must be at most 32 characters (Unicode code points)'],
      [{ emoji: '👍 ' }, '/body/emoji', 'emoji must not contain whitespace or control characters'],
      [{ emoji: 'thumbs\tup' }, '/body/emoji', 'emoji must not contain whitespace or control characters'],
      [{ emoji: '\u00a0' }, '/body/emoji', 'emoji must not contain whitespace or control characters'],
      [{ emoji: 'a\u0007' }, '/body/emoji', 'emoji must not contain whitespace or control characters'],
      [{}, '/body/emoji', 'emoji is required'],
      [{ emoji: '👍', userId: bob.userId }, '/body/userId', 'userId is not a known field'],
    ];
    for (const [body, field, message] of cases) {
      const res = await reactIssue(a.owner, i.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0]).toEqual({ field, message });
    }
    expect(await t.database.db.select().from(reaction).where(eq(reaction.issueId, i.id))).toHaveLength(0);
  });

  it('adds once per (issue, user, emoji): re-adding returns the existing reaction with 200', async () => {
    const i = await insertIssue(t, a);
    const first = await reactIssue(a.owner, i.identifier, { emoji: '👍' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      userId: a.owner.userId,
      emoji: '👍',
      issueId: i.id,
      commentId: null,
      createdAt: t.clock.now().toISOString(),
    });
    const again = await reactIssue(a.owner, i.id, { emoji: '👍' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // 32 code points is the limit, whatever their UTF-16 length; a ZWJ sequence is one emoji.
    expect((await reactIssue(a.owner, i.id, { emoji: '👍'.repeat(32) })).status).toBe(201);
    expect((await reactIssue(a.owner, i.id, { emoji: '👨‍👩‍👧‍👦' })).status).toBe(201);
    expect((await reactIssue(bob, i.id, { emoji: '👍' })).status).toBe(201);
    const summary = await api(t.app, 'GET', `/api/v1/issues/${i.id}/reactions`, { as: bob });
    expect(summary.status).toBe(200);
    expect(summary.body.data).toEqual([
      { emoji: '👍', count: 2, userIds: [a.owner.userId, bob.userId] },
      { emoji: '👍'.repeat(32), count: 1, userIds: [a.owner.userId] },
      { emoji: '👨‍👩‍👧‍👦', count: 1, userIds: [a.owner.userId] },
    ]);
    const ops = await opsFor(t, a.wsId, 'reaction', first.body.id);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ action: 'insert', teamId: a.teamId, data: first.body });
  });

  it('GET summary: 401 and 404 for another workspace', async () => {
    expect((await api(t.app, 'GET', `/api/v1/issues/${foreignIssue.id}/reactions`)).status).toBe(401);
    expect((await api(t.app, 'GET', `/api/v1/issues/${foreignIssue.id}/reactions`, { as: a.owner })).status).toBe(404);
  });
});

describe('POST /api/v1/comments/:commentId/reactions', () => {
  it('401, 404 for another workspace\'s comment, 422, and once per (comment, user, emoji)', async () => {
    const i = await insertIssue(t, a);
    const c = await api(t.app, 'POST', `/api/v1/issues/${i.id}/comments`, { as: bob, body: { body: '<p>ship it</p>' } });
    expect((await reactComment(null, c.body.id, { emoji: '🚀' })).status).toBe(401);
    const foreign = await reactComment(a.owner, foreignComment, { emoji: '🚀' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0]).toEqual({ field: '/params/commentId', message: `Comment ${foreignComment} not found` });
    const bad = await reactComment(a.owner, c.body.id, { emoji: 'a b' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toEqual({ field: '/body/emoji', message: 'emoji must not contain whitespace or control characters' });

    const r1 = await reactComment(a.owner, c.body.id, { emoji: ':shipit:' });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ commentId: c.body.id, issueId: null, emoji: ':shipit:' });
    expect((await reactComment(a.owner, c.body.id, { emoji: ':shipit:' })).status).toBe(200);
    // The comment's post-image in the op log follows its reactions.
    const commentOps = await opsFor(t, a.wsId, 'comment', c.body.id);
    expect(commentOps.map((o) => o.action)).toEqual(['insert', 'update']);
    expect((commentOps[1]!.data as { reactions: unknown }).reactions).toEqual([{ emoji: ':shipit:', count: 1, userIds: [a.owner.userId] }]);
    // The same emoji on the issue is a different target.
    expect((await reactIssue(a.owner, i.id, { emoji: ':shipit:' })).status).toBe(201);
    const comments = await api(t.app, 'GET', `/api/v1/issues/${i.id}/comments`, { as: bob });
    expect(comments.body.data[0].reactions).toEqual([{ emoji: ':shipit:', count: 1, userIds: [a.owner.userId] }]);
    expect((await api(t.app, 'GET', `/api/v1/issues/${i.id}/reactions`, { as: bob })).body.data).toEqual([
      { emoji: ':shipit:', count: 1, userIds: [a.owner.userId] },
    ]);
  });
});

describe('DELETE /api/v1/reactions/:reactionId', () => {
  it('401, 404 for another workspace, 403 for someone else\'s, 204 for one\'s own', async () => {
    const i = await insertIssue(t, a);
    const mine = await reactIssue(a.owner, i.id, { emoji: '❤️' });
    expect((await api(t.app, 'DELETE', `/api/v1/reactions/${mine.body.id}`)).status).toBe(401);
    const foreign = await api(t.app, 'DELETE', `/api/v1/reactions/${foreignReaction}`, { as: a.owner });
    expect(foreign.status).toBe(404);
    expect(foreign.body.errors[0]).toEqual({ field: '/params/reactionId', message: `Reaction ${foreignReaction} not found` });
    expect(await t.database.db.select().from(reaction).where(eq(reaction.id, foreignReaction))).toHaveLength(1);
    const others = await api(t.app, 'DELETE', `/api/v1/reactions/${mine.body.id}`, { as: bob });
    expect(others.status).toBe(403);
    expect(others.body.detail).toBe('You can only remove your own reactions');
    expect((await api(t.app, 'DELETE', `/api/v1/reactions/${mine.body.id}`, { as: a.owner })).status).toBe(204);
    expect(await t.database.db.select().from(reaction).where(eq(reaction.id, mine.body.id))).toHaveLength(0);
    const ops = await opsFor(t, a.wsId, 'reaction', mine.body.id);
    expect(ops.map((o) => o.action)).toEqual(['insert', 'delete']);
    // The delete names what was removed (target, emoji, user): clients lower the right count.
    expect(ops[1]!.data).toEqual(mine.body);
    expect(ops[1]!.teamId).toBe(i.teamId);
    expect((await api(t.app, 'DELETE', `/api/v1/reactions/${mine.body.id}`, { as: a.owner })).status).toBe(404);
    // Removed, it can be added again as a new reaction.
    const back = await reactIssue(a.owner, i.id, { emoji: '❤️' });
    expect(back.status).toBe(201);
    expect(back.body.id).not.toBe(mine.body.id);
  });

  it('comment reactions refresh the comment image; deleting a comment removes its reactions and emits their deletes', async () => {
    const i = await insertIssue(t, a);
    const c = await api(t.app, 'POST', `/api/v1/issues/${i.id}/comments`, { as: bob, body: { body: '<p>bye</p>' } });
    const r = await reactComment(a.owner, c.body.id, { emoji: '👋' });
    expect((await api(t.app, 'DELETE', `/api/v1/reactions/${r.body.id}`, { as: a.owner })).status).toBe(204);
    const images = await opsFor(t, a.wsId, 'comment', c.body.id);
    expect(images.map((o) => (o.data as { reactions: unknown[] }).reactions.length)).toEqual([0, 1, 0]);
    const r2 = await reactComment(a.owner, c.body.id, { emoji: '👋' });
    expect((await api(t.app, 'DELETE', `/api/v1/comments/${c.body.id}`, { as: bob })).status).toBe(204);
    expect(await t.database.db.select().from(reaction).where(eq(reaction.id, r2.body.id))).toHaveLength(0);
    expect((await opsFor(t, a.wsId, 'reaction', r2.body.id)).map((o) => o.action)).toEqual(['insert', 'delete']);
  });
});
