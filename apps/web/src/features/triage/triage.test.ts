/** Triage: where accept and decline move an issue, and that only issues in triage move. */
import { describe, expect, it, vi } from 'vitest';
import type { Issue, StateCategory, UpdateIssueInput, WorkflowState } from '../../api/types.ts';

// Requests stay pending: what is checked is the optimistic store.
vi.mock('../../api/endpoints.ts', () => ({ updateIssue: (_id: string, _patch: UpdateIssueInput) => new Promise<Issue>(() => {}) }));

const { RootStore } = await import('../../store/root.ts');
const { acceptState, declineState, triage, triageIssues } = await import('./triage.ts');

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
});
