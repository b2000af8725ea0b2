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
