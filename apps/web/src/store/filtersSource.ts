/**
 * Fast reads of the issue table for list screens (reference/sync-design.md §6: per-table
 * observability, no full-scan computeds that subscribe to every row).
 *
 * The table is observed once: every upsert or remove bumps one observable `version`. Screens read
 * `version` (one dependency instead of ten thousand) and take plain arrays from here, sorted once
 * per (version, scope, ordering); a filter change then only runs a linear pass over an array.
 */
import { action, makeObservable, observable, observe, untracked } from 'mobx';
import type { Issue } from '../api/types.ts';
import { comparatorOf, type Ordering } from './filters.ts';
import type { RootStore } from './root.ts';

/** Sorted plain snapshots of the issue table. */
export class IssueSource {
  /** Bumped on every change of the issue table. */
  version = 0;
  private all: { version: number; rows: Issue[] } | null = null;
  private readonly sorted = new Map<string, { version: number; rows: Issue[] }>();

  constructor(private readonly root: RootStore) {
    makeObservable(this, { version: observable, bump: action });
    observe(root.issues.rows, () => this.bump());
  }

  /** Marks the table changed. */
  bump(): void {
    this.version++;
  }

  /** Every issue in the table (a plain array, rebuilt once per version); reading it tracks only `version`. */
  snapshot(): Issue[] {
    const v = this.version;
    if (this.all?.version === v) return this.all.rows;
    // Untracked on purpose: the version above is the only dependency.
    const rows = untracked(() => [...this.root.issues.rows.values()]);
    this.all = { version: v, rows };
    return rows;
  }

  /**
   * The issues of a scope in display order. `scopeKey` names the scope (e.g. `team:<id>`,
   * `all`); `pick` must depend on the scope only.
   */
  sortedFor(scopeKey: string, pick: ((i: Issue) => boolean) | null, orderBy: Ordering): Issue[] {
    const key = `${scopeKey}|${orderBy}`;
    const v = this.version;
    const hit = this.sorted.get(key);
    if (hit?.version === v) return hit.rows;
    const base = this.snapshot();
    const rows = (pick ? base.filter(pick) : [...base]).sort(comparatorOf(orderBy));
    if (this.sorted.size > 16) this.sorted.clear();
    this.sorted.set(key, { version: v, rows });
    return rows;
  }
}

const perStore = new WeakMap<RootStore, IssueSource>();

/** The issue source of a root store. */
export function issueSource(root: RootStore): IssueSource {
  let s = perStore.get(root);
  if (!s) {
    s = new IssueSource(root);
    perStore.set(root, s);
  }
  return s;
}
