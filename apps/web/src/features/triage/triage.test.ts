/**
 * Triage: where accept, decline and duplicate move an issue, that only issues in triage move, that
 * a decline's reason is posted as a comment, and that a refused duplicate relation leaves the issue
 * in triage.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Issue, StateCategory, UpdateIssueInput, WorkflowState } from '../../api/types.ts';
import type { RelationType } from '../../api/details.ts';

// Issue updates stay pending: what is checked is the optimistic store.
vi.mock('../../api/endpoints.ts', () => ({ updateIssue: (_id: string, _patch: UpdateIssueInput) => new Promise<Issue>(() => {}) }));
// Comments stay pending too (the optimistic comment is in the store); relations answer as `relationAnswer` says.
const calls = { comments: [] as [string, string][], relations: [] as [string, RelationType, string][] };
let relationAnswer: 'ok' | 'refuse' = 'ok';
vi.mock('../../api/details.ts', () => ({
  createComment: (issueId: string, body: { body: string }) => {
    calls.comments.push([issueId, body.body]);
    return new Promise(() => {});
  },
  createRelation: async (issueId: string, type: RelationType, relatedIssueId: string) => {
    calls.relations.push([issueId, type, relatedIssueId]);
    if (relationAnswer === 'refuse') throw new Error('The reverse relation already exists; remove it first');
    return { id: `r-${issueId}`, type, issueId, relatedIssueId, relatedIssue: { id: relatedIssueId, identifier: 'ENG-3', title: '3', stateId: 'Todo' }, createdAt: at };
  },
  listHistory: () => new Promise(() => {}),
}));

const { RootStore } = await import('../../store/root.ts');
const { acceptState, declineState, duplicateState, markDuplicates, triage, triageIssues } = await import('./triage.ts');

const at = '2026-01-01T00:00:00.000Z';
const state = (id: string, category: StateCategory, position: number, isDefault: boolean): WorkflowState => ({
  id, teamId: 't', name: id, category, color: '#000', description: null, position, isDefault, createdAt: at, updatedAt: at,
});
const issue = (id: string, stateId: string): Issue => ({
  id, identifier: `ENG-${id}`, number: 1, teamId: 't', title: id, description: null, stateId, priority: 'none', estimate: null, assigneeId: null,
  creatorId: null, parentId: null, labelIds: [], sortOrder: 'a0', dueDate: null, startedAt: null, completedAt: null, canceledAt: null,
  archivedAt: null, createdAt: at, updatedAt: at,
});

function seeded() {
  const store = new RootStore();
  // As the server makes a team with triage on: Triage first (and default of its category).
  store.states.upsertMany([
    state('Triage', 'triage', 0, true),
    state('Backlog', 'backlog', 1, true),
    state('Todo', 'unstarted', 2, true),
    state('Done', 'completed', 3, true),
    state('Duplicate', 'canceled', 4, false),
    state('Canceled', 'canceled', 5, true),
  ]);
  store.issues.upsertMany([issue('1', 'Triage'), issue('2', 'Triage'), issue('3', 'Todo')]);
  return store;
}

beforeEach(() => {
  calls.comments.length = 0;
  calls.relations.length = 0;
  relationAnswer = 'ok';
});

describe('triage', () => {
  it('accepts into the team’s default state (the backlog’s, never Triage) and declines into its default Canceled state', () => {
    const store = seeded();
    expect(store.defaultState('t')?.id).toBe('Backlog');
    expect(acceptState(store, 't')?.id).toBe('Backlog');
    expect(declineState(store, 't')?.id).toBe('Canceled');
    expect(triageIssues(store, 't').map((i) => i.id)).toEqual(['1', '2']);
  });

  it('moves only the issues in triage, optimistically, and says what it did', () => {
    const store = seeded();
    expect(triage(store, [store.issues.get('1')!, store.issues.get('3')!], 'accept')).toBe(1);
    expect(store.issues.get('1')?.stateId).toBe('Backlog');
    expect(store.issues.get('3')?.stateId).toBe('Todo');
    expect(triage(store, [store.issues.get('2')!], 'decline')).toBe(1);
    expect(store.issues.get('2')?.stateId).toBe('Canceled');
    expect(triageIssues(store, 't')).toEqual([]);
    expect(store.ui.toasts.map((t) => t.message)).toEqual(['Accepted ENG-1 into Backlog', 'Declined ENG-2']);
    expect(triage(store, [store.issues.get('3')!], 'decline')).toBe(0);
    expect(store.ui.toasts.at(-1)?.message).toBe('Not in triage');
  });

  it('posts a decline’s reason as a comment on each issue declined (escaped, as paragraphs), and none when blank', () => {
    const store = seeded();
    expect(triage(store, [store.issues.get('1')!, store.issues.get('3')!], 'decline', '  Not a bug <b>here</b>\n\nSee the docs ')).toBe(1);
    expect(calls.comments).toEqual([['1', '<p>Not a bug &lt;b&gt;here&lt;/b&gt;</p><p>See the docs</p>']]);
    expect(store.details.comments.by('1').map((c) => c.body)).toEqual(['<p>Not a bug &lt;b&gt;here&lt;/b&gt;</p><p>See the docs</p>']);
    expect(triage(store, [store.issues.get('2')!], 'decline', '   ')).toBe(1);
    expect(calls.comments).toHaveLength(1);
  });

  it('marks as duplicate: the relation first, then the team’s Duplicate state (not the default Canceled)', async () => {
    const store = seeded();
    expect(duplicateState(store, 't')?.id).toBe('Duplicate');
    expect(await markDuplicates(store, [store.issues.get('1')!, store.issues.get('3')!], '3')).toBe(1);
    expect(calls.relations).toEqual([['1', 'duplicate', '3']]);
    expect(store.issues.get('1')?.stateId).toBe('Duplicate');
    expect(store.issues.get('3')?.stateId).toBe('Todo');
    expect(store.details.relations.get('r-1')).toMatchObject({ issueId: '1', relatedIssueId: '3', type: 'duplicate' });
    expect(store.ui.toasts.at(-1)?.message).toBe('Marked ENG-1 as duplicate of ENG-3');
  });

  it('leaves the issue in triage when the server refuses the relation', async () => {
    const store = seeded();
    relationAnswer = 'refuse';
    expect(await markDuplicates(store, [store.issues.get('2')!], '3')).toBe(0);
    expect(store.issues.get('2')?.stateId).toBe('Triage');
    expect(store.ui.toasts.at(-1)).toMatchObject({ kind: 'error', message: 'The reverse relation already exists; remove it first' });
  });

  it('falls back to the default Canceled state when the team has no Duplicate state', () => {
    const store = seeded();
    store.states.remove('Duplicate');
    expect(duplicateState(store, 't')?.id).toBe('Canceled');
  });
});
