/**
 * The board layout: one column per group (the team's workflow states by default, or the
 * current grouping), swimlanes for a sub-grouping. Dragging a card to another column writes the
 * grouped property; dropping it between cards also sets the manual order (manual and priority
 * orderings). Each column is virtualized on its own, so a column of thousands of cards scrolls
 * smoothly. Cards never show descriptions (Linear's rule).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { observer } from 'mobx-react-lite';
import { useMemo, useRef } from 'react';
import type { Issue } from '../../api/types.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { type DisplayProperty, type Ordering, reorderable } from '../../store/filters.ts';
import { listActions } from '../../store/viewsSelection.ts';
import { PlusIcon } from '../../ui/icons.tsx';
import { type GroupContext, groupIssues, type IssueGroup } from '../issues/list/groups.ts';
import { GroupIconView } from '../issues/list/parts.tsx';
import { BoardCard, CardBody } from './BoardCard.tsx';
import { containersOf, type DropContainer, IssueDnd, useContainerDrop } from './dnd.tsx';

/** Props of {@link Board}. */
export interface BoardProps {
  groups: IssueGroup[];
  ctx: GroupContext;
  orderBy: Ordering;
  properties: ReadonlySet<DisplayProperty>;
  onCreateInGroup?: (group: IssueGroup) => void;
}

const COLUMN_WIDTH = 300;

/** The board. */
export const Board = observer(function Board({ groups, ctx, orderBy, properties, onCreateInGroup }: BoardProps) {
  const store = useStore();
  const containers = useMemo(() => containersOf(groups), [groups]);
  const lanes = groups.some((g) => g.subgroups);
  // Swimlanes: one row per sub-group value, across every column.
  const laneList = useMemo(() => {
    if (!lanes) return [];
    const seen = new Map<string, IssueGroup>();
    for (const g of groups) for (const s of g.subgroups ?? []) if (!seen.has(s.id)) seen.set(s.id, s);
    // In the sub-grouping's own order (Urgent before No priority), not by first appearance.
    const kind = [...seen.values()][0]?.kind;
    if (!kind) return [];
    const order = new Map(groupIssues(groups.flatMap((g) => g.issues), kind, ctx).map((g, i) => [g.id, i]));
    return [...seen.values()].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }, [groups, lanes, ctx]);
  const open = (issue: Issue) => {
    if (issue.number === 0 || !store.workspace) return;
    store.ui.focusIssue(issue.id);
    go(paths.issue(store.workspace.urlSlug, issue.identifier));
  };
  const dragOff = !reorderable(orderBy) && groups.length < 2;

  return (
    <IssueDnd store={store} containers={containers} orderBy={orderBy} ctx={ctx} overlay={(issue) => <CardBody issue={issue} properties={properties} overlay />}>
      <div className="flex min-h-0 flex-1 flex-col overflow-auto bg-subtle/60" data-testid="board">
        <div className="sticky top-0 z-10 flex gap-3 bg-subtle/95 px-4 pt-3 pb-2 backdrop-blur">
          {groups.map((g) => (
            <ColumnHeader key={g.id} group={g} onCreate={onCreateInGroup} />
          ))}
        </div>
        {lanes ? (
          laneList.map((lane) => (
            <section key={lane.id} className="px-4 pb-3" aria-label={lane.title} data-testid="swimlane">
              <div className="sticky left-0 flex h-8 items-center gap-2 text-sm font-medium text-muted">
                <GroupIconView icon={lane.icon} />
                {lane.title}
              </div>
              <div className="flex gap-3">
                {groups.map((g) => {
                  const id = `${g.id}/${lane.id}`;
                  const c = containers.get(id) ?? { id, path: [g, lane], issues: [] };
                  return <Column key={id} container={c} properties={properties} onOpen={open} dragDisabled={dragOff} maxHeight={520} />;
                })}
              </div>
            </section>
          ))
        ) : (
          <div className="flex min-h-0 flex-1 gap-3 px-4 pb-4">
            {groups.map((g) => (
              <Column key={g.id} container={containers.get(g.id)!} properties={properties} onOpen={open} dragDisabled={dragOff} />
            ))}
          </div>
        )}
      </div>
    </IssueDnd>
  );
});

function ColumnHeader({ group, onCreate }: { group: IssueGroup; onCreate?: (g: IssueGroup) => void }) {
  return (
    <div className="group flex h-8 shrink-0 items-center gap-2 px-1" style={{ width: COLUMN_WIDTH }} data-testid="board-column-header">
      <GroupIconView icon={group.icon} />
      <span className="truncate font-medium">{group.title}</span>
      <span className="text-muted tabular-nums">{group.issues.length}</span>
      <span className="flex-1" />
      {onCreate && (
        <button type="button" aria-label={`New issue in ${group.title}`} className="rounded p-1 text-faint hover:bg-hover hover:text-fg" onClick={() => onCreate(group)}>
          <PlusIcon size={12} />
        </button>
      )}
    </div>
  );
}

const CARD_GAP = 8;
/** A card's usual height before it is measured (two property lines and one title line). */
const CARD_ESTIMATE = 84;

/** One column (or a swimlane cell): a virtualized stack of cards that is also a drop target. */
const Column = observer(function Column({
  container,
  properties,
  onOpen,
  dragDisabled,
  maxHeight,
}: {
  container: DropContainer;
  properties: ReadonlySet<DisplayProperty>;
  onOpen: (i: Issue) => void;
  dragDisabled: boolean;
  maxHeight?: number;
}) {
  const store = useStore();
  const { selection } = listActions(store);
  const scroller = useRef<HTMLDivElement>(null);
  const drop = useContainerDrop(container.id);
  const issues = container.issues;
  const virtualizer = useVirtualizer({
    count: issues.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_ESTIMATE + CARD_GAP,
    overscan: 6,
    getItemKey: (i) => issues[i]!.id,
  });
  const title = container.path.map((p) => p.title).join(' · ');
  return (
    // biome-ignore lint/a11y/useSemanticElements: a virtualized column: its cards are absolutely positioned
    <div
      ref={drop.setNodeRef}
      role="list"
      aria-label={title}
      data-testid="board-column"
      data-column={container.path[0]?.title}
      className={`flex shrink-0 flex-col rounded-lg ${drop.isOver ? 'bg-accent-soft' : 'bg-subtle'}`}
      style={{ width: COLUMN_WIDTH, ...(maxHeight ? { maxHeight } : {}) }}
    >
      <div ref={scroller} className="min-h-[64px] flex-1 overflow-y-auto p-1.5">
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const issue = issues[v.index]!;
            return (
              <div key={v.key} ref={virtualizer.measureElement} data-index={v.index} className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${v.start}px)`, paddingBottom: CARD_GAP }}>
                <BoardCard
                  issue={issue}
                  containerId={container.id}
                  properties={properties}
                  focused={store.ui.focusedIssueId === issue.id}
                  selected={selection.has(issue.id)}
                  onOpen={onOpen}
                  dragDisabled={dragDisabled}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});
