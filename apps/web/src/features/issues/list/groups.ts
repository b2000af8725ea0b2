/**
 * Grouping of the issues a screen shows (Linear's display option "Grouping" and "Sub-grouping"):
 * by workflow state (or its category across teams), assignee, priority, label, team, or none.
 * Input issues are already in display order; groups keep that order. Pure, so it is unit-tested.
 *
 * Also what dropping an issue into another group means ({@link groupPatch}): the grouped property
 * takes the group's value, as on Linear's board.
 */
import type { Issue, Label, Priority, StateCategory, Team, User, WorkflowState } from '../../../api/types.ts';
import type { Grouping } from '../../../store/filters.ts';

/** The icon a group header draws. */
export type GroupIcon =
  | { type: 'state'; category: StateCategory; color: string }
  | { type: 'priority'; priority: Priority }
  | { type: 'user'; name: string | null }
  | { type: 'label'; color: string }
  | { type: 'team'; key: string }
  | { type: 'none' };

/** One group (a list section, a board column, or a sub-group / swimlane inside one). */
export interface IssueGroup {
  /** Unique among siblings: `<kind>:<value>`. */
  id: string;
  kind: Grouping;
  /** The grouped property's value: state id or category, user id, priority, label id, team id; null for "no …". */
  value: string | null;
  title: string;
  icon: GroupIcon;
  issues: Issue[];
  subgroups?: IssueGroup[];
}

/** Lookups the grouping needs. */
export interface GroupContext {
  me: string | null;
  state(id: string): WorkflowState | undefined;
  user(id: string): User | undefined;
  label(id: string): Label | undefined;
  team(id: string): Team | undefined;
  /** The team's states in workflow order, when the screen shows one team (state groups are then per state). */
  teamStates?: readonly WorkflowState[];
  /** Every state, to find a team's state of a category when an issue is dropped on a category group. */
  statesOfTeam(teamId: string): readonly WorkflowState[];
}

/** Options of {@link groupIssues}. */
export interface GroupOptions {
  /** Keep groups with no issues where the set of groups is known (states, priorities): board columns. */
  includeEmpty?: boolean;
  /** Categories that may appear (state groups outside them are never shown, even empty). */
  categories?: ReadonlySet<StateCategory>;
}

/** Category titles and colours for cross-team state groups, in Linear's "My issues" order. */
export const CATEGORY_GROUPS: Array<{ category: StateCategory; title: string; color: string }> = [
  { category: 'started', title: 'In Progress', color: '#f2c94c' },
  { category: 'unstarted', title: 'Todo', color: '#95a2b3' },
  { category: 'backlog', title: 'Backlog', color: '#95a2b3' },
  { category: 'triage', title: 'Triage', color: '#fc7840' },
  { category: 'completed', title: 'Done', color: '#5e6ad2' },
  { category: 'canceled', title: 'Canceled', color: '#95a2b3' },
];

const PRIORITY_GROUPS: Array<[Priority, string]> = [
  ['urgent', 'Urgent'],
  ['high', 'High'],
  ['medium', 'Medium'],
  ['low', 'Low'],
  ['none', 'No priority'],
];

const userName = (u: User | undefined) => (u ? u.name || u.email || 'Unknown' : 'Unknown');

/** Buckets issues by key, keeping their order; an issue may land in several buckets (labels). */
function bucket(issues: readonly Issue[], keysOf: (i: Issue) => Array<string | null>): Map<string | null, Issue[]> {
  const out = new Map<string | null, Issue[]>();
  for (const i of issues) {
    for (const k of keysOf(i)) {
      const list = out.get(k);
      if (list) list.push(i);
      else out.set(k, [i]);
    }
  }
  return out;
}

