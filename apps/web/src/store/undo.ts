/**
 * The undo stack of issue edits (⌘/Ctrl+Z): each successful change of an issue's properties
 * pushes its inverse PATCH (the previous values of exactly the fields changed). Undoing applies
 * the newest inverse; that write is not itself recorded. Linear's undo covers edits the same way
 * (linear-ux.md §1.1, §16.2 "universal undo").
 */
import type { Issue, UpdateIssueInput } from '../api/types.ts';

/** One undoable change. */
export interface UndoEntry {
  issueId: string;
  /** The PATCH that restores the fields changed. */
  inverse: UpdateIssueInput;
  /** What was changed, for the toast ("Undid status change on ENG-12"). */
  label: string;
}

/** Most entries kept; older ones fall off. */
export const UNDO_LIMIT = 100;

const FIELD_NAMES: Record<string, string> = {
  title: 'title',
  description: 'description',
  stateId: 'status',
  priority: 'priority',
  assigneeId: 'assignee',
  estimate: 'estimate',
  dueDate: 'due date',
  parentId: 'parent',
  labelIds: 'labels',
};

/**
 * The inverse of `patch` applied to `before`: the previous values of the fields that change.
 * @returns null when the patch changes nothing
 */
export function inversePatch(before: Issue, patch: UpdateIssueInput): UpdateIssueInput | null {
  const inverse: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const prev = (before as unknown as Record<string, unknown>)[k];
    const same = Array.isArray(prev) && Array.isArray(v) ? prev.length === v.length && prev.every((x, i) => x === v[i]) : prev === v;
    if (!same) inverse[k] = Array.isArray(prev) ? [...prev] : prev;
  }
  return Object.keys(inverse).length ? (inverse as UpdateIssueInput) : null;
}

/** A short description of a patch's fields ("status", "priority and assignee"). */
export function describePatch(patch: UpdateIssueInput): string {
  const names = Object.keys(patch).map((k) => FIELD_NAMES[k] ?? k);
  return names.length <= 1 ? (names[0] ?? 'change') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Last-in, first-out inverse patches. */
export class UndoStack {
  private entries: UndoEntry[] = [];

  /** Records an undoable change. */
  push(entry: UndoEntry): void {
    this.entries.push(entry);
    if (this.entries.length > UNDO_LIMIT) this.entries.shift();
  }

  /** Takes the newest entry off the stack. */
  pop(): UndoEntry | undefined {
    return this.entries.pop();
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.length;
  }

  /** Forgets everything (workspace switch, sign-out). */
  clear(): void {
    this.entries = [];
  }
}
