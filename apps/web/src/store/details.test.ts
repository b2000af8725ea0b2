/** Relations seen from either issue, reaction summaries, comment threads and sync operations. */
import { describe, expect, it } from 'vitest';
import type { Comment, RelationType } from '../api/details.ts';
import { DetailsStore, toggleInSummary, toStored, viewOf } from './details.ts';
import type { RootStore } from './root.ts';

describe('relations', () => {
  const types: RelationType[] = ['blocks', 'blocked_by', 'related', 'duplicate', 'duplicated_by'];
  const opposite: Record<RelationType, RelationType> = { blocks: 'blocked_by', blocked_by: 'blocks', related: 'related', duplicate: 'duplicated_by', duplicated_by: 'duplicate' };
  it('reads back as the same type from the issue that made it and as the opposite from the other', () => {
    for (const [a, b] of [['a-1', 'b-2'], ['z-9', 'c-3']] as const) {
      for (const type of types) {
        const stored = { id: 'r', ...toStored(a, b, type) };
        expect(viewOf(stored, a)).toEqual({ id: 'r', type, otherId: b });
        expect(viewOf(stored, b)).toEqual({ id: 'r', type: opposite[type], otherId: a });
        expect(viewOf(stored, 'someone-else')).toBeNull();
      }
    }
  });
  it('stores `related` once whichever side makes it (smaller id first, as the server)', () => {
    expect(toStored('b', 'a', 'related')).toEqual(toStored('a', 'b', 'related'));
  });
});

describe('toggleInSummary', () => {
  it('adds and removes one person’s reaction, dropping empty emoji', () => {
    let list = toggleInSummary([], '👍', 'u1', true);
    list = toggleInSummary(list, '👍', 'u2', true);
    list = toggleInSummary(list, '👍', 'u2', true);
    expect(list).toEqual([{ emoji: '👍', count: 2, userIds: ['u1', 'u2'] }]);
    list = toggleInSummary(list, '👍', 'u1', false);
    expect(list).toEqual([{ emoji: '👍', count: 1, userIds: ['u2'] }]);
    expect(toggleInSummary(list, '👍', 'u2', false)).toEqual([]);
  });
  it('never mutates the list it is given', () => {
    const before = [{ emoji: '🎉', count: 1, userIds: ['u1'] }];
    toggleInSummary(before, '🎉', 'u2', true);
    expect(before).toEqual([{ emoji: '🎉', count: 1, userIds: ['u1'] }]);
  });
});

function comment(id: string, parentId: string | null, at: string): Comment {
  return { id, issueId: 'i', userId: 'u', parentId, body: `<p>${id}</p>`, editedAt: null, createdAt: at, updatedAt: at, reactions: [] };
}

describe('DetailsStore', () => {
  const store = () => new DetailsStore({} as RootStore);
  it('groups replies (and replies to replies) under the first comment of their thread, oldest first', () => {
    const d = store();
    d.load.set('i', 'loaded');
    d.applyOp({ entity: 'comment', id: 'c2', action: 'insert', data: comment('c2', null, '2026-01-02T00:00:00Z') });
    d.applyOp({ entity: 'comment', id: 'c1', action: 'insert', data: comment('c1', null, '2026-01-01T00:00:00Z') });
    d.applyOp({ entity: 'comment', id: 'r2', action: 'insert', data: comment('r2', 'r1', '2026-01-04T00:00:00Z') });
    d.applyOp({ entity: 'comment', id: 'r1', action: 'insert', data: comment('r1', 'c1', '2026-01-03T00:00:00Z') });
    expect(d.threadsOf('i').map((t) => [t.root.id, t.replies.map((r) => r.id)])).toEqual([
      ['c1', ['r1', 'r2']],
      ['c2', []],
    ]);
    d.applyOp({ entity: 'comment', id: 'c2', action: 'delete', data: null });
    expect(d.threadsOf('i').map((t) => t.root.id)).toEqual(['c1']);
  });
  it('applies relation and issue-reaction operations idempotently, and ignores other entities', () => {
    const d = store();
    d.load.set('a', 'loaded');
    const rel = { id: 'r', issueId: 'a', relatedIssueId: 'b', type: 'blocks' as const, createdAt: '2026-01-01T00:00:00Z' };
    expect(d.applyOp({ entity: 'issueRelation', id: 'r', action: 'insert', data: rel })).toBe(true);
    d.applyOp({ entity: 'issueRelation', id: 'r', action: 'insert', data: rel });
    expect(d.relationsOf('b')).toEqual([{ id: 'r', type: 'blocked_by', otherId: 'a' }]);
    const reaction = { id: 'x', userId: 'u1', emoji: '🚀', issueId: 'a', commentId: null, createdAt: '2026-01-01T00:00:00Z' };
    d.applyOp({ entity: 'reaction', id: 'x', action: 'insert', data: reaction });
    d.applyOp({ entity: 'reaction', id: 'x', action: 'insert', data: reaction });
    expect(d.issueReactions.get('a')).toEqual([{ emoji: '🚀', count: 1, userIds: ['u1'] }]);
    d.applyOp({ entity: 'reaction', id: 'x', action: 'delete', data: null });
    expect(d.issueReactions.get('a')).toEqual([]);
    expect(d.applyOp({ entity: 'issue', id: 'a', action: 'update', data: {} })).toBe(false);
  });
  it('lowers the count of a reaction loaded with the summary (id unknown) from the image its delete carries', () => {
    const d = store();
    d.load.set('a', 'loaded');
    d.issueReactions.set('a', [{ emoji: '👍', count: 2, userIds: ['u1', 'u2'] }]);
    const image = { id: 'y', userId: 'u2', emoji: '👍', issueId: 'a', commentId: null, createdAt: '2026-01-01T00:00:00Z' };
    d.applyOp({ entity: 'reaction', id: 'y', action: 'delete', data: image });
    expect(d.issueReactions.get('a')).toEqual([{ emoji: '👍', count: 1, userIds: ['u1'] }]);
    d.applyOp({ entity: 'reaction', id: 'y', action: 'delete', data: image });
    expect(d.issueReactions.get('a')).toEqual([{ emoji: '👍', count: 1, userIds: ['u1'] }]);
  });
  it('keeps comments, history and reactions only for issues whose details are loaded', () => {
    const d = store();
    d.applyOp({ entity: 'comment', id: 'c1', action: 'insert', data: comment('c1', null, '2026-01-01T00:00:00Z') });
    d.applyOp({ entity: 'issueHistory', id: 'h1', action: 'insert', data: { id: 'h1', issueId: 'i', kind: 'created', actor: null, changes: {}, createdAt: '2026-01-01T00:00:00Z' } });
    d.applyOp({ entity: 'reaction', id: 'x', action: 'insert', data: { id: 'x', userId: 'u1', emoji: '🚀', issueId: 'i', commentId: null, createdAt: '2026-01-01T00:00:00Z' } });
    expect(d.comments.all()).toEqual([]);
    expect(d.history.all()).toEqual([]);
    expect(d.issueReactions.has('i')).toBe(false);
    d.load.set('i', 'loaded');
    d.applyOp({ entity: 'comment', id: 'c1', action: 'insert', data: comment('c1', null, '2026-01-01T00:00:00Z') });
    d.applyOp({ entity: 'issueHistory', id: 'h1', action: 'insert', data: { id: 'h1', issueId: 'i', kind: 'created', actor: null, changes: {}, createdAt: '2026-01-01T00:00:00Z' } });
    expect(d.threadsOf('i').map((t) => t.root.id)).toEqual(['c1']);
    expect(d.history.all().map((h) => h.id)).toEqual(['h1']);
  });
});
