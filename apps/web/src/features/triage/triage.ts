/**
 * Triage (Linear's inbox of a team's incoming issues): issues in a Triage-category state wait for
 * someone to accept them (into the team's default state, where new issues go) or decline them
 * (into the team's default Canceled state). Keys as in Linear: 1 accepts, 3 declines, acting on
 * the selected issues of a list, else the focused issue. Each change is undoable (⌘/Ctrl+Z).
 */
import type { Command } from '../../commands/registry.ts';
import type { Issue, WorkflowState } from '../../api/types.ts';
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
 * Accepts or declines issues in triage (others are left alone), each into its own team's state.
 * Shows a toast naming what happened; refusals are reported by the issue writes themselves.
 * @returns how many issues were moved
 */
export function triage(store: RootStore, issues: readonly Issue[], decision: 'accept' | 'decline'): number {
  const waiting = issues.filter((i) => inTriage(store, i));
  let moved = 0;
  let target: WorkflowState | undefined;
  for (const i of waiting) {
    target = decision === 'accept' ? acceptState(store, i.teamId) : declineState(store, i.teamId);
    if (!target) continue;
    void store.issueActions.update(i.id, { stateId: target.id });
    moved++;
  }
  if (moved) {
    const what = moved === 1 ? waiting[0]!.identifier : `${moved} issues`;
    store.ui.toast(decision === 'accept' ? `Accepted ${what} into ${target!.name}` : `Declined ${what}`);
  } else if (issues.length) store.ui.toast(waiting.length ? 'The team has no state to move it to' : 'Not in triage', 'error');
  return moved;
}

/** The issues a triage key acts on: the list's selection when there is one, else the focused issue. */
function targets(store: RootStore): Issue[] {
  const selected = [...listActions(store).selection.ids].map((id) => store.issues.get(id)).filter((i): i is Issue => !!i);
  if (selected.length) return selected;
  const focused = store.issues.get(store.ui.focusedIssueId);
  return focused ? [focused] : [];
}

/** The triage commands of the registry (palette, `?` sheet, keys 1 and 3). */
export function triageCommands(store: RootStore): Command[] {
  const enabled = () => targets(store).some((i) => inTriage(store, i));
  return [
    { id: 'triage.accept', title: 'Accept (triage)', group: 'Triage', keys: ['1'], keywords: ['triage', 'accept', 'approve'], isEnabled: enabled, run: () => void triage(store, targets(store), 'accept') },
    { id: 'triage.decline', title: 'Decline (triage)', group: 'Triage', keys: ['3'], keywords: ['triage', 'decline', 'reject', 'cancel'], isEnabled: enabled, run: () => void triage(store, targets(store), 'decline') },
  ];
}
