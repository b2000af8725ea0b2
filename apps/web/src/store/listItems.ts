/**
 * Issue rows from lists. `GET /issues` answers list columns only (no `description`), so a list
 * item must not wipe the description of a full row the store already holds (from sync, from
 * `GET /issues/:id`, or from a write's answer), and a screen that shows the description (the
 * issue page, peek) loads the single issue when the row lacks it.
 */
import { runInAction } from 'mobx';
import * as api from '../api/endpoints.ts';
import type { Issue, IssueListItem } from '../api/types.ts';
import type { Table } from './table.ts';

/**
 * The row to store for a list item, given the row already held:
 * - none held: the item, its description unknown (`undefined`);
 * - a newer row held (a later `updatedAt`: an optimistic edit, a sync change): that row, unchanged;
 * - the same version held: the item with the held description;
 * - an older row held: the item, its description unknown (it may have changed).
 */
export function mergeListItem(held: Issue | undefined, item: IssueListItem): Issue {
  if (!held) return item;
  if (held.updatedAt > item.updatedAt) return held;
  if (held.updatedAt === item.updatedAt && held.description !== undefined) return { ...item, description: held.description };
  return item;
}

/** Puts list items into the issue table (one MobX action), keeping descriptions already known. */
export function upsertListItems(issues: Table<Issue>, items: readonly IssueListItem[]): void {
  runInAction(() => {
    for (const item of items) {
      const held = issues.get(item.id);
      const next = mergeListItem(held, item);
      if (next !== held) issues.upsert(next);
    }
  });
}

/** Loads of full issues in flight, by id or identifier: one request per issue at a time. */
const loading = new Map<string, Promise<Issue | null>>();

/**
 * Loads the full issue (`GET /issues/:id`, with its description) into the table, once at a time
 * per reference. Failures resolve to null (the caller shows what it has; a 404 is the issue page's
 * concern, which fetches on its own when the row is absent).
 */
export function loadFullIssue(issues: Table<Issue>, idOrIdentifier: string): Promise<Issue | null> {
  let p = loading.get(idOrIdentifier);
  if (!p) {
    p = api
      .getIssue(idOrIdentifier)
      .then((full) => {
        runInAction(() => {
          const held = issues.get(full.id);
          // A newer row (an edit made meanwhile) wins; its answer carries the description.
          if (!held || held.updatedAt <= full.updatedAt) issues.upsert(full);
        });
        return full;
      })
      .catch(() => null)
      .finally(() => loading.delete(idOrIdentifier));
    loading.set(idOrIdentifier, p);
  }
  return p;
}
