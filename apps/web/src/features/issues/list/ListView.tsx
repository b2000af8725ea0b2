/**
 * The list layout: group (and sub-group) headers and issue rows in one virtualized scroller, so
 * ten thousand issues scroll at 60 fps (only the rows in view, plus an overscan, are mounted).
 *
 * Keys (registered while mounted; Linear's list keys, linear-ux.md §1): J/K or ↓/↑ move the
 * focus, Enter or O opens, X toggles the focused issue's selection, Shift+↓/↑ extend it,
 * ⌘/Ctrl+A selects every shown issue, Esc clears the selection. Rows can be dragged between
 * groups and, in manual or priority order, to a position.
 */
import { type ReactVirtualizer, useVirtualizer } from '@tanstack/react-virtual';
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Issue } from '../../../api/types.ts';
import { useCommands } from '../../../commands/useCommands.ts';
import { go, paths } from '../../../navigation.ts';
import { useStore } from '../../../store/context.tsx';
import { type DisplayProperty, type Ordering, reorderable } from '../../../store/filters.ts';
import { listActions } from '../../../store/viewsSelection.ts';
import { ChevronDown, PlusIcon } from '../../../ui/icons.tsx';
import { type DndModule, useDnd } from '../../board/dndLazy.ts';
import { containersOf } from '../../board/drop.ts';
import type { GroupContext, IssueGroup } from './groups.ts';
import { ListRow, type ListRowProps } from './ListRow.tsx';
import { GroupIconView } from './parts.tsx';
import { buildRows, containerAt, dropAt, type GroupRow, isGroupRow, type ListRows, rowKey } from './rows.ts';

const HEADER_HEIGHT = 36;
const SUBHEADER_HEIGHT = 32;
const ROW_HEIGHT = 40;
/** Id of the list's one drop target. */
const LIST_TARGET = '__list__';

/** Props of {@link ListView}. */
export interface ListViewProps {
  groups: IssueGroup[];
  ctx: GroupContext;
  orderBy: Ordering;
  properties: ReadonlySet<DisplayProperty>;
  /** Opens the create modal preset for a group (its `+` button); absent where creating makes no sense. */
  onCreateInGroup?: (group: IssueGroup) => void;
}

