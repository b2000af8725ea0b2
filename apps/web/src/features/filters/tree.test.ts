/** Editing filter trees: chips by path, groups, conjunctions, value toggling. */
import type { FilterGroup } from '@exponential/domain';
import { describe, expect, it } from 'vitest';
import { appendAt, compact, EMPTY_VALUE, negate, rootOf, setConjunction, toggledCondition, updateAt } from './tree.ts';

const urgent = { field: 'priority' as const, op: 'is' as const, value: 'urgent' };
const mine = { field: 'assignee' as const, op: 'is' as const, value: 'me' };

describe('filter tree edits', () => {
  it('wraps a lone condition in an AND root and appends at a path', () => {
    const root = rootOf(urgent);
    expect(root).toEqual({ and: [urgent] });
    const withGroup = appendAt(root, [], { or: [] });
    const filled = appendAt(withGroup, [1], mine);
    expect(filled).toEqual({ and: [urgent, { or: [mine] }] });
  });

  it('replaces and removes by path, switches conjunctions, and compacts empty groups away', () => {
    const root: FilterGroup = { and: [urgent, { or: [mine] }] };
    expect(updateAt(root, [1, 0], () => null)).toEqual({ and: [urgent, { or: [] }] });
    expect(compact(updateAt(root, [1, 0], () => null))).toEqual({ and: [urgent] });
    expect(compact(updateAt(updateAt(root, [1], () => null), [0], () => null))).toBeUndefined();
    expect(setConjunction(root, [], 'or')).toEqual({ or: [urgent, { or: [mine] }] });
    expect(setConjunction(root, [1], 'and')).toEqual({ and: [urgent, { and: [mine] }] });
  });

  it('negates operators in pairs', () => {
    expect(negate('is')).toBe('isNot');
    expect(negate('isAnyOf')).toBe('isNoneOf');
    expect(negate('isEmpty')).toBe('isNotEmpty');
    expect(negate('before')).toBe('after');
  });
});

describe('toggling values of a chip', () => {
  it('one value is "is", a second makes "is any of", removing the last removes the chip', () => {
    const one = toggledCondition('priority', undefined, 'urgent');
    expect(one).toEqual({ field: 'priority', op: 'is', value: 'urgent' });
    const two = toggledCondition('priority', one!, 'high');
    expect(two).toEqual({ field: 'priority', op: 'isAnyOf', value: ['urgent', 'high'] });
    const back = toggledCondition('priority', two!, 'urgent');
    expect(back).toEqual({ field: 'priority', op: 'is', value: 'high' });
    expect(toggledCondition('priority', back!, 'high')).toBeNull();
  });

  it('keeps the negative polarity, and "none" excludes other values', () => {
    expect(toggledCondition('priority', { field: 'priority', op: 'isNot', value: 'low' }, 'none')).toEqual({ field: 'priority', op: 'isNoneOf', value: ['low', 'none'] });
    const empty = toggledCondition('assignee', mine, EMPTY_VALUE);
    expect(empty).toEqual({ field: 'assignee', op: 'isEmpty' });
    expect(toggledCondition('assignee', empty!, 'u2')).toEqual({ field: 'assignee', op: 'is', value: 'u2' });
  });
});
