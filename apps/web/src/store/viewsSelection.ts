/**
 * What a list or board does to issues beyond one field of one issue: the multi-selection
 * (x, shift-click ranges, ⌘/Ctrl+A — Linear's "select issues"), bulk edits through
 * `POST /api/v1/issues/bulk`, and drag-and-drop moves (manual order through
 * `POST /api/v1/issues/:id/move`, or a group change plus position through `PATCH`).
 *
 * Every write is optimistic (`IssueActions.begin`): the store changes at once and keeps the change
 * over server rows arriving meanwhile, the server's post-images replace the optimistic rows, and
 * a refusal takes the change out again and shows the server's message. The sync echo brings the
 * same post-images.
 */
import { action, makeObservable, observable, runInAction } from 'mobx';
import { ApiError, request } from '../api/client.ts';
import type { Issue } from '../api/types.ts';
import { type IssueFieldPatch, patched } from '../features/issues/list/groups.ts';
import type { EditHandle } from './issues.ts';
import type { RootStore } from './root.ts';

/** Most issues per bulk request (the server's BULK_MAX). */
export const BULK_CHUNK = 200;

/** A bulk change (the body's `update`). */
export type BulkUpdate = IssueFieldPatch & { dueDate?: string | null; archived?: boolean };

/** The selected issues of the current list and the anchor of shift-click ranges. */
export class ListSelection {
  readonly ids = observable.set<string>();
  anchor: string | null = null;

  constructor() {
    makeObservable(this, { anchor: observable, toggle: action, selectRange: action, setAll: action, clear: action, retain: action });
  }

  /** Whether `id` is selected. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Number of selected issues. */
  get size(): number {
    return this.ids.size;
  }

  /** Selected ids in `order` (the list's display order); ids not shown come last. */
  ordered(order: readonly string[]): string[] {
    const shown = order.filter((id) => this.ids.has(id));
    const set = new Set(shown);
    return [...shown, ...[...this.ids].filter((id) => !set.has(id))];
  }

  /** Adds or removes one issue (x, ⌘/Ctrl-click); it becomes the anchor. */
  toggle(id: string): void {
    if (this.ids.has(id)) this.ids.delete(id);
    else this.ids.add(id);
    this.anchor = id;
  }

  /** Selects every issue between the anchor and `id` in `order` (shift-click), keeping the rest. */
  selectRange(id: string, order: readonly string[]): void {
    const to = order.indexOf(id);
    const from = this.anchor ? order.indexOf(this.anchor) : -1;
    if (to < 0) return;
    if (from < 0) {
      this.ids.add(id);
      this.anchor = id;
      return;
    }
    const [a, b] = from < to ? [from, to] : [to, from];
    for (let i = a; i <= b; i++) this.ids.add(order[i] as string);
  }

  /** Selects exactly `ids` (⌘/Ctrl+A). */
  setAll(ids: readonly string[]): void {
    this.ids.replace(ids);
    this.anchor = ids[0] ?? null;
  }

  /** Clears the selection (Esc). */
  clear(): void {
    this.ids.clear();
    this.anchor = null;
  }

  /** Drops selected ids that are no longer in the store. */
  retain(exists: (id: string) => boolean): void {
    for (const id of [...this.ids]) if (!exists(id)) this.ids.delete(id);
  }
}

const message = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : String(err));

/** Properties the bulk-edit bar sets on the selection. */
export type BulkKind = 'state' | 'priority' | 'assignee' | 'labels';

/** Selection and list writes of one root store. */
export class ListActions {
  readonly selection = new ListSelection();
  /** The bulk picker open for the selection, if any. */
  bulkPicker: BulkKind | null = null;

  constructor(private readonly root: RootStore) {
    makeObservable(this, { bulkPicker: observable, openBulk: action, closeBulk: action });
  }

  /** Opens the bulk picker of `kind` for the selection. */
  openBulk(kind: BulkKind): void {
    if (this.selection.size) this.bulkPicker = kind;
  }

