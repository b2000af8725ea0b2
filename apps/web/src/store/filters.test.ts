/** List queries: URL parsing of filters and display options, orderings, the filter pass, and the compiled filter (checked against matchesFilter). */
import { DEFAULT_VIEW_DISPLAY, FILTER_FIELDS, type FilterNode, matchesFilter, validateFilter } from '@exponential/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../api/types.ts';
import { applyQuery, comparatorOf, compileFilter, displayDiff, LIST_DEFAULT_DISPLAY, parseListSearch, resolveDisplay } from './filters.ts';
import { mkIssue } from './filtersFixtures.ts';

const categories: Record<string, 'unstarted' | 'started' | 'completed' | 'canceled' | 'backlog'> = { todo: 'unstarted', doing: 'started', done: 'completed', nope: 'canceled', later: 'backlog' };
const ctx = { me: 'u1', stateCategory: (id: string) => categories[id] };

describe('parseListSearch', () => {
  it('keeps a valid filter and display, given as objects or JSON text', () => {
    const filter = { or: [{ field: 'priority', op: 'is', value: 'urgent' }, { field: 'assignee', op: 'is', value: 'me' }] };
    expect(parseListSearch({ filter, display: { layout: 'board' } })).toEqual({ filter, display: { layout: 'board' } });
    expect(parseListSearch({ filter: JSON.stringify(filter), display: '{"groupBy":"assignee"}' })).toEqual({ filter, display: { groupBy: 'assignee' } });
  });

  it('drops what is invalid: unknown fields or operators, bad JSON, unknown display values', () => {
    expect(parseListSearch({ filter: { field: 'colour', op: 'is', value: 'red' } })).toEqual({});
    expect(parseListSearch({ filter: '{not json' })).toEqual({});
    expect(parseListSearch({ display: { layout: 'timeline', groupBy: 'label', showCompleted: 'yes', properties: ['priority', 'nonsense'] } })).toEqual({
      display: { groupBy: 'label', properties: ['priority'] },
    });
  });
});

describe('display options in the URL', () => {
  it('keeps only what differs from the base, and resolves back to the same options', () => {
    const d = { ...LIST_DEFAULT_DISPLAY, layout: 'board' as const, properties: ['identifier' as const] };
    const diff = displayDiff(d);
    expect(diff).toEqual({ layout: 'board', properties: ['identifier'] });
    expect(resolveDisplay(diff)).toEqual(d);
    expect(displayDiff(LIST_DEFAULT_DISPLAY)).toBeUndefined();
    expect(displayDiff(DEFAULT_VIEW_DISPLAY)).toEqual({ orderBy: 'manual' });
  });
});

describe('orderings', () => {
  const a = mkIssue('1', { priority: 'low', sortOrder: 'a1', createdAt: '2026-01-03T00:00:00.000Z', dueDate: '2026-02-01' });
  const b = mkIssue('2', { priority: 'urgent', sortOrder: 'a2', createdAt: '2026-01-01T00:00:00.000Z' });
  const c = mkIssue('3', { priority: 'none', sortOrder: 'a0', createdAt: '2026-01-02T00:00:00.000Z', dueDate: '2026-01-15' });
  const order = (o: Parameters<typeof comparatorOf>[0]) => [a, b, c].sort(comparatorOf(o)).map((i) => i.id);
  it('manual follows the rank; priority puts urgent first and none last; dates newest first; due soonest first', () => {
    expect(order('manual')).toEqual(['3', '1', '2']);
    expect(order('priority')).toEqual(['2', '1', '3']);
    expect(order('createdAt')).toEqual(['1', '3', '2']);
    expect(order('dueDate')).toEqual(['3', '1', '2']);
  });
});

