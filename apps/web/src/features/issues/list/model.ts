/**
 * The list model of a screen: which issues it shows, in which groups, from the local store.
 * Read inside an observer: it depends on the issue table's version (one dependency), the
 * workflow states and the query; sorting happens once per table version and ordering, filtering
 * and grouping on each query change. The first big list of the page warms that path in idle time
 * (warmUp.ts), so the first filter change does not pay for cold code.
 */
import type { FilterNode, ViewDisplay } from '@exponential/domain';
import { useEffect, useMemo, useRef } from 'react';
import type { Issue, StateCategory } from '../../../api/types.ts';
import { applyQuery } from '../../../store/filters.ts';
import { issueSource } from '../../../store/filtersSource.ts';
import type { RootStore } from '../../../store/root.ts';
import { type GroupContext, groupWithSub, type IssueGroup } from './groups.ts';
import { buildRows } from './rows.ts';
import { WARM_MIN_ISSUES, WARM_PASSES, warmInIdle } from './warmUp.ts';

/** What a screen lists before any filter: one team (with a view's categories), my issues, or everything readable. */
export interface ListScope {
  /** Stable key of the scope (cache key). */
  key: string;
  /** Set when the screen shows one team: state groups are then per workflow state. */
  teamId?: string;
  /** Narrowing that defines the scope (team, assignee = me). */
  pick?: (i: Issue) => boolean;
  /** State categories shown (team views Active / Backlog). */
  categories?: ReadonlySet<StateCategory>;
}

/** The grouping context over the store. */
export function groupContext(store: RootStore, teamId?: string): GroupContext {
  return {
    me: store.userId,
    state: (id) => store.states.get(id),
    user: (id) => store.users.get(id),
    label: (id) => store.labels.get(id),
    team: (id) => store.teams.get(id),
    teamStates: teamId ? store.statesOf(teamId) : undefined,
    statesOfTeam: (id) => store.statesOf(id),
  };
}

/** The model a list or board renders. */
export interface ListModel {
  /** Shown issues in display order (before grouping). */
  issues: Issue[];
  groups: IssueGroup[];
  ctx: GroupContext;
  /** Issues in the scope before the user's filter (for "n of m"). */
  total: number;
}

/** Computes the list model (memoized per table version, scope and query). */
export function useListModel(store: RootStore, scope: ListScope, filter: FilterNode | undefined, display: ViewDisplay): ListModel {
  const source = issueSource(store);
  const version = source.version; // the observer's one dependency on the issue table
  // States, labels and people are small tables: read tracked, so renames re-render.
  const statesKey = store.states.all().map((s) => `${s.id}${s.name}${s.position}${s.category}`).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: statesKey rebuilds the context when workflow states change (the store is mutated in place)
  const ctx = useMemo(() => groupContext(store, scope.teamId), [store, scope.teamId, statesKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the issue table's change counter; the source reads the table untracked
  const sorted = useMemo(() => source.sortedFor(scope.key, scope.pick ?? null, display.orderBy), [source, scope, display.orderBy, version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: statesKey recomputes when a state changes category
  const issues = useMemo(
    () =>
      applyQuery(sorted, filter, display, { categories: scope.categories }, {
        me: store.userId ?? '',
        stateCategory: (id) => store.states.get(id)?.category,
      }),
    [sorted, filter, display, scope.categories, store, statesKey],
  );
  const includeEmpty = display.layout === 'board' && (display.groupBy === 'state' || display.groupBy === 'priority');
  const showCompleted = display.showCompleted;
  const categories = useMemo(() => {
    if (showCompleted) return scope.categories;
    const base = scope.categories ?? new Set<StateCategory>(['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled']);
    return new Set([...base].filter((c) => c !== 'completed' && c !== 'canceled'));
  }, [scope.categories, showCompleted]);
  const groups = useMemo(
    () => groupWithSub(issues, display.groupBy, display.subGroupBy, ctx, { includeEmpty, categories }),
    [issues, display.groupBy, display.subGroupBy, ctx, includeEmpty, categories],
  );
  useWarmUp(store, { sorted, filter, display, ctx, scope, includeEmpty, categories });
  return { issues, groups, ctx, total: sorted.length };
}

/** Set once a warm-up has run to the end: the code is then warm for every list of the page. */
let warmed = false;

/** What a warm-up pass reads (the newest values, through a ref). */
interface WarmInputs {
  sorted: readonly Issue[];
  filter: FilterNode | undefined;
  display: ViewDisplay;
  ctx: GroupContext;
  scope: ListScope;
  includeEmpty: boolean;
  categories: ReadonlySet<StateCategory> | undefined;
}

const NOTHING_COLLAPSED: ReadonlySet<string> = new Set();

/**
 * Once per page, when a list first holds {@link WARM_MIN_ISSUES} issues or more: runs the filter
 * path of a filter change (applyQuery, grouping, and the list's rows) with a few filters in idle
 * time and throws the results away (see warmUp.ts). Leaving the screen cancels what has not run.
 */
function useWarmUp(store: RootStore, inputs: WarmInputs): void {
  const latest = useRef(inputs);
  latest.current = inputs;
  const big = inputs.sorted.length >= WARM_MIN_ISSUES;
  useEffect(() => {
    if (!big || warmed) return;
    let passes = 0;
    const query = { me: store.userId ?? '', stateCategory: (id: string) => store.states.get(id)?.category };
    return warmInIdle(latest.current.filter, (filter) => {
      const l = latest.current;
      const shown = applyQuery(l.sorted, filter, l.display, { categories: l.scope.categories }, query);
      const groups = groupWithSub(shown, l.display.groupBy, l.display.subGroupBy, l.ctx, { includeEmpty: l.includeEmpty, categories: l.categories });
      if (l.display.layout === 'list') buildRows(groups, NOTHING_COLLAPSED);
      if (++passes === WARM_PASSES) warmed = true;
    });
  }, [store, big]);
}
