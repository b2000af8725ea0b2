/**
 * Issue writes, optimistic: the store changes at once, the request follows, and the server's
 * answer (its post-image) replaces the optimistic row; a failure restores the previous row and
 * shows the server's message. The sync echo of the same change is idempotent (same post-image).
 */
import { runInAction } from 'mobx';
import { ApiError, uuid } from '../api/client.ts';
import * as api from '../api/endpoints.ts';
import type { CreateIssueInput, Issue, UpdateIssueInput } from '../api/types.ts';
import type { RootStore } from './root.ts';
import { describePatch, inversePatch } from './undo.ts';

/** Creates and edits issues through the API with optimistic updates. */
export class IssueActions {
  /** The last update request per issue id, which the next one waits for. */
  private readonly pending = new Map<string, Promise<Issue>>();

  constructor(private readonly root: RootStore) {}

  /**
   * Creates an issue: a provisional row (client-chosen id) shows immediately, then the server's.
   * Retries of the same submit reuse `idempotencyKey`, so the issue is created once.
   * @throws ApiError from the server (the provisional row is removed first)
   */
  async create(input: Omit<CreateIssueInput, 'id'>, idempotencyKey = uuid()): Promise<Issue> {
    const { root } = this;
    const id = uuid();
    const team = root.team(input.teamId);
    const now = new Date().toISOString();
    const provisional: Issue = {
      id,
      identifier: `${team?.key ?? '…'}-…`,
      number: 0,
      teamId: input.teamId,
      title: input.title,
      description: input.description ?? null,
      stateId: input.stateId ?? root.defaultState(input.teamId)?.id ?? '',
      priority: input.priority ?? 'none',
      estimate: input.estimate ?? null,
      assigneeId: input.assigneeId ?? null,
      creatorId: root.userId,
      parentId: input.parentId ?? null,
      labelIds: input.labelIds ?? [],
      sortOrder: '',
      dueDate: input.dueDate ?? null,
      startedAt: null,
      completedAt: null,
      canceledAt: null,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    runInAction(() => root.issues.upsert(provisional));
    try {
      const created = await api.createIssue({ ...input, id }, idempotencyKey);
      runInAction(() => {
        if (created.id !== id) root.issues.remove(id);
        root.issues.upsert(created);
        const t = root.teams.get(created.teamId);
        if (t && t.issueCount < created.number) root.teams.upsert({ ...t, issueCount: created.number });
      });
      return created;
    } catch (err) {
      runInAction(() => root.issues.remove(id));
      throw err;
    }
  }

  /**
   * Changes fields of one issue optimistically; on failure restores it and toasts the message.
   * A successful change pushes its inverse on the undo stack unless `record` is false.
   * @returns the server's post-image, or null when the request failed
   */
  async update(id: string, patch: UpdateIssueInput, { record = true }: { record?: boolean } = {}): Promise<Issue | null> {
    const { root } = this;
    const before = root.issues.get(id);
    if (!before) return null;
    const inverse = record ? inversePatch(before, patch) : null;
    const optimistic: Issue = { ...before, ...patch, updatedAt: new Date().toISOString() };
    runInAction(() => root.issues.upsert(optimistic));
    // Requests for one issue go one after another, in the order of the edits: two quick edits
    // (I then I) must reach the server in that order, whatever the network does.
    const previous = this.pending.get(id) ?? Promise.resolve();
    const request = previous.catch(() => undefined).then(() => api.updateIssue(id, patch));
    this.pending.set(id, request);
    try {
      const after = await request;
      // A newer edit is on its way: its answer (or its optimistic row) is the one to show.
      if (this.pending.get(id) === request) {
        this.pending.delete(id);
        runInAction(() => root.issues.upsert(after));
      }
      if (inverse) root.undo.push({ issueId: id, inverse, label: `${describePatch(inverse)} change on ${after.identifier}` });
      return after;
    } catch (err) {
      if (this.pending.get(id) === request) this.pending.delete(id);
      runInAction(() => {
        // Only roll back if nothing newer (another edit, a sync op) replaced our optimistic row.
        if (root.issues.get(id) === optimistic) root.issues.upsert(before);
      });
      root.ui.toast(err instanceof ApiError || err instanceof Error ? err.message : String(err), 'error');
      return null;
    }
  }

  /** Undoes the newest recorded change (⌘/Ctrl+Z). @returns whether there was one */
  async undoLast(): Promise<boolean> {
    const entry = this.root.undo.pop();
    if (!entry) return false;
    const ok = await this.update(entry.issueId, entry.inverse, { record: false });
    if (ok) this.root.ui.toast(`Undid ${entry.label}`);
    return true;
  }

  /** Applies the same change to several issues (bulk edits from pickers). */
  async updateMany(ids: string[], patch: UpdateIssueInput): Promise<void> {
    await Promise.all(ids.map((id) => this.update(id, patch)));
  }
}
