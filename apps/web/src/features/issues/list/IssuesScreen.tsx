/**
 * An issue screen: header (title, Filter, Display, Save view, New issue), the filter chips, then
 * the list or the board of the issues in scope, and the bulk-edit bar while issues are selected.
 * Filter and display options live in the URL (`?filter=…&display=…`), so a reload or a shared link
 * shows the same thing; they are applied to the local store, never sent to the server.
 */
import type { FilterNode, ViewDisplay } from '@exponential/domain';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Priority } from '../../../api/types.ts';
import { useCommands } from '../../../commands/useCommands.ts';
import { useStore } from '../../../store/context.tsx';
import { displayDiff, isEmptyFilter, type ListSearch, resolveDisplay } from '../../../store/filters.ts';
import type { CreateIssueDefaults } from '../../../store/ui.ts';
import { listActions } from '../../../store/viewsSelection.ts';
import { Button } from '../../../ui/Button.tsx';
import { NavIcon, PlusIcon } from '../../../ui/icons.tsx';
import { Kbd } from '../../../ui/Kbd.tsx';
import { DisplayMenu } from '../../filters/DisplayMenu.tsx';
import { AddFilterButton, FilterBar } from '../../filters/FilterBar.tsx';
import type { IssueGroup } from './groups.ts';
import { ListView } from './ListView.tsx';
import { type ListScope, useListModel } from './model.ts';
import { SelectionBar } from './SelectionBar.tsx';

// The board (and @dnd-kit with it) is a separate chunk: the list is the first screen.
const Board = lazy(() => import('../../board/Board.tsx').then((m) => ({ default: m.Board })));

/** Props of {@link IssuesScreen}. */
export interface IssuesScreenProps {
  /** Left part of the header (icon, title, view tabs). */
  heading: ReactNode;
  scope: ListScope;
  /** Display options when the URL names none (a saved view's, or the app's defaults). */
  baseDisplay: ViewDisplay;
  /** Filter when the URL names none (a saved view's). */
  baseFilter?: FilterNode;
  /** Defaults of issues created from this screen. */
  createDefaults: CreateIssueDefaults;
  /** Text of the empty state. */
  emptyText: string;
  /** Extra header actions (the view's Save changes / Delete). */
  actions?: (state: { filter: FilterNode | undefined; display: ViewDisplay; modified: boolean }) => ReactNode;
  /** Opens the save-as-view dialog for the current filter and display (absent on saved views). */
  onSaveView?: (filter: FilterNode | undefined, display: ViewDisplay) => void;
}

