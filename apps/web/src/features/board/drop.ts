/**
 * Where a dragged issue lands and what that asks of the server (pure; the drag-and-drop wiring is
 * in dnd.tsx). A container is a leaf group — a board column or list section — identified by its
 * path of group values.
 */
import type { Issue } from '../../api/types.ts';
import { type Ordering, reorderable } from '../../store/filters.ts';
import { type GroupContext, groupPatch, type IssueFieldPatch, type IssueGroup } from '../issues/list/groups.ts';

/** A drop target holding issues in display order. */
export interface DropContainer {
  id: string;
  path: Array<Pick<IssueGroup, 'kind' | 'value' | 'title'>>;
  issues: Issue[];
}

/** Leaf containers of grouped issues (sub-groups when present). */
export function containersOf(groups: readonly IssueGroup[]): Map<string, DropContainer> {
  const out = new Map<string, DropContainer>();
  for (const g of groups) {
    if (g.subgroups) {
      for (const s of g.subgroups) out.set(`${g.id}/${s.id}`, { id: `${g.id}/${s.id}`, path: [g, s], issues: s.issues });
    } else out.set(g.id, { id: g.id, path: [g], issues: g.issues });
  }
  return out;
}

/** What a dragged element carries. */
export interface DragData {
  issueId: string;
  containerId: string;
}
/** What a drop target carries. */
export interface DropData {
  containerId: string;
  issueId?: string;
}

/** What a drop asks for, or a reason it cannot happen. */
export type DropPlan =
  | { kind: 'move'; issue: Issue; anchor: { afterId?: string | null; beforeId?: string | null } | null; patch: IssueFieldPatch | null; neighbours: { before: string | null; after: string | null } }
  | { kind: 'refused'; message: string }
  | { kind: 'none' };

/**
 * Plans a drop of `issueId` from container `fromId` into `toId`, before or after `overIssueId`
 * (or at the end of the container when there is none). Pure: unit-tested.
 */
export function planDrop(
  issue: Issue,
  from: DropContainer | undefined,
  to: DropContainer,
  overIssueId: string | undefined,
  below: boolean,
  orderBy: Ordering,
  ctx: GroupContext,
): DropPlan {
  let patch: IssueFieldPatch | null = null;
  for (let level = 0; level < to.path.length; level++) {
    const target = to.path[level]!;
    const source = from?.path[level];
    if (source && source.kind === target.kind && source.value === target.value) continue;
    const p = groupPatch(issue, source ?? null, target, ctx);
    if (!p) {
      if (target.kind === 'none') continue;
      return { kind: 'refused', message: target.kind === 'team' ? 'Issues cannot be moved to another team by dragging' : `${issue.identifier} cannot be moved to “${target.title}”` };
    }
    patch = { ...(patch ?? {}), ...p };
  }
  const list = to.issues.filter((i) => i.id !== issue.id);
  let index = list.length;
  if (overIssueId && overIssueId !== issue.id) {
    const at = list.findIndex((i) => i.id === overIssueId);
    if (at >= 0) index = at + (below ? 1 : 0);
  } else if (overIssueId === issue.id && from?.id === to.id) {
    return { kind: 'none' };
  }
  const prev = list[index - 1];
  const next = list[index];
  let anchor: { afterId?: string | null; beforeId?: string | null } | null = null;
  if (reorderable(orderBy)) {
    if (prev && prev.teamId === issue.teamId) anchor = { afterId: prev.id };
    else if (next && next.teamId === issue.teamId) anchor = { beforeId: next.id };
    const ref = anchor?.afterId ? prev : anchor?.beforeId ? next : undefined;
    // In priority order a position between issues of another priority means that priority.
    if (orderBy === 'priority' && ref && ref.priority !== (patch?.priority ?? issue.priority)) patch = { ...(patch ?? {}), priority: ref.priority };
  }
  if (!patch && from?.id === to.id) {
    const was = from.issues.findIndex((i) => i.id === issue.id);
    const unchanged = was >= 0 && (from.issues[was - 1]?.id ?? null) === (prev?.id ?? null);
    if (!anchor || unchanged) return { kind: 'none' };
  }
  return { kind: 'move', issue, anchor, patch, neighbours: { before: prev?.sortOrder ?? null, after: next?.sortOrder ?? null } };
}
