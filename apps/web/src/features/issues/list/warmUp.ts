/**
 * Idle-time warm-up of a list's filter path. The first filter change on a big list used to take
 * 20–30 ms against 6–8 ms for the next ones (B11, docs/PERFORMANCE.md): the filter, grouping and
 * row-building code ran for the first time in the click, in V8's interpreter, and was tiered up
 * during it. Running the same functions a few times over the list's issues while the browser is
 * idle (requestIdleCallback; results thrown away, nothing rendered) moves that cost out of the
 * first click. Closures made by the same code share their feedback in V8, so warming with other
 * filters of the same shapes helps the user's filter too.
 */
import type { FilterNode } from '@exponential/domain';

/** Lists with fewer issues than this are not warmed (their first filter change is cheap anyway). */
export const WARM_MIN_ISSUES = 500;

/** Rounds of {@link warmFilters}' filters. */
const ROUNDS = 2;

/** Time an idle period must still have, in ms, to start a pass (a pass over 10,000 issues takes 1–5 ms warm, ~15 cold). */
const MIN_IDLE_MS = 6;

/**
 * Filters the warm-up runs: the current one (or none), then conditions of the shapes a filter
 * chip or menu makes: `is` and `isNot` of one value, `isAnyOf`, and an OR group.
 */
export function warmFilters(current: FilterNode | undefined): (FilterNode | undefined)[] {
  return [
    current,
    { and: [{ field: 'priority', op: 'is', value: 'urgent' }] },
    { and: [{ field: 'priority', op: 'isNot', value: 'urgent' }] },
    { and: [{ field: 'stateCategory', op: 'isAnyOf', value: ['started', 'unstarted'] }] },
    { or: [{ field: 'assignee', op: 'isEmpty' }, { field: 'label', op: 'isNotEmpty' }] },
  ];
}

/** Passes a complete warm-up runs. */
export const WARM_PASSES = ROUNDS * warmFilters(undefined).length;

type IdleDeadline = { timeRemaining(): number };
type IdleApi = {
  requestIdleCallback?: (cb: (d: IdleDeadline) => void, opts?: { timeout: number }) => number;
  cancelIdleCallback?: (id: number) => void;
};

/**
 * Runs `pass(filter)` for each of {@link warmFilters}(`current`), {@link ROUNDS} times, in idle
 * periods (passes follow each other while the period has {@link MIN_IDLE_MS} left; without
 * requestIdleCallback, one pass per 50-ms timeout). A pass that throws ends the warm-up silently:
 * it is an optimisation, never a reason to fail.
 * @returns a function cancelling the passes not run yet
 */
export function warmInIdle(current: FilterNode | undefined, pass: (filter: FilterNode | undefined) => void): () => void {
  const queue = Array.from({ length: ROUNDS }, () => warmFilters(current).map((filter) => ({ filter }))).flat();
  const api = globalThis as IdleApi;
  const idle = typeof api.requestIdleCallback === 'function';
  let handle: ReturnType<typeof setTimeout> | number | null = null;
  const step = (deadline?: IdleDeadline) => {
    handle = null;
    try {
      for (let item = queue.shift(); item; item = deadline && deadline.timeRemaining() >= MIN_IDLE_MS ? queue.shift() : undefined) pass(item.filter);
    } catch {
      queue.length = 0;
    }
    if (queue.length) schedule();
  };
  const schedule = () => {
    handle = idle ? api.requestIdleCallback!(step, { timeout: 5000 }) : setTimeout(() => step(), 50);
  };
  schedule();
  return () => {
    queue.length = 0;
    if (handle === null) return;
    if (idle) api.cancelIdleCallback?.(handle as number);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
    handle = null;
  };
}
