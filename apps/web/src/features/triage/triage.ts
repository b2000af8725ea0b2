/**
 * Triage (Linear's inbox of a team's incoming issues): issues in a Triage-category state wait for
 * someone to accept them (into the team's default state, where new issues go), mark them as a
 * duplicate of another issue (a `duplicate` relation, then the team's Duplicate state) or decline
 * them (into the team's default Canceled state, with an optional comment giving the reason). Keys
 * as in Linear (linear-ux.md §1.4, §8): 1 accepts, 2 asks for the canonical issue, 3 asks for the
 * reason, acting on the selected issues of a list, else the focused issue. Each state change is
 * undoable (⌘/Ctrl+Z); a posted comment or relation stays.
 *
 * Not done: Linear's H (snooze until a time or new activity). The server keeps no snooze field on
 * issues (nor any per-user hide-until), so a snooze here could only be faked in this browser.
 */
import type { Command } from '../../commands/registry.ts';
import type { Issue, WorkflowState } from '../../api/types.ts';
import { textToHtml } from '../issues/text.ts';
import { listActions } from '../../store/viewsSelection.ts';
import type { RootStore } from '../../store/root.ts';

/** Whether the issue waits in triage (its state's category is `triage`). */
export function inTriage(store: RootStore, issue: Issue): boolean {
  return store.states.get(issue.stateId)?.category === 'triage';
}

/** Issues of a team waiting in triage. */
export function triageIssues(store: RootStore, teamId: string): Issue[] {
  return store.issues.by(teamId).filter((i) => !i.archivedAt && inTriage(store, i));
}

/** Where accepting moves an issue: the team's default state (never a triage state). */
export function acceptState(store: RootStore, teamId: string): WorkflowState | undefined {
  const s = store.defaultState(teamId);
  return s && s.category !== 'triage' ? s : undefined;
}

/** Where declining moves an issue: the team's default Canceled-category state. */
export function declineState(store: RootStore, teamId: string): WorkflowState | undefined {
  const canceled = store.statesOf(teamId).filter((s) => s.category === 'canceled');
  return canceled.find((s) => s.isDefault) ?? canceled[0];
}

/**
 * Where marking as a duplicate moves an issue: the team's Canceled-category state named
 * "Duplicate" (servers create one with every team), else its decline state — Linear also files
 * duplicates under a Canceled-type status (linear-ux.md §6).
 */
export function duplicateState(store: RootStore, teamId: string): WorkflowState | undefined {
  const named = store.statesOf(teamId).find((s) => s.category === 'canceled' && s.name.trim().toLowerCase() === 'duplicate');
  return named ?? declineState(store, teamId);
}

/**
 * Accepts or declines issues in triage (others are left alone), each into its own team's state.
 * `comment` (plain text; blank for none) is posted on every issue moved, e.g. the reason for a
 * decline. Shows a toast naming what happened; refusals are reported by the writes themselves.
 * @returns how many issues were moved
 */
export function triage(store: RootStore, issues: readonly Issue[], decision: 'accept' | 'decline', comment = ''): number {
  const waiting = issues.filter((i) => inTriage(store, i));
  const body = textToHtml(comment);
  let moved = 0;
  let target: WorkflowState | undefined;
  for (const i of waiting) {
    target = decision === 'accept' ? acceptState(store, i.teamId) : declineState(store, i.teamId);
    if (!target) continue;
    void store.issueActions.update(i.id, { stateId: target.id });
    if (body) void store.details.addComment(i.id, body);
    moved++;
  }
  if (moved) {
    const what = moved === 1 ? waiting[0]!.identifier : `${moved} issues`;
    store.ui.toast(decision === 'accept' ? `Accepted ${what} into ${target!.name}` : `Declined ${what}`);
  } else if (issues.length) store.ui.toast(waiting.length ? 'The team has no state to move it to' : 'Not in triage', 'error');
  return moved;
}

/**
 * Marks the issues in triage among `issues` as duplicates of `canonicalId`: for each, the
 * `duplicate` relation is created first (the server may refuse it, e.g. when the canonical issue is
 * already a duplicate of this one), and only then is the issue moved to {@link duplicateState}, so
 * a refused relation leaves it in triage. The canonical issue itself is never moved.
 * @returns how many issues were marked and moved
 */
export async function markDuplicates(store: RootStore, issues: readonly Issue[], canonicalId: string): Promise<number> {
  const waiting = issues.filter((i) => i.id !== canonicalId && inTriage(store, i));
  const canonical = store.issues.get(canonicalId)?.identifier ?? store.details.summaries.get(canonicalId)?.identifier ?? 'the issue';
  const done = await Promise.all(
    waiting.map(async (i) => {
      const target = duplicateState(store, i.teamId);
      if (!target) return null;
      if (!(await store.details.addRelation(i.id, 'duplicate', canonicalId))) return null;
      void store.issueActions.update(i.id, { stateId: target.id });
      return i;
    }),
  );
  const marked = done.filter((i): i is Issue => i !== null);
  if (marked.length) store.ui.toast(`Marked ${marked.length === 1 ? marked[0]!.identifier : `${marked.length} issues`} as duplicate of ${canonical}`);
  else if (issues.length && !waiting.length) store.ui.toast('Not in triage', 'error');
  return marked.length;
}

/** The issues a triage key acts on: the list's selection when there is one, else the focused issue. */
export function triageTargets(store: RootStore): Issue[] {
  const selected = [...listActions(store).selection.ids].map((id) => store.issues.get(id)).filter((i): i is Issue => !!i);
  if (selected.length) return selected;
  const focused = store.issues.get(store.ui.focusedIssueId);
  return focused ? [focused] : [];
}

/** Opens the dialog asking for the reason of a decline (`triageDecline`) or the canonical issue (`triageDuplicate`). */
export function askTriage(store: RootStore, issues: readonly Issue[], kind: 'triageDecline' | 'triageDuplicate'): void {
  const waiting = issues.filter((i) => inTriage(store, i));
  if (waiting.length) store.ui.openPicker(kind, waiting.map((i) => i.id));
  else if (issues.length) store.ui.toast('Not in triage', 'error');
}

/** The triage commands of the registry (palette, `?` sheet, keys 1, 2 and 3). */
export function triageCommands(store: RootStore): Command[] {
  const enabled = () => triageTargets(store).some((i) => inTriage(store, i));
  return [
    { id: 'triage.accept', title: 'Accept (triage)', group: 'Triage', keys: ['1'], keywords: ['triage', 'accept', 'approve'], isEnabled: enabled, run: () => void triage(store, triageTargets(store), 'accept') },
    {
      id: 'triage.duplicate',
      title: 'Mark as duplicate (triage)…',
      group: 'Triage',
      keys: ['2'],
      keywords: ['triage', 'duplicate', 'same'],
      isEnabled: enabled,
      run: () => askTriage(store, triageTargets(store), 'triageDuplicate'),
    },
    {
      id: 'triage.decline',
      title: 'Decline (triage)…',
      group: 'Triage',
      keys: ['3'],
      keywords: ['triage', 'decline', 'reject', 'cancel'],
      isEnabled: enabled,
      run: () => askTriage(store, triageTargets(store), 'triageDecline'),
    },
  ];
}
