/** Planning drops: position anchors, group changes, priority-order bands, refusals, no-ops. */
import { describe, expect, it } from 'vitest';
import type { WorkflowState } from '../../api/types.ts';
import { mkIssue } from '../../store/filtersFixtures.ts';
import type { GroupContext } from '../issues/list/groups.ts';
import type { DropContainer } from './drop.ts';
import { planDrop } from './drop.ts';

const states = [
  { id: 'todo', teamId: 't1', category: 'unstarted', position: 1 },
  { id: 'doing', teamId: 't1', category: 'started', position: 2 },
] as WorkflowState[];
const ctx: GroupContext = {
  me: null,
  state: (id) => states.find((s) => s.id === id),
  user: () => undefined,
  label: () => undefined,
  team: () => undefined,
  teamStates: states,
  statesOfTeam: () => states,
};
const a = mkIssue('1', { sortOrder: 'a1', stateId: 'todo' });
const b = mkIssue('2', { sortOrder: 'a2', stateId: 'todo' });
const c = mkIssue('3', { sortOrder: 'a3', stateId: 'todo' });
const d = mkIssue('4', { sortOrder: 'a4', stateId: 'doing', priority: 'high' });
const todo: DropContainer = { id: 'state:todo', path: [{ kind: 'state', value: 'todo', title: 'Todo' }], issues: [a, b, c] };
const doing: DropContainer = { id: 'state:doing', path: [{ kind: 'state', value: 'doing', title: 'Doing' }], issues: [d] };

describe('planDrop', () => {
  it('reorders inside a group: after the issue shown before the drop point', () => {
    const p = planDrop(c, todo, todo, a.id, true, 'manual', ctx);
    expect(p).toEqual({ kind: 'move', issue: c, anchor: { afterId: a.id }, patch: null, neighbours: { before: 'a1', after: 'a2' } });
  });
  it('at the top of a group: before the first issue', () => {
    const p = planDrop(c, todo, todo, a.id, false, 'manual', ctx);
    expect(p).toMatchObject({ kind: 'move', anchor: { beforeId: a.id }, neighbours: { before: null, after: 'a1' } });
  });
  it('dropping where it already is does nothing', () => {
    expect(planDrop(b, todo, todo, a.id, true, 'manual', ctx)).toEqual({ kind: 'none' });
    expect(planDrop(b, todo, todo, b.id, true, 'manual', ctx)).toEqual({ kind: 'none' });
  });
  it('another column changes the state and places the issue there', () => {
    const p = planDrop(a, todo, doing, undefined, false, 'manual', ctx);
    expect(p).toMatchObject({ kind: 'move', patch: { stateId: 'doing' }, anchor: { afterId: d.id } });
  });
  it('in priority order, a position among other-priority issues takes their priority', () => {
    const p = planDrop(a, todo, doing, d.id, false, 'priority', ctx);
    expect(p).toMatchObject({ kind: 'move', patch: { stateId: 'doing', priority: 'high' }, anchor: { beforeId: d.id } });
  });
  it('orderings without a manual position only change the group', () => {
    expect(planDrop(a, todo, doing, d.id, false, 'createdAt', ctx)).toMatchObject({ kind: 'move', patch: { stateId: 'doing' }, anchor: null });
    expect(planDrop(c, todo, todo, a.id, true, 'createdAt', ctx)).toEqual({ kind: 'none' });
  });
  it('refuses moves that cannot be written (team groups)', () => {
    const teamA: DropContainer = { id: 'team:t1', path: [{ kind: 'team', value: 't1', title: 'A' }], issues: [a] };
    const teamB: DropContainer = { id: 'team:t2', path: [{ kind: 'team', value: 't2', title: 'B' }], issues: [] };
    expect(planDrop(a, teamA, teamB, undefined, false, 'manual', ctx)).toEqual({ kind: 'refused', message: 'Issues cannot be moved to another team by dragging' });
  });
});
