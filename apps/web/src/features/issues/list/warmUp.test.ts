/** The idle-time warm-up: which passes run, when, and that cancelling or a failing pass stops it. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FilterNode } from '@exponential/domain';
import { WARM_PASSES, warmFilters, warmInIdle } from './warmUp.ts';

type Idle = (d: { timeRemaining(): number }) => void;
const g = globalThis as { requestIdleCallback?: unknown; cancelIdleCallback?: unknown };

/** A fake requestIdleCallback: callbacks wait until `flush(ms)` runs them with `ms` left each. */
function fakeIdle() {
  const pending = new Map<number, Idle>();
  let next = 1;
  g.requestIdleCallback = (cb: Idle) => {
    pending.set(next, cb);
    return next++;
  };
  g.cancelIdleCallback = (id: number) => pending.delete(id);
  return {
    pending,
    flush(ms: number) {
      const [[id, cb]] = [...pending];
      pending.delete(id!);
      cb!({ timeRemaining: () => ms });
    },
  };
}

afterEach(() => {
  delete g.requestIdleCallback;
  delete g.cancelIdleCallback;
  vi.useRealTimers();
});

describe('warmInIdle', () => {
  const current: FilterNode = { and: [{ field: 'assignee', op: 'is', value: 'me' }] };

  it('runs every warm filter (the current one first) twice, only in idle periods, as many per period as time allows', () => {
    const idle = fakeIdle();
    const seen: (FilterNode | undefined)[] = [];
    warmInIdle(current, (f) => seen.push(f));
    expect(seen).toEqual([]);
    idle.flush(0); // a period with no time left (timeout): one pass
    expect(seen).toEqual([current]);
    idle.flush(50); // plenty of time: the rest
    expect(seen).toHaveLength(WARM_PASSES);
    expect(seen).toEqual([...warmFilters(current), ...warmFilters(current)]);
    expect(idle.pending.size).toBe(0);
  });

  it('stops when cancelled, and after a pass that throws', () => {
    const idle = fakeIdle();
    let runs = 0;
    const cancel = warmInIdle(undefined, () => runs++);
    idle.flush(0);
    cancel();
    expect(idle.pending.size).toBe(0);
    expect(runs).toBe(1);

    warmInIdle(undefined, () => {
      runs++;
      throw new Error('boom');
    });
    idle.flush(50);
    expect(runs).toBe(2);
    expect(idle.pending.size).toBe(0);
  });

  it('falls back to timeouts without requestIdleCallback, one pass each', () => {
    vi.useFakeTimers();
    let runs = 0;
    warmInIdle(undefined, () => runs++);
    vi.advanceTimersByTime(49);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(50 * WARM_PASSES);
    expect(runs).toBe(WARM_PASSES);
  });
});
