import { describe, expect, it } from 'vitest';
import type { AppError } from '../src/lib/errors.ts';
import { escapeLike, historyChanges, lifecycleTimestamps, nextLabelIds, normalizeTitle } from '../src/modules/issues/issues.rules.ts';
import type { PresentedIssue } from '../src/modules/issues/issues.presenter.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-02T00:00:00Z');
const none = { startedAt: null, completedAt: null, canceledAt: null };

describe('lifecycleTimestamps', () => {
  it('sets and clears the category timestamps', () => {
    expect(lifecycleTimestamps('unstarted', 'started', none, t0)).toEqual({ startedAt: t0, completedAt: null, canceledAt: null });
    expect(lifecycleTimestamps('started', 'completed', { ...none, startedAt: t0 }, t1)).toEqual({ startedAt: t0, completedAt: t1, canceledAt: null });
    expect(lifecycleTimestamps('completed', 'started', { ...none, startedAt: t0, completedAt: t1 }, t1)).toEqual({ startedAt: t0, completedAt: null, canceledAt: null });
    expect(lifecycleTimestamps('started', 'canceled', { ...none, startedAt: t0 }, t1)).toEqual({ startedAt: t0, completedAt: null, canceledAt: t1 });
    for (const back of ['triage', 'backlog', 'unstarted'] as const) {
      expect(lifecycleTimestamps('completed', back, { startedAt: t0, completedAt: t1, canceledAt: null }, t1)).toEqual(none);
    }
    expect(lifecycleTimestamps(null, 'completed', none, t0)).toEqual({ startedAt: null, completedAt: t0, canceledAt: null });
  });

  it('keeps every timestamp within one category and returns only the three fields', () => {
    const prev = { startedAt: t0, completedAt: null, canceledAt: null, title: 'not a timestamp' };
    const out = lifecycleTimestamps('started', 'started', prev, t1);
    expect(out).toEqual({ startedAt: t0, completedAt: null, canceledAt: null });
    expect(Object.keys(out).sort()).toEqual(['canceledAt', 'completedAt', 'startedAt']);
  });
});

describe('nextLabelIds', () => {
  it('replaces, adds and removes', () => {
    expect(nextLabelIds(['a', 'b'], {}, '/body')).toBeNull();
    expect(nextLabelIds(['a', 'b'], { labelIds: ['c', 'a'] }, '/body')).toEqual(['a', 'c']);
    expect(nextLabelIds(['a', 'b'], { addedLabelIds: ['c'], removedLabelIds: ['a', 'z'] }, '/body')).toEqual(['b', 'c']);
  });

  it('refuses mixing forms, add-and-remove of one id, and more than 50 labels', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as AppError;
      }
      throw new Error('expected an error');
    };
    expect(err(() => nextLabelIds([], { labelIds: [], removedLabelIds: ['a'] }, '/body/update')).errors).toEqual([
      { field: '/body/update/labelIds', message: 'Send either labelIds or addedLabelIds/removedLabelIds, not both' },
    ]);
    expect(err(() => nextLabelIds([], { addedLabelIds: ['a'], removedLabelIds: ['a'] }, '/body')).detail).toBe('Label a is both added and removed');
    const many = Array.from({ length: 50 }, (_, i) => `l${i}`);
    expect(err(() => nextLabelIds(many, { addedLabelIds: ['x'] }, '/body')).detail).toBe('An issue can have at most 50 labels');
  });
});

describe('normalizeTitle', () => {
  it('turns line breaks into spaces, trims, and counts code points', () => {
    expect(normalizeTitle(' a\r\nb\tc ', '/body/title')).toBe('a b c');
    expect(normalizeTitle('👍'.repeat(255), '/body/title')).toHaveLength(510);
    expect(() => normalizeTitle('👍'.repeat(256), '/body/title')).toThrow('title must be at most 255 characters (Unicode code points)');
    expect(() => normalizeTitle('\n\n', '/body/title')).toThrow('title must not be blank');
  });
});

describe('escapeLike', () => {
  it('escapes %, _ and the escape character', () => {
    expect(escapeLike('100%_\\x')).toBe('100\\%\\_\\\\x');
    expect(escapeLike("What's (a:b) &| :*")).toBe("What's (a:b) &| :*");
  });
});

describe('historyChanges', () => {
  it('lists changed tracked fields only, comparing label arrays by value', () => {
    const base = { title: 'a', labelIds: ['x'], sortOrder: 'a0', priority: 'none', updatedAt: '1' } as unknown as PresentedIssue;
    const next = { ...base, title: 'b', labelIds: ['x'], sortOrder: 'a1', updatedAt: '2' } as PresentedIssue;
    expect(historyChanges(base, next)).toEqual({ title: { from: 'a', to: 'b' } });
    expect(historyChanges(base, { ...base, labelIds: ['x', 'y'] })).toEqual({ labelIds: { from: ['x'], to: ['x', 'y'] } });
  });
});