describe('applyQuery', () => {
  const issues = [
    mkIssue('1', { stateId: 'todo', priority: 'urgent', assigneeId: 'u1' }),
    mkIssue('2', { stateId: 'doing', priority: 'high', labelIds: ['bug'] }),
    mkIssue('3', { stateId: 'done', priority: 'urgent' }),
    mkIssue('4', { stateId: 'later', parentId: '1' }),
    mkIssue('5', { stateId: 'todo', archivedAt: '2026-01-05T00:00:00.000Z' }),
  ];
  const ids = (xs: Issue[]) => xs.map((i) => i.id);
  const d = LIST_DEFAULT_DISPLAY;
  it('leaves out archived issues, and keeps the input order', () => {
    expect(ids(applyQuery(issues, undefined, d, {}, ctx))).toEqual(['1', '2', '3', '4']);
  });
  it('applies the scope categories and the completed / sub-issue toggles', () => {
    expect(ids(applyQuery(issues, undefined, d, { categories: new Set(['unstarted', 'started']) }, ctx))).toEqual(['1', '2']);
    expect(ids(applyQuery(issues, undefined, { ...d, showCompleted: false }, {}, ctx))).toEqual(['1', '2', '4']);
    expect(ids(applyQuery(issues, undefined, { ...d, showSubIssues: false }, {}, ctx))).toEqual(['1', '2', '3']);
  });
  it('evaluates AND and OR groups, "me", and negation', () => {
    const urgentOrBug = { or: [{ field: 'priority' as const, op: 'is' as const, value: 'urgent' }, { field: 'label' as const, op: 'is' as const, value: 'bug' }] };
    expect(ids(applyQuery(issues, urgentOrBug, d, {}, ctx))).toEqual(['1', '2', '3']);
    const mineAndUrgent = { and: [{ field: 'priority' as const, op: 'is' as const, value: 'urgent' }, { field: 'assignee' as const, op: 'is' as const, value: 'me' }] };
    expect(ids(applyQuery(issues, mineAndUrgent, d, {}, ctx))).toEqual(['1']);
    expect(ids(applyQuery(issues, { field: 'stateCategory', op: 'isNoneOf', value: ['completed', 'backlog'] }, d, {}, ctx))).toEqual(['1', '2']);
    expect(ids(applyQuery(issues, { and: [] }, d, {}, ctx))).toEqual(['1', '2', '3', '4']);
  });
});

describe('compileFilter', () => {
  // Small value domains so conditions often match; every operator, nested AND / OR groups.
  const ids = fc.constantFrom('a', 'b', 'c', 'me', 'u1');
  const fieldValue: Record<string, fc.Arbitrary<string>> = {
    state: fc.constantFrom('todo', 'doing', 'done'),
    stateCategory: fc.constantFrom('unstarted', 'started', 'completed', 'nope'),
    assignee: ids,
    creator: ids,
    priority: fc.constantFrom('urgent', 'high', 'none'),
    label: fc.constantFrom('bug', 'ux', 'x'),
    dueDate: fc.constantFrom('2026-01-01', '2026-02-01', '2026-03-01'),
    team: fc.constantFrom('t1', 't2'),
    parent: ids,
    title: fc.constantFrom('Log', 'in', 'x'),
  };
  const condition = fc.constantFrom(...(FILTER_FIELDS as readonly string[])).chain((field) =>
    fc.oneof(
      fc.record({ field: fc.constant(field), op: fc.constantFrom('is', 'isNot', 'before', 'after', 'contains'), value: fieldValue[field]! }),
      fc.record({ field: fc.constant(field), op: fc.constantFrom('isAnyOf', 'isNoneOf'), value: fc.array(fieldValue[field]!, { minLength: 1, maxLength: 3 }) }),
      fc.record({ field: fc.constant(field), op: fc.constantFrom('isEmpty', 'isNotEmpty') }),
    ),
  );
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      condition,
      fc.record({ and: fc.array(tie('tree'), { maxLength: 3 }) }),
      fc.record({ or: fc.array(tie('tree'), { maxLength: 3 }) }),
    ),
  }));
  const issue = fc.record({
    stateId: fc.constantFrom('todo', 'doing', 'done', 'unknown'),
    teamId: fc.constantFrom('t1', 't2'),
    assigneeId: fc.option(ids, { nil: null }),
    creatorId: fc.option(ids, { nil: null }),
    priority: fc.constantFrom('urgent', 'high', 'none'),
    labelIds: fc.uniqueArray(fc.constantFrom('bug', 'ux', 'x'), { maxLength: 3 }),
    dueDate: fc.option(fc.constantFrom('2026-01-01', '2026-02-01', '2026-03-01'), { nil: null }),
    parentId: fc.option(ids, { nil: null }),
    title: fc.constantFrom('Login page', 'Sign in', 'x', ''),
  });

  it('agrees with matchesFilter on every valid filter tree', () => {
    fc.assert(
      fc.property(tree, fc.array(issue, { minLength: 1, maxLength: 8 }), (f, issues) => {
        fc.pre(validateFilter(f).length === 0);
        const node = f as FilterNode;
        const test = compileFilter(node, ctx);
        for (const i of issues) expect(test(i)).toBe(matchesFilter(i, node, ctx));
      }),
      { numRuns: 500 },
    );
  });
});
