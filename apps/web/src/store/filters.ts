/**
 * List queries over the local store: a filter tree (`@exponential/domain` filter.ts) and display
 * options (views.ts) kept in the URL, applied to the issues already in memory — no request per
 * change. Pure functions, so they are unit-tested and benchmarked without a browser.
 *
 * URL form: search params `filter` (the filter tree) and `display` (only the options that differ
 * from {@link LIST_DEFAULT_DISPLAY}), both JSON as TanStack Router writes objects. Anything
 * invalid in a hand-edited URL is dropped rather than trusted.
 */
import { DEFAULT_VIEW_DISPLAY, type FilterCondition, type FilterContext, type FilterNode, type FilterableIssue, validateFilter, VIEW_GROUPINGS, VIEW_LAYOUTS, VIEW_ORDERINGS, VIEW_PROPERTIES, type ViewDisplay } from '@exponential/domain';
import type { Issue, Priority, StateCategory } from '../api/types.ts';

/** A grouping key (`none` for one flat group). */
export type Grouping = ViewDisplay['groupBy'];
/** An ordering key. */
export type Ordering = ViewDisplay['orderBy'];
/** A property a row or card can show. */
export type DisplayProperty = ViewDisplay['properties'][number];

/**
 * Display options of the issue screens when nothing else is chosen: Linear's list grouped by
 * status, ordered by priority (the manual order breaks ties), completed and sub-issues shown.
 */
export const LIST_DEFAULT_DISPLAY: ViewDisplay = { ...DEFAULT_VIEW_DISPLAY, orderBy: 'priority' };

/** Search params of a list screen. */
export interface ListSearch {
  filter?: FilterNode;
  display?: Partial<ViewDisplay>;
}

const oneOf = <T extends string>(xs: readonly T[], v: unknown): v is T => typeof v === 'string' && (xs as readonly string[]).includes(v);

function jsonValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** The valid display options in `v` (unknown keys and values are dropped). */
export function sanitizeDisplay(v: unknown): Partial<ViewDisplay> {
  const o = jsonValue(v);
  if (!o || typeof o !== 'object' || Array.isArray(o)) return {};
  const r = o as Record<string, unknown>;
  const out: Partial<ViewDisplay> = {};
  if (oneOf(VIEW_LAYOUTS, r.layout)) out.layout = r.layout;
  if (oneOf(VIEW_GROUPINGS, r.groupBy)) out.groupBy = r.groupBy;
  if (oneOf(VIEW_GROUPINGS, r.subGroupBy)) out.subGroupBy = r.subGroupBy;
  if (oneOf(VIEW_ORDERINGS, r.orderBy)) out.orderBy = r.orderBy;
  if (typeof r.showCompleted === 'boolean') out.showCompleted = r.showCompleted;
  if (typeof r.showSubIssues === 'boolean') out.showSubIssues = r.showSubIssues;
  if (Array.isArray(r.properties)) out.properties = VIEW_PROPERTIES.filter((p) => (r.properties as unknown[]).includes(p));
  return out;
}

/** The filter tree in `v` when it is valid, else undefined. */
export function sanitizeFilter(v: unknown): FilterNode | undefined {
  const f = jsonValue(v);
  if (f === undefined || f === null) return undefined;
  return validateFilter(f).length ? undefined : (f as FilterNode);
}

/** Parses a list screen's search params (TanStack Router `validateSearch`). */
export function parseListSearch(raw: Record<string, unknown>): ListSearch {
  const out: ListSearch = {};
  // An empty filter is kept: on a saved view it means "cleared", not "the view's own filter".
  const filter = sanitizeFilter(raw.filter);
  if (filter) out.filter = filter;
  const display = sanitizeDisplay(raw.display);
  if (Object.keys(display).length) out.display = display;
  return out;
}

/** Full display options: `partial` over `base`. */
export function resolveDisplay(partial: Partial<ViewDisplay> | undefined, base: ViewDisplay = LIST_DEFAULT_DISPLAY): ViewDisplay {
  return { ...base, ...partial };
}

/** The options of `d` that differ from `base` (undefined when none do): what the URL keeps. */
export function displayDiff(d: ViewDisplay, base: ViewDisplay = LIST_DEFAULT_DISPLAY): Partial<ViewDisplay> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(d) as Array<keyof ViewDisplay>) {
    const a = d[k];
    const b = base[k];
    const same = Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
    if (!same) out[k] = a;
  }
  return Object.keys(out).length ? (out as Partial<ViewDisplay>) : undefined;
}

/** True when a filter tree has no condition (matches everything). */
export function isEmptyFilter(f: FilterNode | undefined | null): boolean {
  if (!f) return true;
  if ('and' in f) return f.and.every(isEmptyFilter);
  if ('or' in f) return f.or.every(isEmptyFilter);
  return false;
}

/** Priority rank for ordering: urgent first, no priority last (Linear). */
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, medium: 2, low: 3, none: 4 };

const byRank = (a: Issue, b: Issue) => (a.sortOrder < b.sortOrder ? -1 : a.sortOrder > b.sortOrder ? 1 : b.createdAt < a.createdAt ? -1 : b.createdAt > a.createdAt ? 1 : 0);

