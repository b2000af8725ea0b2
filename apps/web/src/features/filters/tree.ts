/**
 * Editing a filter tree (`@exponential/domain` filter.ts) immutably: the filter bar's chips are
 * the root group's children (conditions, or nested groups drawn in brackets), addressed by their
 * index path from the root. Pure functions, unit-tested.
 */
import type { FilterCondition, FilterField, FilterGroup, FilterNode, FilterOp } from '@exponential/domain';

/** The "no value" choice of a value list (no assignee, no label): the condition becomes "is empty". */
export const EMPTY_VALUE = '__empty__';

/** `and` or `or`. */
export type Conjunction = 'and' | 'or';

/** The children of a group. */
export function childrenOf(g: FilterGroup): FilterNode[] {
  return 'and' in g ? g.and : g.or;
}

/** A group's conjunction. */
export function conjunctionOf(g: FilterGroup): Conjunction {
  return 'and' in g ? 'and' : 'or';
}

/** Whether a node is a group. */
export function isGroup(n: FilterNode): n is FilterGroup {
  return 'and' in n || 'or' in n;
}

/** A group of `kids` joined by `c`. */
export function makeGroup(c: Conjunction, kids: FilterNode[]): FilterGroup {
  return c === 'and' ? { and: kids } : { or: kids };
}

/** The root group of a filter (an empty AND when there is none; a lone condition is wrapped). */
export function rootOf(f: FilterNode | undefined): FilterGroup {
  if (!f) return { and: [] };
  return isGroup(f) ? f : { and: [f] };
}

/** The group at `path` (empty = the root), or undefined. */
export function groupAt(root: FilterGroup, path: readonly number[]): FilterGroup | undefined {
  let g: FilterNode = root;
  for (const i of path) {
    if (!isGroup(g)) return undefined;
    const next: FilterNode | undefined = childrenOf(g)[i];
    if (!next) return undefined;
    g = next;
  }
  return isGroup(g) ? g : undefined;
}

/** Replaces the node at `path` with `fn(node)`; `fn` returning null removes it. */
export function updateAt(root: FilterGroup, path: readonly number[], fn: (n: FilterNode) => FilterNode | null): FilterGroup {
  if (!path.length) {
    const r = fn(root);
    return r && isGroup(r) ? r : { and: [] };
  }
  const [head, ...rest] = path as [number, ...number[]];
  const kids = childrenOf(root);
  const target = kids[head];
  if (!target) return root;
  let replaced: FilterNode | null;
  if (rest.length) replaced = isGroup(target) ? updateAt(target, rest, fn) : target;
  else replaced = fn(target);
  const next = kids.flatMap((k, i) => (i !== head ? [k] : replaced ? [replaced] : []));
  return makeGroup(conjunctionOf(root), next);
}

/** Appends `node` to the group at `path`. */
export function appendAt(root: FilterGroup, path: readonly number[], node: FilterNode): FilterGroup {
  return updateAt(root, path, (g) => (isGroup(g) ? makeGroup(conjunctionOf(g), [...childrenOf(g), node]) : g));
}

/** Switches the conjunction of the group at `path`. */
export function setConjunction(root: FilterGroup, path: readonly number[], c: Conjunction): FilterGroup {
  return updateAt(root, path, (g) => (isGroup(g) ? makeGroup(c, childrenOf(g)) : g));
}

/** Drops empty nested groups; undefined when nothing is left (the URL then has no filter). */
export function compact(root: FilterGroup): FilterNode | undefined {
  const clean = (g: FilterGroup): FilterGroup => {
    const kids: FilterNode[] = [];
    for (const k of childrenOf(g)) {
      if (!isGroup(k)) kids.push(k);
      else {
        const c = clean(k);
        if (childrenOf(c).length) kids.push(c);
      }
    }
    return makeGroup(conjunctionOf(g), kids);
  };
  const r = clean(root);
  return childrenOf(r).length ? r : undefined;
}

/** The opposite operator (the chip's "is" ↔ "is not" switch). */
export function negate(op: FilterOp): FilterOp {
  const pairs: Record<string, FilterOp> = { is: 'isNot', isNot: 'is', isAnyOf: 'isNoneOf', isNoneOf: 'isAnyOf', isEmpty: 'isNotEmpty', isNotEmpty: 'isEmpty', before: 'after', after: 'before', contains: 'contains' };
  return pairs[op] ?? op;
}

/** Whether an operator is a negative one. */
export function isNegative(op: FilterOp): boolean {
  return op === 'isNot' || op === 'isNoneOf' || op === 'isNotEmpty';
}

/** Text of an operator on a chip. */
export function opLabel(op: FilterOp): string {
  switch (op) {
    case 'is':
      return 'is';
    case 'isNot':
      return 'is not';
    case 'isAnyOf':
      return 'is any of';
    case 'isNoneOf':
      return 'is none of';
    case 'isEmpty':
      return 'is empty';
    case 'isNotEmpty':
      return 'is set';
    case 'before':
      return 'before';
    case 'after':
      return 'after';
    case 'contains':
      return 'contains';
  }
}

/** The values a condition holds, for the check marks (`isEmpty` shows as the "none" choice). */
export function selectedValues(c: FilterCondition | undefined): Set<string> {
  if (!c) return new Set();
  if (c.op === 'isEmpty') return new Set([EMPTY_VALUE]);
  return new Set(Array.isArray(c.value) ? c.value : c.value ? [c.value] : []);
}

/**
 * The condition after toggling `id` among a field's values: "none" excludes the others (a
 * single condition cannot say "none or X"); null when no value is left.
 */
export function toggledCondition(field: FilterField, current: FilterCondition | undefined, id: string): FilterCondition | null {
  const negative = !!current && (current.op === 'isNot' || current.op === 'isNoneOf' || current.op === 'isNotEmpty');
  const values = selectedValues(current);
  if (values.has(id)) values.delete(id);
  else if (id === EMPTY_VALUE) {
    values.clear();
    values.add(id);
  } else {
    values.delete(EMPTY_VALUE);
    values.add(id);
  }
  const list = [...values];
  if (!list.length) return null;
  if (list[0] === EMPTY_VALUE) return { field, op: negative ? 'isNotEmpty' : 'isEmpty' };
  if (list.length === 1) return { field, op: negative ? 'isNot' : 'is', value: list[0] };
  return { field, op: negative ? 'isNoneOf' : 'isAnyOf', value: list };
}