/** The virtualized, grouped list. */
export const ListView = observer(function ListView({ groups, ctx, orderBy, properties, onCreateInGroup }: ListViewProps) {
  const store = useStore();
  const { ui } = store;
  const actions = listActions(store);
  const { selection } = actions;
  const scroller = useRef<HTMLDivElement>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const lr = useMemo(() => buildRows(groups, collapsed), [groups, collapsed]);
  const { ids } = lr;
  const lrRef = useRef(lr);
  lrRef.current = lr;
  const containers = useMemo(() => containersOf(groups), [groups]);

  // The virtualizer lives in <VirtualRows> (it re-renders its owner on every scroll step); the
  // drop point and keyboard scrolling reach it through this ref.
  const virtualizerRef = useRef<ReactVirtualizer<HTMLDivElement, Element> | null>(null);

  const idsRef = useRef(ids);
  idsRef.current = ids;
  useEffect(() => {
    const cur = ui.visibleIssueIds;
    if (cur.length !== ids.length || cur.some((id, i) => id !== ids[i])) ui.setVisibleIssues(ids);
  }, [ids, ui]);
  useEffect(() => () => ui.setVisibleIssues([]), [ui]);
  // Issues deleted elsewhere leave the selection.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs whenever the shown issues change
  useEffect(() => selection.retain((id) => !!store.issues.get(id)), [ids, selection, store]);

  // Keep the focused row in view when the keyboard moves it.
  useEffect(
    () =>
      reaction(
        () => ui.focusedIssueId,
        (id) => {
          const at = lrRef.current.rows.findIndex((r) => !isGroupRow(r) && r.id === id);
          if (at >= 0) virtualizerRef.current?.scrollToIndex(at, { align: 'auto' });
        },
      ),
    [ui],
  );

  // Stable callbacks: rows are memoized, so scrolling renders only the rows that appear.
  const open = useCallback(
    (issue: Issue) => {
      if (issue.number === 0 || !store.workspace) return; // still being created
      ui.focusIssue(issue.id);
      go(paths.issue(store.workspace.urlSlug, issue.identifier));
    },
    [store, ui],
  );
  const select = useCallback(
    (issue: Issue, mode: 'range' | 'toggle') => {
      if (mode === 'toggle') selection.toggle(issue.id);
      else {
        if (!selection.anchor && ui.focusedIssueId && ui.focusedIssueId !== issue.id) selection.toggle(ui.focusedIssueId);
        selection.selectRange(issue.id, idsRef.current);
      }
    },
    [selection, ui],
  );

  useCommands(() => {
    const hasRows = () => ui.visibleIssueIds.length > 0;
    const blurControls = () => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && active !== document.body) active.blur();
    };
    const move = (delta: number, extend = false) => () => {
      blurControls();
      const from = ui.focusedIssueId;
      const to = ui.moveFocus(delta);
      if (extend && to) {
        if (from && !selection.has(from)) selection.toggle(from);
        if (!selection.has(to)) selection.toggle(to);
      }
    };
    const focusedShown = () => !!ui.focusedIssueId && ui.visibleIssueIds.includes(ui.focusedIssueId);
    return [
      { id: 'list.down', title: 'Next issue', group: 'List', keys: ['j'], alternateKeys: [['arrowdown']], palette: false, isEnabled: hasRows, run: move(1) },
      { id: 'list.up', title: 'Previous issue', group: 'List', keys: ['k'], alternateKeys: [['arrowup']], palette: false, isEnabled: hasRows, run: move(-1) },
      { id: 'list.extendDown', title: 'Extend selection down', group: 'List', keys: ['shift+arrowdown'], alternateKeys: [['shift+j']], palette: false, isEnabled: hasRows, run: move(1, true) },
      { id: 'list.extendUp', title: 'Extend selection up', group: 'List', keys: ['shift+arrowup'], alternateKeys: [['shift+k']], palette: false, isEnabled: hasRows, run: move(-1, true) },
      {
        id: 'list.open',
        title: 'Open focused issue',
        group: 'List',
        keys: ['enter'],
        alternateKeys: [['o']],
        palette: false,
        isEnabled: focusedShown,
        run: () => {
          const issue = store.issue(ui.focusedIssueId);
          if (issue) open(issue);
        },
      },
      { id: 'list.select', title: 'Select focused issue', group: 'List', keys: ['x'], isEnabled: focusedShown, run: () => selection.toggle(ui.focusedIssueId!) },
      { id: 'list.selectAll', title: 'Select all issues', group: 'List', keys: ['mod+a'], isEnabled: hasRows, run: () => selection.setAll(ui.visibleIssueIds) },
      { id: 'list.clearSelection', title: 'Clear selection', group: 'List', keys: ['escape'], isEnabled: () => selection.size > 0, run: () => selection.clear() },
    ];
  }, [store]);

  const toggleGroup = useCallback(
    (key: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (n.has(key)) n.delete(key);
        else n.add(key);
        return n;
      }),
    [],
  );
  const dragOff = !reorderable(orderBy) && groups.length < 2 && !groups.some((g) => g.subgroups);

  const dnd = useDnd();
  /** The row under a viewport y, as a drop point (null outside the list). */
  const locate = useCallback((y: number): { index: number; below: boolean; line: number } | null => {
    const el = scroller.current;
    const virtualizer = virtualizerRef.current;
    if (!el || !virtualizer) return null;
    const box = el.getBoundingClientRect();
    if (y < box.top || y > box.bottom) return null;
    const offset = y - box.top + el.scrollTop;
    const item = virtualizer.getVirtualItemForOffset(offset);
    const { rows } = lrRef.current;
    if (!item) return { index: rows.length, below: true, line: virtualizer.getTotalSize() };
    const below = offset > item.start + item.size / 2;
    const header = isGroupRow(rows[item.index]);
    return { index: item.index, below, line: header || below ? item.end : item.start };
  }, []);
  const list = (
    <VirtualRows
      scroller={scroller}
      virtualizerRef={virtualizerRef}
      lr={lr}
      dnd={dnd}
      dragOff={dragOff}
      properties={properties}
      onOpen={open}
      onSelect={select}
      onToggle={toggleGroup}
      onCreateInGroup={onCreateInGroup}
      locate={locate}
    />
  );
  if (!dnd) return list;
  return (
    <dnd.IssueDnd
      store={store}
      containers={containers}
      orderBy={orderBy}
      ctx={ctx}
      resolve={(y) => {
        const at = locate(y);
        return at ? dropAt(lrRef.current, at.index, at.below) : null;
      }}
      overlay={(issue) => (
        <div className="flex h-10 w-[480px] items-center gap-3 rounded-md border border-line bg-elevated px-4 shadow-overlay">
          <span className="text-muted tabular-nums">{issue.identifier}</span>
          <span className="truncate font-medium">{issue.title}</span>
        </div>
      )}
    >
      <ListDropTarget dnd={dnd}>{list}</ListDropTarget>
    </dnd.IssueDnd>
  );
});

