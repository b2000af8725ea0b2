/**
 * Issue filters shared by the server (validating saved views) and the web app (evaluating them
 * against the local store): a tree of AND/OR groups over conditions, after Linear's filter bar
 * ("is / is not / is any of", AND and OR groups).
 */

/** Fields an issue filter condition can test. */
export const FILTER_FIELDS = ['state', 'stateCategory', 'assignee', 'creator', 'priority', 'label', 'dueDate', 'team', 'parent', 'title'] as const;
/** A filterable field. */
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Comparison operators. `before`/`after` take a `YYYY-MM-DD` date; `contains` a text. */
export const FILTER_OPS = ['is', 'isNot', 'isAnyOf', 'isNoneOf', 'isEmpty', 'isNotEmpty', 'before', 'after', 'contains'] as const;
/** A comparison operator. */
export type FilterOp = (typeof FILTER_OPS)[number];

/** One condition. For assignee and creator the value `"me"` means the viewer. */
export interface FilterCondition {
  field: FilterField;
  op: FilterOp;
  value?: string | string[];
}

/** A group: every child must match (`and`) or at least one (`or`). */
export type FilterGroup = { and: FilterNode[] } | { or: FilterNode[] };
/** A filter tree node. */
export type FilterNode = FilterCondition | FilterGroup;

/** The issue fields a filter reads (the presented issue shape). */
export interface FilterableIssue {
  stateId: string;
  teamId: string;
  assigneeId: string | null;
  creatorId: string | null;
  priority: string;
  labelIds: string[];
  dueDate: string | null;
  parentId: string | null;
  title: string;
}

/** What evaluation needs besides the issue. */
export interface FilterContext {
  /** The viewer's user id (for `"me"`). */
  me: string;
  /** Category of a workflow state id (triage, backlog, …), or undefined when unknown. */
  stateCategory(stateId: string): string | undefined;
}

/** Limits that keep stored filters small. */
export const FILTER_LIMITS = { depth: 4, nodes: 50, values: 100, text: 200 } as const;

const isGroup = (n: FilterNode): n is FilterGroup => typeof n === 'object' && n !== null && ('and' in n || 'or' in n);

/**
 * Checks an untrusted value is a well-formed filter tree within {@link FILTER_LIMITS}.
 * @returns a list of `{path, message}` (JSON pointers relative to the filter); empty when valid
 */
export function validateFilter(value: unknown): Array<{ path: string; message: string }> {
  const errors: Array<{ path: string; message: string }> = [];
  let nodes = 0;
  const walk = (n: unknown, path: string, depth: number) => {
    nodes++;
    if (nodes > FILTER_LIMITS.nodes) {
      if (nodes === FILTER_LIMITS.nodes + 1) errors.push({ path, message: `a filter has at most ${FILTER_LIMITS.nodes} conditions and groups` });
      return;
    }
    if (typeof n !== 'object' || n === null || Array.isArray(n)) {
      errors.push({ path, message: 'must be a condition or a group' });
      return;
    }
    const o = n as Record<string, unknown>;
    if ('and' in o || 'or' in o) {
      const key = 'and' in o ? 'and' : 'or';
      if (Object.keys(o).length !== 1) errors.push({ path, message: 'a group has exactly one of "and" or "or"' });
      const kids = o[key];
      if (!Array.isArray(kids)) {
        errors.push({ path: `${path}/${key}`, message: 'must be a list' });
        return;
      }
      if (depth >= FILTER_LIMITS.depth) {
        errors.push({ path, message: `groups nest at most ${FILTER_LIMITS.depth} deep` });
        return;
      }
      kids.forEach((k, i) => walk(k, `${path}/${key}/${i}`, depth + 1));
      return;
    }
    if (!(FILTER_FIELDS as readonly string[]).includes(o.field as string)) errors.push({ path: `${path}/field`, message: `must be one of ${FILTER_FIELDS.join(', ')}` });
    if (!(FILTER_OPS as readonly string[]).includes(o.op as string)) errors.push({ path: `${path}/op`, message: `must be one of ${FILTER_OPS.join(', ')}` });
    const extra = Object.keys(o).filter((k) => !['field', 'op', 'value'].includes(k));
    if (extra.length) errors.push({ path: `${path}/${extra[0]}`, message: 'is not a known field' });
    const v = o.value;
    const op = o.op as FilterOp;
    if (op === 'isEmpty' || op === 'isNotEmpty') {
      if (v !== undefined) errors.push({ path: `${path}/value`, message: `takes no value with "${op}"` });
    } else if (op === 'isAnyOf' || op === 'isNoneOf') {
      if (!Array.isArray(v) || v.length === 0 || v.length > FILTER_LIMITS.values || v.some((x) => typeof x !== 'string' || x.length > FILTER_LIMITS.text)) {
        errors.push({ path: `${path}/value`, message: `must be a list of 1 to ${FILTER_LIMITS.values} texts` });
      }
    } else if (typeof v !== 'string' || v.length === 0 || v.length > FILTER_LIMITS.text) {
      errors.push({ path: `${path}/value`, message: `must be a text of 1 to ${FILTER_LIMITS.text} characters` });
    } else if ((op === 'before' || op === 'after') && !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      errors.push({ path: `${path}/value`, message: 'must be a date YYYY-MM-DD' });
    }
  };
  walk(value, '', 0);
  return errors;
}