/** Groups `issues` (in display order) by one key. */
export function groupIssues(issues: readonly Issue[], kind: Grouping, ctx: GroupContext, opts: GroupOptions = {}): IssueGroup[] {
  const keep = (n: number) => n > 0 || !!opts.includeEmpty;
  switch (kind) {
    case 'none':
      return [{ id: 'none:all', kind, value: null, title: 'All issues', icon: { type: 'none' }, issues: [...issues] }];
    case 'state': {
      if (ctx.teamStates) {
        const by = bucket(issues, (i) => [i.stateId]);
        return ctx.teamStates
          .filter((s) => (!opts.categories || opts.categories.has(s.category)) && keep(by.get(s.id)?.length ?? 0))
          .map((s) => ({ id: `state:${s.id}`, kind, value: s.id, title: s.name, icon: { type: 'state', category: s.category, color: s.color }, issues: by.get(s.id) ?? [] }));
      }
      const by = bucket(issues, (i) => [ctx.state(i.stateId)?.category ?? 'backlog']);
      return CATEGORY_GROUPS.filter((c) => (!opts.categories || opts.categories.has(c.category)) && keep(by.get(c.category)?.length ?? 0)).map((c) => ({
        id: `state:${c.category}`,
        kind,
        value: c.category,
        title: c.title,
        icon: { type: 'state', category: c.category, color: c.color },
        issues: by.get(c.category) ?? [],
      }));
    }
    case 'priority': {
      const by = bucket(issues, (i) => [i.priority]);
      return PRIORITY_GROUPS.filter(([p]) => keep(by.get(p)?.length ?? 0)).map(([p, title]) => ({
        id: `priority:${p}`,
        kind,
        value: p,
        title,
        icon: { type: 'priority', priority: p },
        issues: by.get(p) ?? [],
      }));
    }
    case 'assignee': {
      const by = bucket(issues, (i) => [i.assigneeId]);
      const ids = [...by.keys()].filter((k): k is string => k !== null);
      ids.sort((a, b) => (a === ctx.me ? -1 : b === ctx.me ? 1 : userName(ctx.user(a)).localeCompare(userName(ctx.user(b)))));
      const out: IssueGroup[] = ids.map((id) => ({ id: `assignee:${id}`, kind, value: id, title: userName(ctx.user(id)), icon: { type: 'user', name: userName(ctx.user(id)) }, issues: by.get(id)! }));
      if (keep(by.get(null)?.length ?? 0)) out.push({ id: 'assignee:none', kind, value: null, title: 'No assignee', icon: { type: 'user', name: null }, issues: by.get(null) ?? [] });
      return out;
    }
    case 'label': {
      const by = bucket(issues, (i) => (i.labelIds.length ? i.labelIds : [null]));
      const ids = [...by.keys()].filter((k): k is string => k !== null);
      const name = (id: string) => ctx.label(id)?.name ?? 'Unknown label';
      ids.sort((a, b) => name(a).localeCompare(name(b)));
      const out: IssueGroup[] = ids.map((id) => ({ id: `label:${id}`, kind, value: id, title: name(id), icon: { type: 'label', color: ctx.label(id)?.color ?? '#95a2b3' }, issues: by.get(id)! }));
      if (keep(by.get(null)?.length ?? 0)) out.push({ id: 'label:none', kind, value: null, title: 'No label', icon: { type: 'label', color: 'transparent' }, issues: by.get(null) ?? [] });
      return out;
    }
    case 'team': {
      const by = bucket(issues, (i) => [i.teamId]);
      const ids = [...by.keys()].filter((k): k is string => k !== null);
      const name = (id: string) => ctx.team(id)?.name ?? 'Unknown team';
      ids.sort((a, b) => name(a).localeCompare(name(b)));
      return ids.map((id) => ({ id: `team:${id}`, kind, value: id, title: name(id), icon: { type: 'team', key: ctx.team(id)?.key ?? '?' }, issues: by.get(id)! }));
    }
  }
}

/** Groups, then sub-groups each group (Linear's sub-grouping; swimlanes on the board). */
export function groupWithSub(issues: readonly Issue[], groupBy: Grouping, subGroupBy: Grouping, ctx: GroupContext, opts: GroupOptions = {}): IssueGroup[] {
  const groups = groupIssues(issues, groupBy, ctx, opts);
  if (subGroupBy === 'none' || subGroupBy === groupBy) return groups;
  for (const g of groups) g.subgroups = groupIssues(g.issues, subGroupBy, ctx, { categories: opts.categories });
  return groups;
}

/** A change of issue fields a drop asks for (a PATCH body). */
export interface IssueFieldPatch {
  stateId?: string;
  priority?: Priority;
  assigneeId?: string | null;
  addedLabelIds?: string[];
  removedLabelIds?: string[];
  labelIds?: string[];
}

/**
 * The change that moves `issue` from group `from` into group `to` of the same kind, or null when
 * such a move is impossible (another team's state, a team group) or changes nothing.
 */
export function groupPatch(issue: Issue, from: Pick<IssueGroup, 'kind' | 'value'> | null, to: Pick<IssueGroup, 'kind' | 'value'>, ctx: GroupContext): IssueFieldPatch | null {
  switch (to.kind) {
    case 'state': {
      if (!to.value) return null;
      const st = ctx.state(to.value);
      let stateId: string | undefined;
      if (st) stateId = st.teamId === issue.teamId ? st.id : undefined;
      else stateId = ctx.statesOfTeam(issue.teamId).find((s) => s.category === to.value)?.id;
      if (!stateId || stateId === issue.stateId) return null;
      if (!st && ctx.state(issue.stateId)?.category === to.value) return null;
      return { stateId };
    }
    case 'priority':
      return to.value && to.value !== issue.priority ? { priority: to.value as Priority } : null;
    case 'assignee':
      return to.value !== issue.assigneeId ? { assigneeId: to.value } : null;
    case 'label': {
      if (to.value === null) return issue.labelIds.length ? { labelIds: [] } : null;
      if (issue.labelIds.includes(to.value)) return null;
      const patch: IssueFieldPatch = { addedLabelIds: [to.value] };
      if (from?.kind === 'label' && from.value) patch.removedLabelIds = [from.value];
      return patch;
    }
    case 'team':
    case 'none':
      return null;
  }
}

/** An issue with a field patch applied locally (optimistic display). */
export function patched(issue: Issue, p: IssueFieldPatch): Issue {
  const next: Issue = { ...issue };
  if (p.stateId !== undefined) next.stateId = p.stateId;
  if (p.priority !== undefined) next.priority = p.priority;
  if (p.assigneeId !== undefined) next.assigneeId = p.assigneeId;
  if (p.labelIds !== undefined) next.labelIds = [...p.labelIds];
  if (p.addedLabelIds || p.removedLabelIds) {
    const set = new Set(next.labelIds);
    for (const id of p.addedLabelIds ?? []) set.add(id);
    for (const id of p.removedLabelIds ?? []) set.delete(id);
    next.labelIds = [...set];
  }
  return next;
}
