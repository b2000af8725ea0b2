/**
 * A grouped, virtualized issue list. J/K (or ↓/↑) move the focus, Enter or O opens the focused
 * issue; hover moves the focus too. Rows are virtualized, so thousands of issues stay fast.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { reaction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { useEffect, useMemo, useRef } from 'react';
import type { Issue } from '../../api/types.ts';
import { useCommands } from '../../commands/useCommands.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { PlusIcon, StateIcon } from '../../ui/icons.tsx';
import type { IssueGroup } from './grouping.ts';
import { IssueRow } from './IssueRow.tsx';

type Row = { kind: 'header'; group: IssueGroup } | { kind: 'issue'; issue: Issue };

const HEADER_HEIGHT = 36;
const ROW_HEIGHT = 40;

/** Props of {@link IssueList}. */
export interface IssueListProps {
  groups: IssueGroup[];
  /** Opens the create modal preset for a group (its `+` button). */
  onCreateInGroup?: (group: IssueGroup) => void;
}

/** The grouped list. */
export const IssueList = observer(function IssueList({ groups, onCreateInGroup }: IssueListProps) {
  const store = useStore();
  const { ui } = store;
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo<Row[]>(
    () => groups.flatMap((g) => [{ kind: 'header', group: g } as Row, ...g.issues.map((issue) => ({ kind: 'issue', issue }) as Row)]),
    [groups],
  );
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'header' ? HEADER_HEIGHT : ROW_HEIGHT),
    overscan: 12,
    getItemKey: (i) => {
      const r = rows[i]!;
      return r.kind === 'header' ? `h:${r.group.id}` : r.issue.id;
    },
  });

  const ids = useMemo(() => rows.flatMap((r) => (r.kind === 'issue' ? [r.issue.id] : [])), [rows]);
  useEffect(() => {
    const cur = ui.visibleIssueIds;
    if (cur.length !== ids.length || cur.some((id, i) => id !== ids[i])) ui.setVisibleIssues(ids);
  }, [ids, ui]);
  useEffect(() => () => ui.setVisibleIssues([]), [ui]);

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

  useCommands(
    () => {
      const hasRows = () => ui.visibleIssueIds.length > 0;
      // Moving through the list makes it the keyboard context: a focused sidebar link or button
      // would otherwise take the following Enter.
      const move = (delta: number) => () => {
        const active = document.activeElement;
        if (active instanceof HTMLElement && active !== document.body) active.blur();
        ui.moveFocus(delta);
      };
      const openFocused = () => {
        const issue = store.issue(ui.focusedIssueId);
        if (issue && ui.visibleIssueIds.includes(issue.id)) open(issue);
      };
      return [
        { id: 'list.down', title: 'Next issue', group: 'List', keys: ['j'], alternateKeys: [['arrowdown']], palette: false, isEnabled: hasRows, run: move(1) },
        { id: 'list.up', title: 'Previous issue', group: 'List', keys: ['k'], alternateKeys: [['arrowup']], palette: false, isEnabled: hasRows, run: move(-1) },
        { id: 'list.open', title: 'Open focused issue', group: 'List', keys: ['enter'], alternateKeys: [['o']], palette: false, isEnabled: () => !!ui.focusedIssueId, run: openFocused },
      ];
    },
    [store],
  );

  return (
    <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto" role="list" aria-label="Issues" data-testid="issue-list">
      <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index]!;
          return (
            <div key={v.key} className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${v.start}px)`, height: v.size }}>
              {row.kind === 'header' ? (
                <GroupHeader group={row.group} onCreate={onCreateInGroup} />
              ) : (
                <IssueRow issue={row.issue} focused={ui.focusedIssueId === row.issue.id} onOpen={open} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
});

function GroupHeader({ group, onCreate }: { group: IssueGroup; onCreate?: (g: IssueGroup) => void }) {
  return (
    <div role="heading" aria-level={2} className="group flex h-9 items-center gap-2 border-b border-line bg-subtle pr-4 pl-5" data-testid="group-header">
      <StateIcon category={group.category} color={group.color} />
      <span className="font-medium">{group.title}</span>
      <span className="text-muted tabular-nums">{group.issues.length}</span>
      <span className="flex-1" />
      {onCreate && (
        <button
          type="button"
          aria-label={`New issue in ${group.title}`}
          className="rounded p-1 text-faint opacity-0 group-hover:opacity-100 hover:bg-hover hover:text-fg"
          onClick={() => onCreate(group)}
        >
          <PlusIcon size={12} />
        </button>
      )}
    </div>
  );
}
