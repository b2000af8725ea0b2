/**
 * B11, filter change over 10,000 issues in the store, without a browser: the work the issue
 * screen does on each filter change (store/filters.ts `applyQuery`, then `groupWithSub`) on plain
 * arrays in Node, the same code the web app runs. Also the cost of a table change (re-sorting
 * the scope, which a live operation triggers) for comparison.
 */
import type { FilterNode } from '@exponential/domain';
import type { Issue, WorkflowState } from '../../apps/web/src/api/types.ts';
import { type GroupContext, groupWithSub } from '../../apps/web/src/features/issues/list/groups.ts';
import { applyQuery, comparatorOf, LIST_DEFAULT_DISPLAY } from '../../apps/web/src/store/filters.ts';
import { mkIssue } from '../../apps/web/src/store/filtersFixtures.ts';
import { median, percentile } from './measure.ts';

const CATS = ['backlog', 'unstarted', 'started', 'started', 'completed', 'canceled'] as const;
const PRIOS = ['urgent', 'high', 'medium', 'low', 'none'] as const;

/** Timings of one filter, in ms. */
export interface MicroResult {
  name: string;
  shown: number;
  medianMs: number;
  p95Ms: number;
}

/** Runs every filter `reps` times over `n` issues. */
export function filterMicro(n: number, reps = 200): { results: MicroResult[]; resortMedianMs: number } {
  const states: WorkflowState[] = CATS.map((category, i) => ({
    id: `s${i}`,
    teamId: 't1',
    name: `State ${i}`,
    category,
    color: '#999',
    description: null,
    position: i,
    isDefault: i === 0,
    createdAt: '',
    updatedAt: '',
  }));
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const issues: Issue[] = [];
  for (let i = 0; i < n; i++) {
    issues.push(
      mkIssue(`i${i}`, {
        stateId: states[Math.floor(rnd() * states.length)]!.id,
        priority: PRIOS[Math.floor(rnd() * 5)]!,
        assigneeId: rnd() < 0.3 ? 'me' : rnd() < 0.5 ? `u${Math.floor(rnd() * 20)}` : null,
        labelIds: rnd() < 0.5 ? [`l${Math.floor(rnd() * 6)}`] : [],
        sortOrder: `a${Math.floor(rnd() * 1e9).toString(36)}`,
        title: `issue ${i} ${rnd() < 0.05 ? 'login' : 'other'}`,
        createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      }),
    );
  }
  const cat = new Map(states.map((s) => [s.id, s.category]));
  const qctx = { me: 'me', stateCategory: (id: string) => cat.get(id) };
  const gctx: GroupContext = {
    me: 'me',
    state: (id) => states.find((s) => s.id === id),
    user: () => undefined,
    label: () => undefined,
    team: () => undefined,
    teamStates: states,
    statesOfTeam: () => states,
  };
  const display = LIST_DEFAULT_DISPLAY;
  const t0 = performance.now();
  const sorted = [...issues].sort(comparatorOf(display.orderBy));
  const firstSort = performance.now() - t0;
  const filters: Array<[string, FilterNode | undefined]> = [
    ['none', undefined],
    ['priority is urgent', { field: 'priority', op: 'is', value: 'urgent' }],
    ['priority is any of urgent, high', { field: 'priority', op: 'isAnyOf', value: ['urgent', 'high'] }],
    ['assignee is me', { field: 'assignee', op: 'is', value: 'me' }],
    ['label is none of l1, l2', { field: 'label', op: 'isNoneOf', value: ['l1', 'l2'] }],
    ['urgent OR label l3', { or: [{ field: 'priority', op: 'is', value: 'urgent' }, { field: 'label', op: 'is', value: 'l3' }] }],
    [
      'AND of (status category started) and (OR of assignee me, no assignee) and title contains',
      { and: [{ field: 'stateCategory', op: 'is', value: 'started' }, { or: [{ field: 'assignee', op: 'is', value: 'me' }, { field: 'assignee', op: 'isEmpty' }] }, { field: 'title', op: 'contains', value: 'login' }] },
    ],
  ];
  const results: MicroResult[] = [];
  for (const [name, f] of filters) {
    const times: number[] = [];
    let shown = 0;
    for (let r = 0; r < reps; r++) {
      const a = performance.now();
      const out = applyQuery(sorted, f, display, {}, qctx);
      groupWithSub(out, display.groupBy, display.subGroupBy, gctx, {});
      times.push(performance.now() - a);
      shown = out.length;
    }
    results.push({ name, shown, medianMs: median(times), p95Ms: percentile(times, 95) });
  }
  const resorts: number[] = [firstSort];
  for (let r = 0; r < 20; r++) {
    const a = performance.now();
    [...issues].sort(comparatorOf(display.orderBy));
    resorts.push(performance.now() - a);
  }
  return { results, resortMedianMs: median(resorts) };
}
