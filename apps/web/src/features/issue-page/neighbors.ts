/**
 * J/K on the issue page move through the list the user came from. Lists publish their order in
 * `ui.visibleIssueIds` and clear it when they unmount, so the last non-empty order is remembered
 * here with the list's address; an issue opened directly (a link) falls back to its team's issues, newest first.
 */
import { reaction } from 'mobx';
import type { Issue } from '../../api/types.ts';
import { currentHref } from '../../navigation.ts';
import type { RootStore } from '../../store/root.ts';

const remembered = new WeakMap<RootStore, readonly string[]>();
const rememberedHref = new WeakMap<RootStore, string>();
const watching = new WeakSet<RootStore>();

/** Starts remembering the lists' order for `store` (idempotent). */
export function rememberListOrder(store: RootStore): void {
  if (watching.has(store)) return;
  watching.add(store);
  reaction(
    () => store.ui.visibleIssueIds,
    (ids) => {
      if (!ids.length) return;
      remembered.set(store, ids);
      rememberedHref.set(store, currentHref());
    },
    { fireImmediately: true },
  );
}

/** The address of the last list shown (with its filters), for Esc on the issue page. */
export function lastListHref(store: RootStore): string | undefined {
  return rememberedHref.get(store);
}

/** Where `issue` sits in the remembered list (or its team's issues) and its neighbours. */
export function neighbors(store: RootStore, issue: Issue): { prev?: Issue; next?: Issue; index: number; total: number } {
  const list = remembered.get(store) ?? [];
  let ids: readonly string[] = list.includes(issue.id) ? list : [];
  if (!ids.length) {
    ids = store.issues
      .by(issue.teamId)
      .filter((i) => !i.archivedAt && i.number > 0)
      .sort((a, b) => b.number - a.number)
      .map((i) => i.id);
  }
  const index = ids.indexOf(issue.id);
  const at = (k: number) => (k >= 0 && k < ids.length ? store.issues.get(ids[k]!) : undefined);
  return { prev: at(index - 1), next: at(index + 1), index, total: ids.length };
}