/** Props of {@link VirtualRows}: all stable while the list scrolls. */
interface VirtualRowsProps {
  scroller: React.RefObject<HTMLDivElement | null>;
  /** Set to the virtualizer while mounted (for the drop point and keyboard scrolling). */
  virtualizerRef: React.RefObject<ReactVirtualizer<HTMLDivElement, Element> | null>;
  lr: ListRows;
  dnd: DndModule | null;
  dragOff: boolean;
  properties: ReadonlySet<DisplayProperty>;
  onOpen: (issue: Issue) => void;
  onSelect: (issue: Issue, mode: 'range' | 'toggle') => void;
  onToggle: (key: string) => void;
  onCreateInGroup?: (group: IssueGroup) => void;
  locate: (y: number) => { line: number } | null;
}

/**
 * The scroller and the rows in view. It owns the virtualizer, which re-renders it (synchronously,
 * in the scroll event) on every scroll step: only this component and the rows that come into view
 * render then, not the list's drag-and-drop context or the screen around it.
 */
const VirtualRows = observer(function VirtualRows({ scroller, virtualizerRef, lr, dnd, dragOff, properties, onOpen, onSelect, onToggle, onCreateInGroup, locate }: VirtualRowsProps) {
  const store = useStore();
  const { ui } = store;
  const { selection } = listActions(store);
  const { rows } = lr;
  // Stable per rows: the virtualizer recomputes its measurements only when these change.
  const estimateSize = useCallback(
    (i: number) => {
      const r = lr.rows[i];
      return isGroupRow(r) ? (r.level === 0 ? HEADER_HEIGHT : SUBHEADER_HEIGHT) : ROW_HEIGHT;
    },
    [lr],
  );
  const getItemKey = useCallback((i: number) => rowKey(lr, i), [lr]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    // Rows mounted beyond the viewport on each side (200 px): a filter change re-renders every
    // mounted row, so 10 (400 px) made clicks about a sixth dearer in main-thread time (B11 A/B).
    overscan: 5,
    getItemKey,
  });
  virtualizerRef.current = virtualizer;
  useEffect(
    () => () => {
      virtualizerRef.current = null;
    },
    [virtualizerRef],
  );
  const items = virtualizer.getVirtualItems();
  return (
    // biome-ignore lint/a11y/useSemanticElements: the virtualized list positions its rows absolutely; a <ul> would hold wrappers, not items
    <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" role="list" aria-label="Issues" data-testid="issue-list" data-dnd={dnd ? 'ready' : undefined}>
      <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((v) => {
          const row = rows[v.index]!;
          let body: React.ReactNode;
          if (isGroupRow(row)) {
            body = <GroupHeader row={row} onToggle={onToggle} onCreate={row.level === 0 && !row.group.subgroups ? onCreateInGroup : undefined} />;
          } else {
            const props: ListRowProps = {
              issue: row,
              focused: ui.focusedIssueId === row.id,
              selected: selection.has(row.id),
              properties,
              onOpen,
              onSelect,
            };
            body = dnd ? <DraggableRow dnd={dnd} lr={lr} index={v.index} disabled={dragOff} {...props} /> : <ListRow {...props} />;
          }
          return (
            // Keyed by position: after a filter change the mounted rows are reused with new
            // issues instead of being torn down and rebuilt (rows hold no state of their own).
            // (Keys recycled from rows that scrolled out would save the rows' mounting while
            // scrolling, but React then moves DOM nodes: three per step down, and nearly every
            // mounted row per step up.)
            <div key={v.index} className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${v.start}px)`, height: v.size }}>
              {body}
            </div>
          );
        })}
        {dnd && <DropLine dnd={dnd} locate={locate} />}
      </div>
    </div>
  );
});

/** The whole list as one drop target (the drop point comes from the pointer, see `locate`). */
function ListDropTarget({ dnd, children }: { dnd: DndModule; children: React.ReactNode }) {
  const drop = dnd.useContainerDrop(LIST_TARGET);
  return (
    <div ref={drop.setNodeRef} className="flex min-h-0 flex-1 flex-col">
      {children}
    </div>
  );
}

/** The insertion line under the pointer while dragging. */
function DropLine({ dnd, locate }: { dnd: DndModule; locate: (y: number) => { line: number } | null }) {
  const [line, setLine] = useState<number | null>(null);
  dnd.useDragPointer((y) => setLine(y === null ? null : (locate(y)?.line ?? null)));
  if (line === null) return null;
  return <div aria-hidden className="pointer-events-none absolute inset-x-0 z-10 h-0.5 bg-accent" style={{ transform: `translateY(${line - 1}px)` }} />;
}

/** A row with its drag handle (once drag and drop has loaded); memoized like the row itself. */
const DraggableRow = memo(function DraggableRow({ dnd, lr, index, disabled, ...props }: ListRowProps & { dnd: DndModule; lr: ListRows; index: number; disabled: boolean }) {
  const drag = dnd.useIssueDragOnly(props.issue.id, containerAt(lr, index) ?? '', disabled || props.issue.number === 0);
  return <ListRow {...props} drag={drag} />;
});

type HeaderProps = { row: GroupRow; onToggle: (key: string) => void; onCreate?: (g: IssueGroup) => void };

/** A group or sub-group header (memoized: it renders again only when its row changes). */
const GroupHeader = memo(function GroupHeader({ row, onToggle, onCreate }: HeaderProps) {
  const top = row.level === 0;
  const Heading = top ? 'h2' : 'h3';
  return (
    <Heading
      data-testid={top ? 'group-header' : 'subgroup-header'}
      className={`group flex items-center gap-2 border-b border-line pr-4 ${top ? 'h-9 bg-subtle pl-3' : 'h-8 bg-bg pl-8'}`}
    >
      <button type="button" tabIndex={-1} aria-label={row.collapsed ? `Expand ${row.group.title}` : `Collapse ${row.group.title}`} aria-expanded={!row.collapsed} onClick={() => onToggle(row.key)} className="rounded p-0.5 text-faint hover:bg-hover hover:text-fg">
        <ChevronDown className={`transition-transform ${row.collapsed ? '-rotate-90' : ''}`} />
      </button>
      <GroupIconView icon={row.group.icon} />
      <span className={top ? 'font-medium' : 'text-muted'}>{row.group.title}</span>
      <span className="text-muted tabular-nums">{row.count}</span>
      <span className="flex-1" />
      {onCreate && (
        <button
          type="button"
          aria-label={`New issue in ${row.group.title}`}
          className="rounded p-1 text-faint opacity-0 group-hover:opacity-100 hover:bg-hover hover:text-fg"
          onClick={() => onCreate(row.group)}
        >
          <PlusIcon size={12} />
        </button>
      )}
    </Heading>
  );
});