/** The comparator of an ordering (manual order breaks ties, so equal keys stay stable across reloads). */
export function comparatorOf(orderBy: Ordering): (a: Issue, b: Issue) => number {
  switch (orderBy) {
    case 'manual':
      return byRank;
    case 'priority':
      return (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || byRank(a, b);
    case 'createdAt':
      return (a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : byRank(a, b));
    case 'updatedAt':
      return (a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : byRank(a, b));
    case 'dueDate':
      // Soonest first; issues without a due date last.
      return (a, b) => {
        if (a.dueDate === b.dueDate) return byRank(a, b);
        if (!a.dueDate) return 1;
        if (!b.dueDate) return -1;
        return a.dueDate < b.dueDate ? -1 : 1;
      };
  }
}

/** Whether drag and drop inside a group sets the manual order for this ordering. */
export function reorderable(orderBy: Ordering): boolean {
  return orderBy === 'manual' || orderBy === 'priority';
}

/** A compiled filter: true when the issue matches. */
export type IssuePredicate = (issue: FilterableIssue) => boolean;

const EMPTY: readonly string[] = [];

/** The field's values on an issue, as `matchesFilter` reads them (filter.ts `valuesOf`). */
function reader(field: FilterCondition['field'], ctx: FilterContext): (i: FilterableIssue) => readonly string[] {
  switch (field) {
    case 'state':
      return (i) => [i.stateId];
    case 'stateCategory':
      return (i) => {
        const c = ctx.stateCategory(i.stateId);
        return c ? [c] : EMPTY;
      };
    case 'assignee':
      return (i) => (i.assigneeId ? [i.assigneeId] : EMPTY);
    case 'creator':
      return (i) => (i.creatorId ? [i.creatorId] : EMPTY);
    case 'priority':
      return (i) => [i.priority];
    case 'label':
      return (i) => i.labelIds;
    case 'dueDate':
      return (i) => (i.dueDate ? [i.dueDate] : EMPTY);
    case 'team':
      return (i) => [i.teamId];
    case 'parent':
      return (i) => (i.parentId ? [i.parentId] : EMPTY);
    case 'title':
      return (i) => [i.title];
  }
}

function compileCondition(c: FilterCondition, ctx: FilterContext): IssuePredicate {
  const read = reader(c.field, ctx);
  const me = (x: string) => ((c.field === 'assignee' || c.field === 'creator') && x === 'me' ? ctx.me : x);
  const wanted = (Array.isArray(c.value) ? c.value : c.value !== undefined ? [c.value] : []).map(me);
  const set = new Set(wanted);
  const one = wanted[0] as string;
  const has = (i: FilterableIssue) => read(i).some((h) => set.has(h));
  switch (c.op) {
    case 'is':
      return wanted.length === 1 ? (i) => read(i).includes(one) : () => false;
    case 'isNot':
      return wanted.length === 1 ? (i) => !read(i).includes(one) : () => false;
    case 'isAnyOf':
      return has;
    case 'isNoneOf':
      return (i) => !has(i);
    case 'isEmpty':
      return (i) => read(i).length === 0;
    case 'isNotEmpty':
      return (i) => read(i).length > 0;
    case 'before':
      return (i) => {
        const v = read(i);
        return v.length > 0 && (v[0] as string) < one;
      };
    case 'after':
      return (i) => {
        const v = read(i);
        return v.length > 0 && (v[0] as string) > one;
      };
    case 'contains': {
      const needle = (wanted[0] ?? '').toLocaleLowerCase();
      return (i) => read(i).some((h) => h.toLocaleLowerCase().includes(needle));
    }
    default:
      return () => false;
  }
}

/**
 * Compiles a filter tree into a predicate with exactly `matchesFilter`'s meaning
 * (`@exponential/domain` filter.ts; a property test checks they agree), built once per filter
 * change instead of walking the tree and allocating per issue: over 10,000 issues this is what
 * keeps a filter change within a frame.
 */
export function compileFilter(node: FilterNode, ctx: FilterContext): IssuePredicate {
  if ('and' in node) {
    const kids = node.and.map((n) => compileFilter(n, ctx));
    return (i) => {
      for (const k of kids) if (!k(i)) return false;
      return true;
    };
  }
  if ('or' in node) {
    if (!node.or.length) return () => true;
    const kids = node.or.map((n) => compileFilter(n, ctx));
    return (i) => {
      for (const k of kids) if (k(i)) return true;
      return false;
    };
  }
  return compileCondition(node, ctx);
}

/** What narrowing a screen applies before the user's filter. */
export interface ScopeRules {
  /** Workflow state categories shown (team views All / Active / Backlog). */
  categories?: ReadonlySet<StateCategory>;
}

/** Lookups a derivation needs from the store. */
export interface QueryContext {
  me: string;
  stateCategory(stateId: string): StateCategory | undefined;
}

/**
 * The issues a screen shows, in display order: `sorted` (already in the display ordering) narrowed
 * by the scope, the completed / sub-issue toggles and the filter. One linear pass, no sorting:
 * this is the part that runs on every filter change.
 */
export function applyQuery(sorted: readonly Issue[], filter: FilterNode | undefined, display: ViewDisplay, scope: ScopeRules, ctx: QueryContext): Issue[] {
  const cats = scope.categories;
  const hideDone = !display.showCompleted;
  const hideSubs = !display.showSubIssues;
  // A few workflow states, ten thousand issues: each state's category is looked up once per pass
  // (in the page the lookup is a tracked read of an observable map).
  const categoryOf = new Map<string, StateCategory | undefined>();
  const stateCategory = (id: string) => {
    if (categoryOf.has(id)) return categoryOf.get(id);
    const c = ctx.stateCategory(id);
    categoryOf.set(id, c);
    return c;
  };
  const test = filter && !isEmptyFilter(filter) ? compileFilter(filter, { me: ctx.me, stateCategory }) : undefined;
  const out: Issue[] = [];
  for (const i of sorted) {
    if (i.archivedAt) continue;
    if (cats || hideDone) {
      const c = stateCategory(i.stateId);
      if (cats && (!c || !cats.has(c))) continue;
      if (hideDone && (c === 'completed' || c === 'canceled')) continue;
    }
    if (hideSubs && i.parentId) continue;
    if (test && !test(i)) continue;
    out.push(i);
  }
  return out;
}
