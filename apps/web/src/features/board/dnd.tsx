/**
 * Drag and drop of issues (@dnd-kit/core), shared by the board and the list.
 *
 * A "container" is a leaf group: a board column (or a column inside a swimlane) or a list
 * section, identified by its path of group values (`[{kind:'state', value}, {kind:'assignee', value}]`).
 * Dropping an issue:
 * - in another container writes the grouped properties that differ (state, assignee, priority,
 *   label), as Linear's board does;
 * - between two issues, when the ordering is manual or priority, places it there: the server
 *   computes the rank from `afterId`/`beforeId` (`POST /issues/:id/move`, or the PATCH that also
 *   changes the group).
 * The pointer must move 5 px before a drag starts, so clicks still open and select.
 */
import {
  closestCenter,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  PointerSensor,
  pointerWithin,
  type DragMoveEvent,
  useDndMonitor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { generateKeyBetween } from 'fractional-indexing';
import { type ReactNode, useMemo, useState } from 'react';
import type { Issue } from '../../api/types.ts';
import type { Ordering } from '../../store/filters.ts';
import type { RootStore } from '../../store/root.ts';
import { listActions } from '../../store/viewsSelection.ts';
import type { GroupContext } from '../issues/list/groups.ts';
import { type DragData, type DropContainer, type DropData, planDrop } from './drop.ts';

export { containersOf, type DropContainer } from './drop.ts';

// Issues under the pointer win over the container around them; otherwise the nearest target.
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const issueHit = hits.filter((h) => (h.data?.droppableContainer?.data.current as DropData | undefined)?.issueId);
  if (issueHit.length) return issueHit;
  if (hits.length) return hits;
  return closestCenter(args);
};

/** Props of {@link IssueDnd}. */
export interface IssueDndProps {
  store: RootStore;
  containers: Map<string, DropContainer>;
  orderBy: Ordering;
  ctx: GroupContext;
  /** Draws the issue under the pointer while dragging. */
  overlay: (issue: Issue) => ReactNode;
  /**
   * Where a drop lands when the target is not an issue element (the list: one drop target for
   * the whole scroller, the row found from the pointer). Null: nowhere.
   */
  resolve?: (pointerY: number) => (DropData & { below: boolean }) | null;
  children: ReactNode;
}

/** The vertical centre of the dragged element, in viewport pixels. */
function dragCenterY(e: DragEndEvent | DragMoveEvent): number | null {
  const r = e.active.rect.current.translated;
  return r ? r.top + r.height / 2 : null;
}

/** The drag-and-drop context of a list or board. */
export function IssueDnd({ store, containers, orderBy, ctx, overlay, resolve, children }: IssueDndProps) {
  // Pointer only: Enter and Space stay the list's keys (open, select); keyboard moves go through S, P, A.
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));
  const [dragging, setDragging] = useState<Issue | null>(null);
  const onStart = (e: DragStartEvent) => {
    const d = e.active.data.current as DragData | undefined;
    setDragging(d ? (store.issues.get(d.issueId) ?? null) : null);
  };
  const onEnd = (e: DragEndEvent) => {
    setDragging(null);
    const d = e.active.data.current as DragData | undefined;
    let o = e.over?.data.current as DropData | undefined;
    const y = dragCenterY(e);
    let below = y !== null && !!e.over && y > e.over.rect.top + e.over.rect.height / 2;
    if (o && !o.issueId && resolve && y !== null) {
      const hit = resolve(y);
      if (hit) {
        o = hit;
        below = hit.below;
      }
    }
    if (!d || !o) return;
    const issue = store.issues.get(d.issueId);
    const to = containers.get(o.containerId);
    if (!issue || !to) return;
    const plan = planDrop(issue, containers.get(d.containerId), to, o.issueId, below, orderBy, ctx);
    if (plan.kind === 'refused') store.ui.toast(plan.message, 'error');
    if (plan.kind !== 'move') return;
    let rank: string | undefined;
    try {
      rank = generateKeyBetween(plan.neighbours.before, plan.neighbours.after);
    } catch {
      // Neighbours out of rank order (not a manual ordering): the server's rank arrives shortly.
    }
    void listActions(store).move(plan.issue, plan.anchor, plan.patch, rank);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collision}
      onDragStart={onStart}
      onDragEnd={onEnd}
      onDragCancel={() => setDragging(null)}
    >
      {children}
      <DragOverlay dropAnimation={null}>{dragging ? overlay(dragging) : null}</DragOverlay>
    </DndContext>
  );
}

/**
 * Makes an element both draggable (the issue) and a drop target (insert before/after it).
 * @returns props to spread on the element and whether it is the one being dragged
 */
export function useIssueDrag(issueId: string, containerId: string, disabled = false) {
  const drag = useDraggable({ id: `drag:${containerId}:${issueId}`, data: { issueId, containerId } satisfies DragData, disabled });
  const drop = useDroppable({ id: `over:${containerId}:${issueId}`, data: { containerId, issueId } satisfies DropData, disabled });
  const setRef = (el: HTMLElement | null) => {
    drag.setNodeRef(el);
    drop.setNodeRef(el);
  };
  return { setRef, listeners: drag.listeners, attributes: drag.attributes, isDragging: drag.isDragging, isOver: drop.isOver };
}

/**
 * Makes an element draggable only (list rows: the list finds the drop point from the pointer, so
 * rows need not each register a drop target, which would re-render every row on every change).
 */
export function useIssueDragOnly(issueId: string, containerId: string, disabled = false) {
  const drag = useDraggable({ id: `drag:${containerId}:${issueId}`, data: { issueId, containerId } satisfies DragData, disabled });
  // One object per state, so the memoized row does not re-render for a copy.
  return useMemo(
    () => ({ setRef: drag.setNodeRef, listeners: drag.listeners, attributes: drag.attributes, isDragging: drag.isDragging, isOver: false }),
    [drag.setNodeRef, drag.listeners, drag.attributes, drag.isDragging],
  );
}

/** Calls `fn` with the dragged element's centre (viewport y) while dragging, and null when it ends. */
export function useDragPointer(fn: (y: number | null) => void): void {
  useDndMonitor({ onDragMove: (e) => fn(dragCenterY(e)), onDragEnd: () => fn(null), onDragCancel: () => fn(null) });
}

/** Makes an element the drop target of a whole container (drop at its end). */
export function useContainerDrop(containerId: string) {
  return useDroppable({ id: `container:${containerId}`, data: { containerId } satisfies DropData });
}