  /** Closes the bulk picker. */
  closeBulk(): void {
    this.bulkPicker = null;
  }

  /**
   * Applies one change to many issues (`POST /issues/bulk`, 200 per request, each all or
   * nothing on the server). Optimistic; a refused chunk is rolled back and its message shown.
   * @returns how many issues the server changed
   */
  async bulkUpdate(ids: readonly string[], update: BulkUpdate): Promise<number> {
    const { root } = this;
    const rows = ids.map((id) => root.issues.get(id)).filter((i): i is Issue => !!i);
    const archived = new Map<string, Issue>();
    // Each issue's change stays applied over server rows (earlier echoes) until answered.
    const edits = new Map<string, EditHandle>();
    runInAction(() => {
      for (const i of rows) {
        if (update.archived) {
          archived.set(i.id, i);
          root.issues.remove(i.id);
          continue;
        }
        const edit = root.issueActions.begin(i.id, (row) => ({ ...patched(row, update), ...(update.dueDate !== undefined ? { dueDate: update.dueDate } : {}) }));
        if (edit) edits.set(i.id, edit);
      }
    });
    let changed = 0;
    for (let at = 0; at < rows.length; at += BULK_CHUNK) {
      const chunk = rows.slice(at, at + BULK_CHUNK).map((i) => i.id);
      try {
        const res = await request<{ data: Issue[] }>('POST', '/api/v1/issues/bulk', { body: { issueIds: chunk, update } });
        changed += res.data.length;
        runInAction(() => {
          for (const i of res.data) {
            if (i.archivedAt) root.issues.remove(i.id);
            else root.issueActions.receive(i, 'answer');
          }
          for (const id of chunk) edits.get(id)?.done();
        });
      } catch (err) {
        runInAction(() => {
          for (const id of chunk) {
            edits.get(id)?.done();
            const gone = archived.get(id);
            if (gone && !root.issues.get(id)) root.issues.upsert(gone);
          }
        });
        root.ui.toast(`Could not update ${chunk.length === 1 ? 'the issue' : `${chunk.length} issues`}: ${message(err)}`, 'error');
      }
    }
    return changed;
  }

  /**
   * Moves an issue to a position (between the issues shown around the drop point) and, when it
   * was dropped in another group, changes the grouped field in the same request.
   * @param anchor `afterId` (the issue shown just before the drop point, null = first) or, when
   *   there is none, `beforeId` (the issue shown just after)
   * @param provisionalRank a rank between the neighbours at the drop point, shown until the
   *   server's rank arrives (omit when unknown)
   * @returns whether the server accepted the move
   */
  async move(
    issue: Issue,
    anchor: { afterId?: string | null; beforeId?: string | null } | null,
    patch: IssueFieldPatch | null,
    provisionalRank?: string,
  ): Promise<boolean> {
    const { root } = this;
    if (!anchor && !patch) return false;
    const edit = root.issueActions.begin(issue.id, (row) => {
      const next = patch ? patched(row, patch) : { ...row };
      return anchor && provisionalRank ? { ...next, sortOrder: provisionalRank } : next;
    });
    try {
      const path = `/api/v1/issues/${encodeURIComponent(issue.id)}`;
      const after = patch
        ? await request<Issue>('PATCH', path, { body: { ...patch, ...(anchor ?? {}) } })
        : await request<Issue>('POST', `${path}/move`, { body: anchor });
      root.issueActions.receive(after, 'answer');
      edit?.done();
      return true;
    } catch (err) {
      edit?.done();
      root.ui.toast(`Could not move ${issue.identifier}: ${message(err)}`, 'error');
      return false;
    }
  }
}

const perStore = new WeakMap<RootStore, ListActions>();

/** The list actions (and selection) of a root store. */
export function listActions(root: RootStore): ListActions {
  let a = perStore.get(root);
  if (!a) {
    a = new ListActions(root);
    perStore.set(root, a);
  }
  return a;
}
