/**
 * Pure list logic: which issues a view shows, their order, and their grouping by workflow state
 * (team lists) or by state category (cross-team lists such as My issues).
 */
import type { Issue, Priority, StateCategory, WorkflowState } from '../../api/types.ts';
import type { TeamView } from '../../navigation.ts';

/** One group of a list: a workflow state (or category) and its issues in display order. */
export interface IssueGroup {
  id: string;
  title: string;
  category: StateCategory;
  color: string;
  /** Set for per-state groups: new issues created from the group's header get this state. */
  stateId?: string;
  issues: Issue[];
}

/** Categories each team view shows (Linear: Active = unstarted + started; Backlog = backlog). */
export const VIEW_CATEGORIES: Record<TeamView, readonly StateCategory[]> = {
  all: ['triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled'],
  active: ['unstarted', 'started'],
  backlog: ['backlog'],
};

/** Titles of the team views. */
export const VIEW_TITLES: Record<TeamView, string> = { all: 'All issues', active: 'Active', backlog: 'Backlog' };

/** Whether a URL segment names a team view. */
export function isTeamView(v: string | undefined): v is TeamView {
  return v === 'all' || v === 'active' || v === 'backlog';
}

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, medium: 2, low: 3, none: 4 };

/**
 * Display order inside a group: priority (urgent first, no priority last), then manual rank
 * (`sortOrder`, compared byte-wise as the server does), then newest first.
 */
export function compareIssues(a: Issue, b: Issue): number {
  const p = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (p) return p;
  if (a.sortOrder !== b.sortOrder) return a.sortOrder < b.sortOrder ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt);
}

/** Groups a team's issues by workflow state (workflow order), keeping the view's categories; empty groups are left out. */
export function groupByState(states: readonly WorkflowState[], issues: readonly Issue[], view: TeamView): IssueGroup[] {
  const allowed = new Set(VIEW_CATEGORIES[view]);
  const byState = new Map<string, Issue[]>();
  for (const i of issues) {
    if (i.archivedAt) continue;
    const list = byState.get(i.stateId);
    if (list) list.push(i);
    else byState.set(i.stateId, [i]);
  }
  const out: IssueGroup[] = [];
  for (const s of [...states].sort((a, b) => a.position - b.position)) {
    if (!allowed.has(s.category)) continue;
    const list = byState.get(s.id);
    if (!list?.length) continue;
    out.push({ id: s.id, title: s.name, category: s.category, color: s.color, stateId: s.id, issues: list.sort(compareIssues) });
  }
  return out;
}

/** Category titles and colours for cross-team groups. */
export const CATEGORY_META: Record<StateCategory, { title: string; color: string }> = {
  started: { title: 'In progress', color: '#f2c94c' },
  unstarted: { title: 'Todo', color: '#95a2b3' },
  backlog: { title: 'Backlog', color: '#95a2b3' },
  triage: { title: 'Triage', color: '#fc7840' },
  completed: { title: 'Done', color: '#5e6ad2' },
  canceled: { title: 'Canceled', color: '#95a2b3' },
};

const CATEGORY_ORDER: StateCategory[] = ['started', 'unstarted', 'backlog', 'triage', 'completed', 'canceled'];

/** Groups issues from any teams by their state's category (in progress first). */
export function groupByCategory(issues: readonly Issue[], stateOf: (id: string) => WorkflowState | undefined): IssueGroup[] {
  const by = new Map<StateCategory, Issue[]>();
  for (const i of issues) {
    if (i.archivedAt) continue;
    const cat = stateOf(i.stateId)?.category ?? 'backlog';
    const list = by.get(cat);
    if (list) list.push(i);
    else by.set(cat, [i]);
  }
  return CATEGORY_ORDER.filter((c) => by.get(c)?.length).map((c) => ({
    id: c,
    title: CATEGORY_META[c].title,
    category: c,
    color: CATEGORY_META[c].color,
    issues: by.get(c)!.sort(compareIssues),
  }));
}
