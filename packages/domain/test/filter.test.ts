import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FilterableIssue, type FilterNode, matchesFilter, validateFilter } from '../src/index.ts';

const issue = (over: Partial<FilterableIssue> = {}): FilterableIssue => ({
  stateId: 's-todo', teamId: 't1', assigneeId: 'u1', creatorId: 'u2', priority: 'high', labelIds: ['bug', 'ui'],
  dueDate: '2026-12-01', parentId: null, title: 'Fix the login page', ...over,
});
const ctx = { me: 'u1', stateCategory: (id: string) => ({ 's-todo': 'unstarted', 's-done': 'completed' })[id] };

describe('issue filters', () => {
  it('evaluates conditions with is / is not / is any of and "me"', () => {
    expect(matchesFilter(issue(), { field: 'assignee', op: 'is', value: 'me' }, ctx)).toBe(true);
    expect(matchesFilter(issue(), { field: 'priority', op: 'isNot', value: 'high' }, ctx)).toBe(false);
    expect(matchesFilter(issue(), { field: 'label', op: 'isAnyOf', value: ['docs', 'ui'] }, ctx)).toBe(true);
    expect(matchesFilter(issue(), { field: 'label', op: 'isNoneOf', value: ['ui'] }, ctx)).toBe(false);
    expect(matchesFilter(issue(), { field: 'stateCategory', op: 'is', value: 'unstarted' }, ctx)).toBe(true);
    expect(matchesFilter(issue({ assigneeId: null }), { field: 'assignee', op: 'isEmpty' }, ctx)).toBe(true);
    expect(matchesFilter(issue(), { field: 'dueDate', op: 'before', value: '2026-12-02' }, ctx)).toBe(true);
    expect(matchesFilter(issue(), { field: 'title', op: 'contains', value: 'LOGIN' }, ctx)).toBe(true);
  });

  it('combines AND and OR groups', () => {
    const f: FilterNode = { and: [{ field: 'team', op: 'is', value: 't1' }, { or: [{ field: 'priority', op: 'is', value: 'urgent' }, { field: 'label', op: 'is', value: 'bug' }] }] };
    expect(matchesFilter(issue(), f, ctx)).toBe(true);
    expect(matchesFilter(issue({ labelIds: [] }), f, ctx)).toBe(false);
    expect(matchesFilter(issue(), { and: [] }, ctx)).toBe(true);
  });

  it('isAnyOf and isNoneOf are complements for every issue (property)', () => {
    fc.assert(
      fc.property(fc.subarray(['a', 'b', 'c', 'd']), fc.subarray(['a', 'b', 'c', 'd'], { minLength: 1 }), (labels, values) => {
        const i = issue({ labelIds: labels });
        expect(matchesFilter(i, { field: 'label', op: 'isAnyOf', value: values }, ctx)).toBe(!matchesFilter(i, { field: 'label', op: 'isNoneOf', value: values }, ctx));
      }),
    );
  });

  it('validates untrusted filters with JSON pointers', () => {
    expect(validateFilter({ and: [{ field: 'priority', op: 'is', value: 'high' }] })).toEqual([]);
    expect(validateFilter({ field: 'colour', op: 'is', value: 'x' })[0]).toEqual({ path: '/field', message: expect.stringContaining('must be one of') });
    expect(validateFilter({ and: [{ field: 'label', op: 'isAnyOf', value: 'bug' }] })[0]!.path).toBe('/and/0/value');
    expect(validateFilter({ field: 'dueDate', op: 'before', value: 'tomorrow' })[0]!.message).toBe('must be a date YYYY-MM-DD');
    let deep: unknown = { field: 'priority', op: 'is', value: 'low' };
    for (let i = 0; i < 10; i++) deep = { and: [deep] };
    expect(validateFilter(deep).length).toBeGreaterThan(0);
    expect(validateFilter('x')).toEqual([{ path: '', message: 'must be a condition or a group' }]);
  });
});
