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

/** A change of an issue row made locally and not yet answered by the server. */
export type LocalEdit = (row: Issue) => Issue;

/** The edits in flight of one issue and the newest server row they apply to. */
interface InFlight {
  base: Issue;
  edits: LocalEdit[];
}

/** A local edit started with {@link IssueActions.begin}. */
export interface EditHandle {
  /** The row shown at once. */
  optimistic: Issue;
  /**
   * Ends the edit once the server answered (call after {@link IssueActions.receive} of the answer):
   * the row shown becomes the newest server row with the other edits still in flight, so a
   * failed edit disappears from it.
   */
  done: () => void;
}

/** Creates and edits issues through the API with optimistic updates. */
export class IssueActions {
  /** The last update request per issue id, which the next one waits for. */
  private readonly pending = new Map<string, Promise<Issue>>();
  /**
   * Local edits in flight per issue id, oldest first. Every server row that arrives meanwhile (the
   * answer to an earlier request, the sync echo of an earlier change, another person's change)
   * is shown with these applied on top, so a quick second edit (a second label picked while the
   * first is on its way) is never undone by the echo of the first.
   */
  private readonly inFlight = new Map<string, InFlight>();
  /**
   * Per issue id, the `updatedAt` of the newest server row seen while edits were in flight or
   * given by a REST answer, until the sync stream catches up: older rows (the echo of an earlier
   * change, an answer overtaken by another person's newer change) are ignored.
   */
  private readonly latest = new Map<string, string>();

  constructor(private readonly root: RootStore) {}

  /** `row` with the local edits still in flight applied (the row itself when there are none). */
  withLocalEdits(row: Issue): Issue {
    const f = this.inFlight.get(row.id);
    return f ? f.edits.reduce((r, edit) => edit(r), row) : row;
  }

  /**
   * Puts a server row (a REST answer or a sync change) in the store, with the local edits in
   * flight applied on top. A row older than one already seen is ignored (the sync echo of an
   * earlier change arriving after the answer to a later one).
   * @returns whether the row was taken
   */
  receive(row: Issue, source: 'answer' | 'sync'): boolean {
    const seen = this.latest.get(row.id);
    if (seen !== undefined && row.updatedAt < seen) return false;
    const f = this.inFlight.get(row.id);
    if (f || source === 'answer') this.latest.set(row.id, row.updatedAt);
    else if (seen !== undefined) this.latest.delete(row.id); // sync caught up, nothing in flight
    if (f) f.base = row;
    runInAction(() => this.root.issues.upsert(this.withLocalEdits(row)));
    return true;
  }

  /**
   * Starts a local edit of issue `id`: the store shows `edit` applied at once, and keeps applying
   * it over every server row until `done` is called.
   * @returns the handle, or null when the store lacks the issue
   */
  begin(id: string, edit: LocalEdit): EditHandle | null {
    const { root } = this;
    const current = root.issues.get(id);
    if (!current) return null;
    let f = this.inFlight.get(id);
    if (!f) {
      f = { base: current, edits: [] };
      this.inFlight.set(id, f);
    }
    f.edits.push(edit);
    const optimistic: Issue = { ...edit(current), updatedAt: new Date().toISOString() };
    runInAction(() => root.issues.upsert(optimistic));
    const done = () => {
      const cur = this.inFlight.get(id);
      if (!cur) return;
      const at = cur.edits.indexOf(edit);
      if (at < 0) return;
      cur.edits.splice(at, 1);
      if (!cur.edits.length) this.inFlight.delete(id);
      // Shown now: the newest server row (the answer, after a success) with the other edits in
      // flight. An issue deleted meanwhile stays gone.
      const shown = this.withLocalEdits(cur.base);
      const now = root.issues.get(id);
      if (now && now !== shown) runInAction(() => root.issues.upsert(shown));
    };
    return { optimistic, done };
  }

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
    const edit = this.begin(id, (row) => ({ ...row, ...patch }) as Issue)!;
    // Requests for one issue go one after another, in the order of the edits: two quick edits
    // (I then I) must reach the server in that order, whatever the network does.
    const previous = this.pending.get(id) ?? Promise.resolve();
    const request = previous.catch(() => undefined).then(() => api.updateIssue(id, patch));
    this.pending.set(id, request);
    try {
      const after = await request;
      if (this.pending.get(id) === request) this.pending.delete(id);
      // Newer edits still on their way stay applied over the answer.
      this.receive(after, 'answer');
      edit.done();
      if (inverse) root.undo.push({ issueId: id, inverse, label: `${describePatch(inverse)} change on ${after.identifier}` });
      return after;
    } catch (err) {
      if (this.pending.get(id) === request) this.pending.delete(id);
      edit.done();
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