/** The issue screen. */
export const IssuesScreen = observer(function IssuesScreen({ heading, scope, baseDisplay, baseFilter, createDefaults, emptyText, actions, onSaveView }: IssuesScreenProps) {
  const store = useStore();
  const search = useSearch({ strict: false }) as ListSearch;
  const navigate = useNavigate();
  // A change applies at once from local state (a synchronous render in the click), while the
  // router writes the URL; when the URL catches up (or moves: back, forward) the URL rules again.
  const [pending, setPending] = useState<ListSearch | null>(null);
  const urlKey = JSON.stringify([search.filter ?? null, search.display ?? null]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the URL's query changes, to drop the local copy
  useEffect(() => setPending(null), [urlKey]);
  const current = pending ?? search;
  // Equal queries keep one identity, so the memoized list is not recomputed for a copy.
  const filterKey = JSON.stringify(current.filter ?? baseFilter ?? null);
  const displayKey = JSON.stringify(current.display ?? null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by content, not identity (see above)
  const filter = useMemo(() => current.filter ?? baseFilter, [filterKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by content, not identity (see above)
  const display = useMemo(() => resolveDisplay(current.display, baseDisplay), [displayKey, baseDisplay]);
  const model = useListModel(store, scope, filter, display);
  const [filterOpen, setFilterOpen] = useState(false);
  const [displayOpen, setDisplayOpen] = useState(false);
  const { selection } = listActions(store);

  // A new screen starts with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: clears when the scope changes
  useEffect(() => () => selection.clear(), [scope.key, selection]);

  const setSearch = (next: Partial<ListSearch>) => {
    setPending({ filter: current.filter, display: current.display, ...next });
    // The URL follows in the next task, so the list repaints first.
    setTimeout(() => void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, ...next }), replace: true } as never), 0);
  };
  const setFilter = (f: FilterNode | undefined) => setSearch({ filter: f === undefined && baseFilter && !isEmptyFilter(baseFilter) ? { and: [] } : f });
  const setDisplay = (d: ViewDisplay) => setSearch({ display: displayDiff(d, baseDisplay) });

  useCommands(
    () => [
      { id: 'view.filter', title: 'Filter issues…', group: 'View', keys: ['f'], run: () => setFilterOpen(true) },
      {
        id: 'view.layout',
        title: 'Toggle list / board',
        group: 'View',
        keys: ['mod+b'],
        run: () => setDisplay({ ...display, layout: display.layout === 'list' ? 'board' : 'list' }),
      },
      { id: 'view.display', title: 'Display options…', group: 'View', keys: ['shift+v'], run: () => setDisplayOpen(true) },
      ...(onSaveView ? [{ id: 'view.save', title: 'Save as view…', group: 'View', keys: ['alt+v'], run: () => onSaveView(filter, display) }] : []),
    ],
    [display, filter, onSaveView],
  );

  const create = () => store.ui.openCreateIssue(createDefaults);
  // Stable, so the memoized list does not render again when only the URL catches up with a
  // filter change (the screen renders twice then; the list already shows the new rows).
  const defaultsRef = useRef(createDefaults);
  defaultsRef.current = createDefaults;
  const createIn = useCallback(
    (g: IssueGroup) => {
      const d: CreateIssueDefaults = { ...defaultsRef.current };
      if (g.kind === 'state' && g.value && store.states.get(g.value)) d.stateId = g.value;
      if (g.kind === 'priority' && g.value) d.priority = g.value as Priority;
      if (g.kind === 'assignee') d.assigneeId = g.value;
      store.ui.openCreateIssue(d);
    },
    [store],
  );
  const properties = useMemo(() => new Set(display.properties), [display.properties]);
  const filtered = !isEmptyFilter(filter);
  const modified = JSON.stringify(filter ?? null) !== JSON.stringify(baseFilter ?? null) || !!displayDiff(display, baseDisplay);
  const hasGroups = model.issues.length > 0;

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      {/* One line at any width: the heading shrinks (and its tabs scroll) before the buttons do.
          overflow-x-clip: a popover's autofocus before it is clamped must not scroll the page sideways. */}
      <header className="flex h-12 shrink-0 items-center gap-2 overflow-x-clip border-b border-line px-3 sm:gap-3 sm:px-5">
        <div className="flex min-w-0 shrink items-center gap-2 whitespace-nowrap sm:gap-3">{heading}</div>
        <AddFilterButton filter={filter} onChange={setFilter} teamId={scope.teamId} open={filterOpen} setOpen={setFilterOpen} />
        <span className="flex-1" />
        {actions?.({ filter, display, modified })}
        {onSaveView && (filtered || !!displayDiff(display, baseDisplay)) && (
          <Button
            size="sm"
            variant="secondary"
            onClick={() => onSaveView(filter, display)}
            data-testid="save-view"
            title="Save as view (Alt+V)"
            aria-label="Save view"
            className="shrink-0 whitespace-nowrap"
          >
            <span className="sm:hidden">Save</span>
            <span className="hidden sm:inline">Save view</span>
          </Button>
        )}
        <DisplayMenu display={display} onChange={setDisplay} open={displayOpen} setOpen={setDisplayOpen} teamGrouping={!scope.teamId} />
        <Button size="sm" variant="ghost" onClick={create} title="Create issue (C)" className="shrink-0 text-muted">
          <PlusIcon size={12} /> <span className="hidden sm:inline">New issue</span>
        </Button>
      </header>
      <FilterBar filter={filter} onChange={setFilter} teamId={scope.teamId} />
      {hasGroups ? (
        display.layout === 'board' ? (
          <Suspense fallback={<div className="flex-1 bg-subtle/60" aria-busy="true" />}>
            <Board groups={model.groups} ctx={model.ctx} orderBy={display.orderBy} properties={properties} onCreateInGroup={createIn} />
          </Suspense>
        ) : (
          <ListView groups={model.groups} ctx={model.ctx} orderBy={display.orderBy} properties={properties} onCreateInGroup={createIn} />
        )
      ) : (
        <EmptyState loading={!store.sync.ready && model.total === 0} filtered={filtered && model.total > 0} onCreate={create} onClear={() => setFilter(undefined)} text={emptyText} />
      )}
      <SelectionBar shown={model.issues} />
    </div>
  );
});

/** Shown when nothing is listed: no issues yet, or none matching the filter. */
function EmptyState({ loading, filtered, onCreate, onClear, text }: { loading: boolean; filtered: boolean; onCreate: () => void; onClear: () => void; text: string }) {
  if (loading) return <div className="flex-1" aria-busy="true" />;
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-3 pb-20 text-center" data-testid="empty-state">
      <div className="rounded-xl border border-line bg-subtle p-3 text-muted">
        <NavIcon name="issues" />
      </div>
      <div className="text-lg font-medium">{filtered ? 'No issues match these filters' : 'No issues here'}</div>
      <p className="max-w-xs text-muted">{filtered ? 'Change or clear the filters to see more.' : text}</p>
      {filtered ? (
        <Button onClick={onClear}>Clear filters</Button>
      ) : (
        <Button variant="primary" onClick={onCreate}>
          Create issue <Kbd keys={['c']} className="ml-1 opacity-80" />
        </Button>
      )}
    </div>
  );
}
