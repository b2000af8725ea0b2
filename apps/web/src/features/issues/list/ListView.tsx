/**
 * The list layout: group (and sub-group) headers and issue rows in one virtualized scroller, so
 * ten thousand issues scroll at 60 fps (only the rows in view, plus an overscan, are mounted).
 *
 * Keys (registered while mounted; Linear's list keys, linear-ux.md §1): J/K or ↓/↑ move the
 * focus, Enter or O opens, X toggles the focused issue's selection, Shift+↓/↑ extend it,
 * ⌘/Ctrl+A selects every shown issue, Esc clears the selection. Rows can be dragged between
 * groups and, in manual or priority order, to a position.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect, useMemo, useRef, useState } from 'react';
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

type Row =
  | { kind: 'group'; group: IssueGroup; level: 0 | 1; key: string; containerId: string | null; count: number; collapsed: boolean }
  | { kind: 'issue'; issue: Issue; containerId: string };

const HEADER_HEIGHT = 36;
const SUBHEADER_HEIGHT = 32;
const ROW_HEIGHT = 40;

/** Props of {@link ListView}. */
export interface ListViewProps {
  groups: IssueGroup[];
  ctx: GroupContext;
  orderBy: Ordering;
  properties: ReadonlySet<DisplayProperty>;
  /** Opens the create modal preset for a group (its `+` button); absent where creating makes no sense. */
  onCreateInGroup?: (group: IssueGroup) => void;
}

/** Flattens groups into rows, skipping the issues of collapsed groups. */
function rowsOf(groups: readonly IssueGroup[], collapsed: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  for (const g of groups) {
    const closed = collapsed.has(g.id);
    const count = g.issues.length;
    rows.push({ kind: 'group', group: g, level: 0, key: g.id, containerId: g.subgroups ? null : g.id, count, collapsed: closed });
    if (closed) continue;
    if (g.subgroups) {
      for (const s of g.subgroups) {
        const key = `${g.id}/${s.id}`;
        const sub = collapsed.has(key);
        rows.push({ kind: 'group', group: s, level: 1, key, containerId: key, count: s.issues.length, collapsed: sub });
        if (!sub) for (const issue of s.issues) rows.push({ kind: 'issue', issue, containerId: key });
      }
    } else for (const issue of g.issues) rows.push({ kind: 'issue', issue, containerId: g.id });
  }
  return rows;
}

