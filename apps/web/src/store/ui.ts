/**
 * Transient UI state shared by the shell, the command registry and the screens: which overlay is
 * open, which issue has the keyboard focus (hover or j/k), and toasts.
 */
import { action, computed, makeObservable, observable, observableRef } from 'mobx';
import type { Priority } from '../api/types.ts';

/**
 * Issue properties a picker can set (`relation` takes the relation type as `arg`), and the triage
 * decisions that ask for something first (the reason of a decline, the canonical issue of a duplicate).
 */
export type PickerKind = 'state' | 'priority' | 'assignee' | 'labels' | 'estimate' | 'dueDate' | 'parent' | 'relation' | 'triageDecline' | 'triageDuplicate';

/** Defaults the create-issue modal opens with. */
export interface CreateIssueDefaults {
  teamId?: string;
  stateId?: string;
  priority?: Priority;
  assigneeId?: string | null;
  /** Creates a sub-issue of this issue. */
  parentId?: string;
  labelIds?: string[];
}

/** A toast message. */
export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
}

/** Overlays, focus and toasts. */
export class UiStore {
  paletteOpen = false;
  helpOpen = false;
  /** Non-null while the create-issue modal is open. */
  createIssue: CreateIssueDefaults | null = null;
  /** Non-null while a property picker is open for these issues. */
  picker: { kind: PickerKind; issueIds: string[]; arg?: string } | null = null;
  /** The issue single-key commands act on: highlighted in a list, or the open issue. */
  focusedIssueId: string | null = null;
  /** Ids of the issues shown by the current list, in display order (for j/k). */
  visibleIssueIds: string[] = [];
  toasts: Toast[] = [];
  /** Submits the open create-issue form (set by the form while mounted; run by ⌘/Ctrl+Enter). */
  submitCreateIssue: (() => void) | null = null;
  private nextToast = 1;

  constructor() {
    makeObservable(this, {
      paletteOpen: observable,
      helpOpen: observable,
      createIssue: observableRef,
      picker: observableRef,
      focusedIssueId: observable,
      visibleIssueIds: observableRef,
      toasts: observableRef,
      overlayOpen: computed,
      setPalette: action,
      setHelp: action,
      openCreateIssue: action,
      closeCreateIssue: action,
      openPicker: action,
      closePicker: action,
      focusIssue: action,
      setVisibleIssues: action,
      toast: action,
      dismissToast: action,
    });
  }

  /** True when a modal overlay is open (list keys such as j/k then stay inactive). */
  get overlayOpen(): boolean {
    return this.paletteOpen || this.helpOpen || this.createIssue !== null || this.picker !== null;
  }

  setPalette(open: boolean): void {
    this.paletteOpen = open;
  }

  setHelp(open: boolean): void {
    this.helpOpen = open;
  }

  openCreateIssue(defaults: CreateIssueDefaults = {}): void {
    this.paletteOpen = false;
    this.createIssue = defaults;
  }

  closeCreateIssue(): void {
    this.createIssue = null;
  }

  openPicker(kind: PickerKind, issueIds: string[], arg?: string): void {
    if (!issueIds.length) return;
    this.paletteOpen = false;
    this.picker = { kind, issueIds, arg };
  }

  closePicker(): void {
    this.picker = null;
  }

  focusIssue(id: string | null): void {
    this.focusedIssueId = id;
  }

  setVisibleIssues(ids: string[]): void {
    this.visibleIssueIds = ids;
  }

  /** Moves the focus `delta` rows through the visible list (j = +1, k = -1), clamped. */
  moveFocus(delta: number): string | null {
    const ids = this.visibleIssueIds;
    if (!ids.length) return null;
    const at = this.focusedIssueId ? ids.indexOf(this.focusedIssueId) : -1;
    const next = at < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + delta));
    this.focusIssue(ids[next] ?? null);
    return this.focusedIssueId;
  }

  /** Shows a toast for 5 seconds (errors 8). */
  toast(message: string, kind: Toast['kind'] = 'info'): void {
    const id = this.nextToast++;
    this.toasts = [...this.toasts.slice(-3), { id, message, kind }];
    setTimeout(() => this.dismissToast(id), kind === 'error' ? 8000 : 5000);
  }

  dismissToast(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}
