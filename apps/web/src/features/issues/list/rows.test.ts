/** The list's row model: headers and issues, sections by index, keys, drop points. */
import { describe, expect, it } from 'vitest';
import { mkIssue } from '../../../store/filtersFixtures.ts';
import type { IssueGroup } from './groups.ts';
import { buildRows, containerAt, dropAt, isGroupRow, rowKey } from './rows.ts';

const a = mkIssue('1');
const b = mkIssue('2');
const c = mkIssue('3');
const g = (id: string, issues: typeof a[], kind: IssueGroup['kind'] = 'state', subgroups?: IssueGroup[]): IssueGroup => ({ id, kind, value: id, title: id, icon: { type: 'none' }, issues, subgroups });

describe('buildRows', () => {
  it('puts each section header before its issues and finds the section of any row', () => {
    const lr = buildRows([g('todo', [a, b]), g('done', [c])], new Set());
    expect(lr.rows.map((r) => (isGroupRow(r) ? `#${r.key}` : r.id))).toEqual(['#todo', '1', '2', '#done', '3']);
    expect([0, 1, 2, 3, 4].map((i) => containerAt(lr, i))).toEqual(['todo', 'todo', 'todo', 'done', 'done']);
    expect(lr.ids).toEqual(['1', '2', '3']);
    expect(rowKey(lr, 1)).toBe('1');
  });

  it('leaves out collapsed sections’ issues and nests sub-groups', () => {
    const lr = buildRows([g('p1', [a, b], 'priority', [g('u1', [a], 'assignee'), g('u2', [b], 'assignee')])], new Set(['p1/u1']));
    expect(lr.rows.map((r) => (isGroupRow(r) ? `#${r.key}` : r.id))).toEqual(['#p1', '#p1/u1', '#p1/u2', '2']);
    expect(containerAt(lr, 3)).toBe('p1/u2');
    expect(containerAt(lr, 0)).toBeNull();
  });

  it('keys an issue by its section when it shows in several (labels), and lists it once', () => {
    const lr = buildRows([g('bug', [a, b], 'label'), g('ux', [a], 'label')], new Set());
    expect(rowKey(lr, 1)).toBe('bug:1');
    expect(rowKey(lr, 4)).toBe('ux:1');
    expect(lr.ids).toEqual(['1', '2']);
  });
});

describe('dropAt', () => {
  const lr = buildRows([g('todo', [a, b]), g('empty', []), g('done', [c])], new Set());
  it('on an issue: before or after it, in its section', () => {
    expect(dropAt(lr, 2, true)).toEqual({ containerId: 'todo', issueId: '2', below: true });
    expect(dropAt(lr, 1, false)).toEqual({ containerId: 'todo', issueId: '1', below: false });
  });
  it('on a header: the top of its section, or the end of an empty one; past the end: the last section', () => {
    expect(dropAt(lr, 4, true)).toEqual({ containerId: 'done', issueId: '3', below: false });
    expect(dropAt(lr, 3, false)).toEqual({ containerId: 'empty', below: true });
    expect(dropAt(lr, 99, true)).toEqual({ containerId: 'done', below: true });
  });
});
