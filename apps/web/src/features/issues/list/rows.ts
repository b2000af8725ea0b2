/**
 * The flat row model of the virtualized list: group (and sub-group) headers followed by their
 * issues. Issue rows are the issue objects themselves (no wrapper per row: a filter change over
 * ten thousand issues allocates no row objects); the section an index belongs to is found by a
 * binary search over the section starts. Pure, unit-tested.
 */
import type { Issue } from '../../../api/types.ts';
import type { IssueGroup } from './groups.ts';

/** A header row. `containerId` is set for sections that hold issues directly (leaf groups). */
export interface GroupRow {
  kind: 'group';
  group: IssueGroup;
  level: 0 | 1;
  key: string;
  containerId: string | null;
  count: number;
  collapsed: boolean;
}

/** A row: a header, or an issue. */
export type Row = GroupRow | Issue;

/** Whether a row is a header. */
export function isGroupRow(r: Row | undefined): r is GroupRow {
  return !!r && (r as GroupRow).kind === 'group';
}

/** The rows of a list and what is needed to address them. */
export interface ListRows {
  rows: Row[];
  /** Row index of each leaf section's header, ascending. */
  leafStarts: number[];
  /** Container id of each leaf section (same order). */
  leafIds: string[];
  /** True when an issue can show in several sections (label grouping): keys then include the section. */
  dupes: boolean;
  /** Distinct issue ids in display order (J/K, ranges, select all). */
  ids: string[];
}

/** Flattens groups into rows, leaving out the issues of collapsed sections. */
export function buildRows(groups: readonly IssueGroup[], collapsed: ReadonlySet<string>): ListRows {
  const rows: Row[] = [];
  const leafStarts: number[] = [];
  const leafIds: string[] = [];
  const dupes = groups.some((g) => g.kind === 'label' || g.subgroups?.some((s) => s.kind === 'label'));
  const leaf = (group: IssueGroup, level: 0 | 1, key: string) => {
    const closed = collapsed.has(key);
    leafStarts.push(rows.length);
    leafIds.push(key);
    rows.push({ kind: 'group', group, level, key, containerId: key, count: group.issues.length, collapsed: closed });
    if (!closed) for (const i of group.issues) rows.push(i);
  };
  for (const g of groups) {
    if (!g.subgroups) {
      leaf(g, 0, g.id);
      continue;
    }
    const closed = collapsed.has(g.id);
    rows.push({ kind: 'group', group: g, level: 0, key: g.id, containerId: null, count: g.issues.length, collapsed: closed });
    if (!closed) for (const s of g.subgroups) leaf(s, 1, `${g.id}/${s.id}`);
  }
  let ids: string[];
  if (!dupes) ids = rows.filter((r): r is Issue => !isGroupRow(r)).map((r) => r.id);
  else {
    const seen = new Set<string>();
    ids = [];
    for (const r of rows) if (!isGroupRow(r) && !seen.has(r.id)) seen.add(r.id) && ids.push(r.id);
  }
  return { rows, leafStarts, leafIds, dupes, ids };
}

/** The leaf section (container id) the row at `index` is in, or null before the first. */
export function containerAt(lr: ListRows, index: number): string | null {
  let lo = 0;
  let hi = lr.leafStarts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((lr.leafStarts[mid] as number) <= index) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? null : (lr.leafIds[found] as string);
}

/** A stable key for the row at `index` (issue id, qualified by its section when issues repeat). */
export function rowKey(lr: ListRows, index: number): string {
  const r = lr.rows[index]!;
  if (isGroupRow(r)) return `g:${r.key}`;
  return lr.dupes ? `${containerAt(lr, index)}:${r.id}` : r.id;
}

/**
 * Where a drop at row `index` lands: on an issue, before or after it; on a header, at the top of
 * its first section (or the end of an empty one).
 */
export function dropAt(lr: ListRows, index: number, below: boolean): { containerId: string; issueId?: string; below: boolean } | null {
  const r = lr.rows[index];
  if (!r) {
    const last = lr.leafIds[lr.leafIds.length - 1];
    return last ? { containerId: last, below: true } : null;
  }
  if (!isGroupRow(r)) {
    const containerId = containerAt(lr, index);
    return containerId ? { containerId, issueId: r.id, below } : null;
  }
  // A header: the first leaf section at or after it.
  let k = lr.leafStarts.findIndex((s) => s >= index);
  if (k < 0) k = lr.leafStarts.length - 1;
  const start = lr.leafStarts[k]!;
  const first = lr.rows[start + 1];
  const containerId = lr.leafIds[k]!;
  return first && !isGroupRow(first) ? { containerId, issueId: first.id, below: false } : { containerId, below: true };
}
