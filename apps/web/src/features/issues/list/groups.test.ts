/** Grouping (state, category, priority, assignee, label, sub-groups) and what a drop into a group changes. */
import { describe, expect, it } from 'vitest';
import type { Label, User, WorkflowState } from '../../../api/types.ts';
import { mkIssue } from '../../../store/filtersFixtures.ts';
import { type GroupContext, groupIssues, groupPatch, groupWithSub, patched } from './groups.ts';

const st = (id: string, teamId: string, category: WorkflowState['category'], position: number): WorkflowState => ({
  id,
  teamId,
  name: id.toUpperCase(),
  category,
  color: '#999',
  description: null,
  position,
  isDefault: false,
  createdAt: '',
  updatedAt: '',
});
const states = [st('todo', 't1', 'unstarted', 1), st('doing', 't1', 'started', 2), st('done', 't1', 'completed', 3), st('t2todo', 't2', 'unstarted', 1), st('t2doing', 't2', 'started', 2)];
const users: User[] = [
  { id: 'u1', name: 'Ann', email: 'ann@x.test', avatarUrl: null },
  { id: 'u2', name: 'Bob', email: 'bob@x.test', avatarUrl: null },
];
const labels = [{ id: 'bug', name: 'Bug', color: '#f00' }, { id: 'ux', name: 'UX', color: '#0f0' }] as Label[];
const ctx = (team?: string): GroupContext => ({
  me: 'u2',
  state: (id) => states.find((s) => s.id === id),
  user: (id) => users.find((u) => u.id === id),
  label: (id) => labels.find((l) => l.id === id),
  team: () => undefined,
  teamStates: team ? states.filter((s) => s.teamId === team) : undefined,
  statesOfTeam: (t) => states.filter((s) => s.teamId === t),
});

const issues = [
  mkIssue('1', { stateId: 'doing', assigneeId: 'u1', priority: 'high', labelIds: ['bug', 'ux'] }),
  mkIssue('2', { stateId: 'todo', assigneeId: 'u2' }),
  mkIssue('3', { stateId: 't2doing', teamId: 't2', priority: 'urgent' }),
];
const summary = (gs: ReturnType<typeof groupIssues>) => gs.map((g) => `${g.title}:${g.issues.map((i) => i.id).join('')}`);

describe('groupIssues', () => {
  it('groups a team by its states in workflow order, empty states only on request', () => {
    const team = issues.filter((i) => i.teamId === 't1');
    expect(summary(groupIssues(team, 'state', ctx('t1')))).toEqual(['TODO:2', 'DOING:1']);
    expect(summary(groupIssues(team, 'state', ctx('t1'), { includeEmpty: true }))).toEqual(['TODO:2', 'DOING:1', 'DONE:']);
  });
  it('groups across teams by state category, In Progress first', () => {
    expect(summary(groupIssues(issues, 'state', ctx()))).toEqual(['In Progress:13', 'Todo:2']);
  });
  it('groups by priority (urgent first), assignee (me first, none last) and label (an issue under each of its labels)', () => {
    expect(summary(groupIssues(issues, 'priority', ctx()))).toEqual(['Urgent:3', 'High:1', 'No priority:2']);
    expect(summary(groupIssues(issues, 'assignee', ctx()))).toEqual(['Bob:2', 'Ann:1', 'No assignee:3']);
    expect(summary(groupIssues(issues, 'label', ctx()))).toEqual(['Bug:1', 'UX:1', 'No label:23']);
  });
  it('sub-groups each group', () => {
    const gs = groupWithSub(issues, 'priority', 'assignee', ctx());
    expect(gs.map((g) => summary(g.subgroups!))).toEqual([['No assignee:3'], ['Ann:1'], ['Bob:2']]);
  });
});

describe('groupPatch', () => {
  const [one, two, three] = issues as [typeof issues[0], typeof issues[0], typeof issues[0]];
  it('a state group of the same team sets the state; another team’s state is refused', () => {
    expect(groupPatch(two, null, { kind: 'state', value: 'doing' }, ctx('t1'))).toEqual({ stateId: 'doing' });
    expect(groupPatch(three, null, { kind: 'state', value: 'doing' }, ctx())).toBeNull();
  });
  it('a category group picks the issue’s team state of that category', () => {
    expect(groupPatch(three, null, { kind: 'state', value: 'unstarted' }, ctx())).toEqual({ stateId: 't2todo' });
    expect(groupPatch(three, null, { kind: 'state', value: 'started' }, ctx())).toBeNull();
  });
  it('priority, assignee and label groups set their field; label moves swap the label', () => {
    expect(groupPatch(two, null, { kind: 'priority', value: 'urgent' }, ctx())).toEqual({ priority: 'urgent' });
    expect(groupPatch(two, null, { kind: 'assignee', value: null }, ctx())).toEqual({ assigneeId: null });
    expect(groupPatch(two, { kind: 'label', value: null }, { kind: 'label', value: 'bug' }, ctx())).toEqual({ addedLabelIds: ['bug'] });
    const move = groupPatch(one, { kind: 'label', value: 'ux' }, { kind: 'label', value: 'urgent-label' }, ctx());
    expect(move).toEqual({ addedLabelIds: ['urgent-label'], removedLabelIds: ['ux'] });
    expect(patched(one, move!).labelIds).toEqual(['bug', 'urgent-label']);
    expect(groupPatch(one, { kind: 'label', value: 'ux' }, { kind: 'label', value: null }, ctx())).toEqual({ labelIds: [] });
  });
});