/** The virtualized, grouped list. */
export const ListView = observer(function ListView({ groups, ctx, orderBy, properties, onCreateInGroup }: ListViewProps) {
  const store = useStore();
  const { ui } = store;
  const actions = listActions(store);
  const { selection } = actions;
  const scroller = useRef<HTMLDivElement>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => rowsOf(groups, collapsed), [groups, collapsed]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const containers = useMemo(() => containersOf(groups), [groups]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => {
      const r = rows[i];
      return r?.kind === 'group' ? (r.level === 0 ? HEADER_HEIGHT : SUBHEADER_HEIGHT) : ROW_HEIGHT;
    },
    overscan: 10,
    getItemKey: (i) => {
      const r = rows[i]!;
      return r.kind === 'group' ? `g:${r.key}` : `${r.containerId}:${r.issue.id}`;
    },
  });

  // Display order of distinct issues (an issue shows once per label group).
  const ids = useMemo(() => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const r of rows) if (r.kind === 'issue' && !seen.has(r.issue.id)) seen.add(r.issue.id) && out.push(r.issue.id);
    return out;
  }, [rows]);
  const idsRef = useRef(ids);
  idsRef.current = ids;
  useEffect(() => {
    const cur = ui.visibleIssueIds;
    if (cur.length !== ids.length || cur.some((id, i) => id !== ids[i])) ui.setVisibleIssues(ids);
  }, [ids, ui]);
  useEffect(() => () => ui.setVisibleIssues([]), [ui]);
  // Issues deleted elsewhere leave the selection.
  useEffect(() => selection.retain((id) => !!store.issues.get(id)), [ids, selection, store]);

  // Keep the focused row in view when the keyboard moves it.
  useEffect(
    () =>
      reaction(
        () => ui.focusedIssueId,
        (id) => {
          const at = rowsRef.current.findIndex((r) => r.kind === 'issue' && r.issue.id === id);
          if (at >= 0) virtualizer.scrollToIndex(at, { align: 'auto' });
        },
      ),
    [ui, virtualizer],
  );

  const open = (issue: Issue) => {
    if (issue.number === 0 || !store.workspace) return; // still being created
    ui.focusIssue(issue.id);
    go(paths.issue(store.workspace.urlSlug, issue.identifier));
  };
  const select = (issue: Issue, mode: 'range' | 'toggle') => {
    if (mode === 'toggle') selection.toggle(issue.id);
    else {
      if (!selection.anchor && ui.focusedIssueId && ui.focusedIssueId !== issue.id) selection.toggle(ui.focusedIssueId);
      selection.selectRange(issue.id, idsRef.current);
    }
  };

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

  const toggleGroup = (key: string) =>
    setCollapsed((c) => {
      const n = new Set(c);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  const dragOff = !reorderable(orderBy) && groups.length < 2 && !groups.some((g) => g.subgroups);

  const dnd = useDnd();
  const list = (
    <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" role="list" aria-label="Issues" data-testid="issue-list" aria-multiselectable="true">
      <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index]!;
          const rowProps: ListRowProps | null =
            row.kind === 'issue'
              ? { issue: row.issue, containerId: row.containerId, focused: ui.focusedIssueId === row.issue.id, selected: selection.has(row.issue.id), properties, onOpen: open, onSelect: select }
              : null;
          return (
            <div key={v.key} className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${v.start}px)`, height: v.size }}>
              {row.kind === 'group' ? (
                dnd && row.containerId ? (
                  <DropHeader dnd={dnd} containerId={row.containerId} row={row} onToggle={() => toggleGroup(row.key)} onCreate={row.level === 0 && !row.group.subgroups ? onCreateInGroup : undefined} />
                ) : (
                  <GroupHeader row={row} onToggle={() => toggleGroup(row.key)} onCreate={row.level === 0 && !row.group.subgroups ? onCreateInGroup : undefined} />
                )
              ) : dnd ? (
                <DraggableRow dnd={dnd} disabled={dragOff} {...rowProps!} />
              ) : (
                <ListRow {...rowProps!} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
  if (!dnd) return list;
  return (
    <dnd.IssueDnd
      store={store}
      containers={containers}
      orderBy={orderBy}
      ctx={ctx}
      overlay={(issue) => (
        <div className="flex h-10 w-[480px] items-center gap-3 rounded-md border border-line bg-elevated px-4 shadow-overlay">
          <span className="text-muted tabular-nums">{issue.identifier}</span>
          <span className="truncate font-medium">{issue.title}</span>
        </div>
      )}
    >
      {list}
    </dnd.IssueDnd>
  );
});

/** A row with its drag handle (once drag and drop has loaded). */
function DraggableRow({ dnd, disabled, ...props }: ListRowProps & { dnd: DndModule; disabled: boolean }) {
  const drag = dnd.useIssueDrag(props.issue.id, props.containerId, disabled || props.issue.number === 0);
  return <ListRow {...props} drag={drag} />;
}

type HeaderProps = { row: Extract<Row, { kind: 'group' }>; onToggle: () => void; onCreate?: (g: IssueGroup) => void; dropRef?: (el: HTMLElement | null) => void; isOver?: boolean };

/** A group header that is also the drop target of its section (drop at its end). */
function DropHeader({ dnd, containerId, ...props }: HeaderProps & { dnd: DndModule; containerId: string }) {
  const drop = dnd.useContainerDrop(containerId);
  return <GroupHeader {...props} dropRef={drop.setNodeRef} isOver={drop.isOver} />;
}

function GroupHeader({ row, onToggle, onCreate, dropRef, isOver }: HeaderProps) {
  const top = row.level === 0;
  return (
    <div
      ref={dropRef}
      role="heading"
      aria-level={top ? 2 : 3}
      data-testid={top ? 'group-header' : 'subgroup-header'}
      className={`group flex items-center gap-2 border-b border-line pr-4 ${top ? 'h-9 bg-subtle pl-3' : 'h-8 bg-bg pl-8'} ${isOver ? 'ring-1 ring-accent ring-inset' : ''}`}
    >
      <button type="button" tabIndex={-1} aria-label={row.collapsed ? `Expand ${row.group.title}` : `Collapse ${row.group.title}`} aria-expanded={!row.collapsed} onClick={onToggle} className="rounded p-0.5 text-faint hover:bg-hover hover:text-fg">
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
    </div>
  );
}