/** The values of `field` on an issue, as a list (labels are many; others one or none). */
function valuesOf(issue: FilterableIssue, field: FilterField, ctx: FilterContext): string[] {
  switch (field) {
    case 'state':
      return [issue.stateId];
    case 'stateCategory': {
      const c = ctx.stateCategory(issue.stateId);
      return c ? [c] : [];
    }
    case 'assignee':
      return issue.assigneeId ? [issue.assigneeId] : [];
    case 'creator':
      return issue.creatorId ? [issue.creatorId] : [];
    case 'priority':
      return [issue.priority];
    case 'label':
      return issue.labelIds;
    case 'dueDate':
      return issue.dueDate ? [issue.dueDate] : [];
    case 'team':
      return [issue.teamId];
    case 'parent':
      return issue.parentId ? [issue.parentId] : [];
    case 'title':
      return [issue.title];
  }
}

/**
 * Whether an issue matches a filter tree. An empty group matches everything.
 * Works on validated filters (see {@link validateFilter}); unknown operators never match.
 */
export function matchesFilter(issue: FilterableIssue, node: FilterNode, ctx: FilterContext): boolean {
  if (isGroup(node)) {
    if ('and' in node) return node.and.every((n) => matchesFilter(issue, n, ctx));
    return node.or.length === 0 || node.or.some((n) => matchesFilter(issue, n, ctx));
  }
  const me = (x: string) => ((node.field === 'assignee' || node.field === 'creator') && x === 'me' ? ctx.me : x);
  const have = valuesOf(issue, node.field, ctx);
  const wanted = (Array.isArray(node.value) ? node.value : node.value !== undefined ? [node.value] : []).map(me);
  switch (node.op) {
    case 'is':
      return wanted.length === 1 && have.includes(wanted[0] as string);
    case 'isNot':
      return wanted.length === 1 && !have.includes(wanted[0] as string);
    case 'isAnyOf':
      return have.some((h) => wanted.includes(h));
    case 'isNoneOf':
      return !have.some((h) => wanted.includes(h));
    case 'isEmpty':
      return have.length === 0;
    case 'isNotEmpty':
      return have.length > 0;
    case 'before':
      return have.length > 0 && (have[0] as string) < (wanted[0] as string);
    case 'after':
      return have.length > 0 && (have[0] as string) > (wanted[0] as string);
    case 'contains':
      return have.some((h) => h.toLocaleLowerCase().includes((wanted[0] ?? '').toLocaleLowerCase()));
    default:
      return false;
  }
}
