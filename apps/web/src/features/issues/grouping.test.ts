/** List logic: which issues each view shows, grouping and order. */
import { describe, expect, it } from 'vitest';
import type { Issue, WorkflowState } from '../../api/types.ts';
import { compareIssues, groupByCategory, groupByState } from './grouping.ts';
import { textToHtml } from './text.ts';

const state = (id: string, category: WorkflowState['category'], position: number): WorkflowState => ({
  id,
  teamId: 't',
  name: id,
  category,
  color: '#999999',
  description: null,
  position,
  isDefault: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

let n = 0;
const issue = (stateId: string, extra: Partial<Issue> = {}): Issue => {
  n++;
  return {
    id: `i${n}`,
    identifier: `ENG-${n}`,
    number: n,
    teamId: 't',
    title: `Issue ${n}`,
    description: null,
    stateId,
    priority: 'none',
    estimate: null,
    assigneeId: null,
    creatorId: null,
    parentId: null,
    labelIds: [],
    sortOrder: 'a0',
    dueDate: null,
    startedAt: null,
    completedAt: null,
    canceledAt: null,
    archivedAt: null,
    createdAt: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
};

const states = [state('done', 'completed', 4), state('todo', 'unstarted', 2), state('backlog', 'backlog', 1), state('doing', 'started', 3)];

describe('groupByState', () => {
  it('groups in workflow order, leaves out empty groups and archived issues', () => {
    const issues = [issue('done'), issue('backlog'), issue('doing'), issue('doing', { archivedAt: '2026-01-02T00:00:00.000Z' })];
    const groups = groupByState(states, issues, 'all');
    expect(groups.map((g) => [g.id, g.issues.length])).toEqual([
      ['backlog', 1],
      ['doing', 1],
      ['done', 1],
    ]);
    expect(groups[0]!.stateId).toBe('backlog');
  });

  it('Active shows unstarted and started; Backlog shows backlog', () => {
    const issues = [issue('done'), issue('backlog'), issue('doing'), issue('todo')];
    expect(groupByState(states, issues, 'active').map((g) => g.id)).toEqual(['todo', 'doing']);
    expect(groupByState(states, issues, 'backlog').map((g) => g.id)).toEqual(['backlog']);
  });
});

describe('compareIssues', () => {
  it('orders urgent first and no priority last, then by rank, then newest first', () => {
    const none = issue('todo', { priority: 'none' });
    const low = issue('todo', { priority: 'low' });
    const urgent = issue('todo', { priority: 'urgent' });
    const highB = issue('todo', { priority: 'high', sortOrder: 'b' });
    const highA = issue('todo', { priority: 'high', sortOrder: 'a' });
    const highAOlder = issue('todo', { priority: 'high', sortOrder: 'a', createdAt: '2025-01-01T00:00:00.000Z' });
    const sorted = [none, low, highB, urgent, highAOlder, highA].sort(compareIssues);
    expect(sorted).toEqual([urgent, highA, highAOlder, highB, low, none]);
  });

  it('compares ranks byte-wise like the server (upper case before lower case)', () => {
    const upper = issue('todo', { sortOrder: 'aZ' });
    const lower = issue('todo', { sortOrder: 'aa' });
    expect([lower, upper].sort(compareIssues)).toEqual([upper, lower]);
  });
});

describe('groupByCategory', () => {
  it('puts work in progress first across teams', () => {
    const byId = new Map(states.map((s) => [s.id, s]));
    const groups = groupByCategory([issue('done'), issue('backlog'), issue('doing'), issue('todo')], (id) => byId.get(id));
    expect(groups.map((g) => g.category)).toEqual(['started', 'unstarted', 'backlog', 'completed']);
  });
});

describe('textToHtml', () => {
  it('escapes markup and keeps paragraphs and line breaks', () => {
    expect(textToHtml('  ')).toBeNull();
    expect(textToHtml('a <b> & "c"\nnext\r\n\r\nsecond')).toBe('<p>a &lt;b&gt; &amp; &quot;c&quot;<br>next</p><p>second</p>');
  });
});
