/** Issue edits: requests per issue in edit order, the undo stack, rollback on refusal. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Issue, UpdateIssueInput } from '../api/types.ts';

const calls: { id: string; patch: UpdateIssueInput; resolve: (i: Issue) => void; reject: (e: Error) => void }[] = [];
vi.mock('../api/endpoints.ts', () => ({
  updateIssue: (id: string, patch: UpdateIssueInput) => new Promise<Issue>((resolve, reject) => calls.push({ id, patch, resolve, reject })),
}));

const { RootStore } = await import('./root.ts');

const base: Issue = {
  id: 'i1', identifier: 'ENG-1', number: 1, teamId: 't', title: 'x', description: null, stateId: 's', priority: 'none', estimate: null,
  assigneeId: null, creatorId: null, parentId: null, labelIds: [], sortOrder: 'a0', dueDate: null, startedAt: null, completedAt: null,
  canceledAt: null, archivedAt: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
};
const tick = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  calls.length = 0;
});

describe('IssueActions.update', () => {
  it('sends a second edit of the same issue only after the first was answered, and shows the newest', async () => {
    const store = new RootStore();
    store.issues.upsert(base);
    const first = store.issueActions.update('i1', { assigneeId: 'me' });
    const second = store.issueActions.update('i1', { assigneeId: null });
    await tick();
    expect(calls.map((c) => c.patch)).toEqual([{ assigneeId: 'me' }]);
    expect(store.issues.get('i1')?.assigneeId).toBeNull(); // the newest optimistic value
    calls[0]!.resolve({ ...base, assigneeId: 'me' });
    await first;
    // The older answer does not overwrite the newer optimistic row.
    expect(store.issues.get('i1')?.assigneeId).toBeNull();
    await tick();
    expect(calls.map((c) => c.patch)).toEqual([{ assigneeId: 'me' }, { assigneeId: null }]);
    calls[1]!.resolve({ ...base, assigneeId: null, updatedAt: '2026-01-02T00:00:00.000Z' });
    await second;
    expect(store.issues.get('i1')?.updatedAt).toBe('2026-01-02T00:00:00.000Z');
    // Both are undoable, newest first.
    expect(store.undo.pop()?.inverse).toEqual({ assigneeId: 'me' });
    expect(store.undo.pop()?.inverse).toEqual({ assigneeId: null });
  });

  it('restores the row and records nothing when the server refuses', async () => {
    const store = new RootStore();
    store.issues.upsert(base);
    const p = store.issueActions.update('i1', { priority: 'urgent' });
    expect(store.issues.get('i1')?.priority).toBe('urgent');
    await tick();
    calls[0]!.reject(new Error('Refused'));
    expect(await p).toBeNull();
    expect(store.issues.get('i1')?.priority).toBe('none');
    expect(store.undo.size).toBe(0);
    expect(store.ui.toasts.map((t) => t.message)).toEqual(['Refused']);
  });

  it('undoes with the inverse patch, without recording the undo itself', async () => {
    const store = new RootStore();
    store.issues.upsert({ ...base, estimate: 3 });
    const p = store.issueActions.update('i1', { estimate: 8 });
    await tick();
    calls[0]!.resolve({ ...base, estimate: 8 });
    await p;
    const u = store.issueActions.undoLast();
    await tick();
    expect(calls[1]!.patch).toEqual({ estimate: 3 });
    calls[1]!.resolve({ ...base, estimate: 3 });
    expect(await u).toBe(true);
    expect(store.issues.get('i1')?.estimate).toBe(3);
    expect(store.undo.size).toBe(0);
  });
});

describe('local edits in flight over server rows', () => {
  const at = (d: number) => `2026-01-0${d}T00:00:00.000Z`;

  it('keeps a second label picked while the first is on its way, whatever order the echoes and answers come in', async () => {
    const store = new RootStore();
    store.issues.upsert(base);
    const first = store.issueActions.update('i1', { labelIds: ['A'] });
    const second = store.issueActions.update('i1', { labelIds: ['A', 'B'] });
    expect(store.issues.get('i1')?.labelIds).toEqual(['A', 'B']);
    // The sync echo of the first change arrives before any answer: B stays.
    store.issueActions.receive({ ...base, labelIds: ['A'], updatedAt: at(2) }, 'sync');
    expect(store.issues.get('i1')?.labelIds).toEqual(['A', 'B']);
    await tick();
    calls[0]!.resolve({ ...base, labelIds: ['A'], updatedAt: at(2) });
    await first;
    expect(store.issues.get('i1')?.labelIds).toEqual(['A', 'B']);
    await tick();
    calls[1]!.resolve({ ...base, labelIds: ['A', 'B'], updatedAt: at(3) });
    await second;
    expect(store.issues.get('i1')?.labelIds).toEqual(['A', 'B']);
    // A late echo of the first change is older than the answer: ignored; the second's is taken.
    expect(store.issueActions.receive({ ...base, labelIds: ['A'], updatedAt: at(2) }, 'sync')).toBe(false);
    expect(store.issues.get('i1')?.labelIds).toEqual(['A', 'B']);
    expect(store.issueActions.receive({ ...base, labelIds: ['A', 'B'], updatedAt: at(3) }, 'sync')).toBe(true);
    // Caught up: the next change by someone else is shown as it is.
    store.issueActions.receive({ ...base, labelIds: [], updatedAt: at(4) }, 'sync');
    expect(store.issues.get('i1')?.labelIds).toEqual([]);
  });

  it('shows another person’s change with the local edit on top, and drops a refused edit but not the others', async () => {
    const store = new RootStore();
    store.issues.upsert(base);
    const refused = store.issueActions.update('i1', { priority: 'urgent' });
    const kept = store.issueActions.update('i1', { assigneeId: 'me' });
    store.issueActions.receive({ ...base, title: 'Renamed', updatedAt: at(2) }, 'sync');
    expect(store.issues.get('i1')).toMatchObject({ title: 'Renamed', priority: 'urgent', assigneeId: 'me' });
    await tick();
    calls[0]!.reject(new Error('Refused'));
    expect(await refused).toBeNull();
    expect(store.issues.get('i1')).toMatchObject({ title: 'Renamed', priority: 'none', assigneeId: 'me' });
    await tick();
    calls[1]!.resolve({ ...base, title: 'Renamed', assigneeId: 'me', updatedAt: at(3) });
    await kept;
    expect(store.issues.get('i1')).toMatchObject({ title: 'Renamed', priority: 'none', assigneeId: 'me', updatedAt: at(3) });
  });
});
