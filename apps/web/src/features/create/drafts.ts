/**
 * The create-issue draft: what the modal holds, kept in localStorage per workspace while it is
 * open, so closing it by accident (Esc, a click outside, a reload) loses nothing. Creating the
 * issue or discarding the draft removes it (Linear keeps a local draft that reopens on the next C,
 * linear-ux.md §7).
 */
import type { Priority } from '../../api/types.ts';

/** The form's fields. */
export interface IssueDraft {
  teamId: string;
  title: string;
  /** Rich-text HTML, or null when empty. */
  description: string | null;
  stateId: string;
  priority: Priority;
  assigneeId: string | null;
  labelIds: string[];
  estimate: number | null;
  dueDate: string | null;
  parentId: string | null;
}

const key = (workspaceId: string) => `exponential.issueDraft.${workspaceId}`;

/** Whether a draft holds anything worth keeping (a title or a description). */
export function hasContent(d: Pick<IssueDraft, 'title' | 'description'>): boolean {
  return d.title.trim() !== '' || (d.description ?? '').replace(/<[^>]*>/g, '').trim() !== '';
}

/** The stored draft of a workspace, or null (none, unreadable, or not a draft). */
export function loadDraft(workspaceId: string): IssueDraft | null {
  try {
    const raw = localStorage.getItem(key(workspaceId));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<IssueDraft>;
    if (typeof d.teamId !== 'string' || typeof d.title !== 'string') return null;
    return {
      teamId: d.teamId,
      title: d.title.slice(0, 255),
      description: typeof d.description === 'string' ? d.description : null,
      stateId: typeof d.stateId === 'string' ? d.stateId : '',
      priority: (['none', 'urgent', 'high', 'medium', 'low'] as const).includes(d.priority as Priority) ? (d.priority as Priority) : 'none',
      assigneeId: typeof d.assigneeId === 'string' ? d.assigneeId : null,
      labelIds: Array.isArray(d.labelIds) ? d.labelIds.filter((x): x is string => typeof x === 'string') : [],
      estimate: typeof d.estimate === 'number' ? d.estimate : null,
      dueDate: typeof d.dueDate === 'string' ? d.dueDate : null,
      parentId: typeof d.parentId === 'string' ? d.parentId : null,
    };
  } catch {
    return null;
  }
}

/** Stores the draft when it has content, else removes it. */
export function saveDraft(workspaceId: string, d: IssueDraft): void {
  try {
    if (hasContent(d)) localStorage.setItem(key(workspaceId), JSON.stringify(d));
    else localStorage.removeItem(key(workspaceId));
  } catch {
    // Storage full or disabled: the draft lives as long as the modal.
  }
}

/** Removes the draft. */
export function clearDraft(workspaceId: string): void {
  try {
    localStorage.removeItem(key(workspaceId));
  } catch {
    // Nothing stored.
  }
}
