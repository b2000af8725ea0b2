/** List queries: URL parsing of filters and display options, orderings, and the filter pass. */
import { DEFAULT_VIEW_DISPLAY } from '@exponential/domain';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../api/types.ts';
import { applyQuery, comparatorOf, displayDiff, LIST_DEFAULT_DISPLAY, parseListSearch, resolveDisplay } from './filters.ts';
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
