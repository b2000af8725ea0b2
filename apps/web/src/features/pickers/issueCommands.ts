/**
 * Issue commands of the one registry (so the palette and the `?` sheet list them), acting on the
 * focused issue (the highlighted row, or the open issue): S status, P priority, A assign, I assign
 * to me, L labels, E estimate, Shift+D due date, ⌘/Ctrl+Shift+P parent, M then B/X/R/M relations,
 * Shift+S subscribe, ⌘/Ctrl+. copy ID, ⌘/Ctrl+Shift+. copy branch name, ⌘/Ctrl+Shift+, copy URL,
 * ⌘/Ctrl+Z undo, / search. Keys follow Linear's (linear-ux.md §1.2, §1.3).
 */
import type { Command } from '../../commands/registry.ts';
import { paths } from '../../navigation.ts';
import type { RootStore } from '../../store/root.ts';
import type { PickerKind } from '../../store/ui.ts';
import { branchName, copyText } from './copy.ts';

/** Builds the issue commands. */
export function issueCommands(store: RootStore): Command[] {
  const { ui } = store;
  const focused = () => {
    const id = ui.focusedIssueId;
    return id ? store.issues.get(id) : undefined;
  };
  const has = () => !!focused();
  const pick = (kind: PickerKind, arg?: string) => () => {
    const i = focused();
    if (i) ui.openPicker(kind, [i.id], arg);
  };
  const copy = (what: string, text: () => string | null) => () => {
    const t = text();
    if (!t) return;
    void copyText(t).then((ok) => ui.toast(ok ? `Copied ${what}: ${t}` : 'Copying needs clipboard permission', ok ? 'info' : 'error'));
  };
  const g = 'Issue';
  return [
    { id: 'issue.status', title: 'Change status…', group: g, keys: ['s'], keywords: ['state', 'workflow'], isEnabled: has, run: pick('state') },
    { id: 'issue.priority', title: 'Change priority…', group: g, keys: ['p'], isEnabled: has, run: pick('priority') },
    { id: 'issue.assign', title: 'Assign to…', group: g, keys: ['a'], keywords: ['assignee', 'owner'], isEnabled: has, run: pick('assignee') },
    {
      id: 'issue.assignMe',
      title: 'Assign to me',
      group: g,
      keys: ['i'],
      keywords: ['self', 'take'],
      isEnabled: () => has() && !!store.userId,
      run: () => {
        const issue = focused();
        const me = store.userId;
        if (!issue || !me) return;
        const mine = issue.assigneeId === me;
        void store.issueActions.update(issue.id, { assigneeId: mine ? null : me });
        ui.toast(mine ? `Unassigned ${issue.identifier}` : `Assigned ${issue.identifier} to you`);
      },
    },
    { id: 'issue.labels', title: 'Add or remove labels…', group: g, keys: ['l'], keywords: ['tag'], isEnabled: has, run: pick('labels') },
    { id: 'issue.estimate', title: 'Set estimate…', group: g, keys: ['e'], keywords: ['points', 'size'], isEnabled: has, run: pick('estimate') },
    { id: 'issue.dueDate', title: 'Set due date…', group: g, keys: ['shift+d'], keywords: ['deadline', 'date'], isEnabled: has, run: pick('dueDate') },
    { id: 'issue.parent', title: 'Set parent issue…', group: g, keys: ['mod+shift+p'], keywords: ['sub-issue', 'parent'], isEnabled: has, run: pick('parent') },
    { id: 'issue.blockedBy', title: 'Mark as blocked by…', group: 'Relations', keys: ['m', 'b'], keywords: ['relation'], isEnabled: has, run: pick('relation', 'blocked_by') },
    { id: 'issue.blocks', title: 'Mark as blocking…', group: 'Relations', keys: ['m', 'x'], keywords: ['relation'], isEnabled: has, run: pick('relation', 'blocks') },
    { id: 'issue.related', title: 'Relate to…', group: 'Relations', keys: ['m', 'r'], keywords: ['relation'], isEnabled: has, run: pick('relation', 'related') },
    { id: 'issue.duplicate', title: 'Mark as duplicate of…', group: 'Relations', keys: ['m', 'm'], keywords: ['relation'], isEnabled: has, run: pick('relation', 'duplicate') },
    {
      id: 'issue.subscribe',
      title: 'Subscribe / unsubscribe',
      group: g,
      keys: ['shift+s'],
      keywords: ['notify', 'follow'],
      isEnabled: has,
      run: () => {
        const i = focused();
        if (!i) return;
        const on = !store.details.subscriptions.get(i.id)?.subscribed;
        void store.details.setSubscribed(i.id, on).then(() => ui.toast(on ? `Subscribed to ${i.identifier}` : `Unsubscribed from ${i.identifier}`));
      },
    },
    { id: 'issue.copyId', title: 'Copy issue ID', group: 'Copy', keys: ['mod+.'], isEnabled: has, run: copy('ID', () => focused()?.identifier ?? null) },
    {
      id: 'issue.copyBranch',
      title: 'Copy git branch name',
      group: 'Copy',
      keys: ['mod+shift+.'],
      keywords: ['git'],
      isEnabled: has,
      run: copy('branch name', () => {
        const i = focused();
        return i ? branchName(i.identifier, i.title) : null;
      }),
    },
    {
      id: 'issue.copyUrl',
      title: 'Copy issue URL',
      group: 'Copy',
      keys: ['mod+shift+,'],
      keywords: ['link'],
      isEnabled: () => has() && !!store.workspace,
      run: copy('URL', () => {
        const i = focused();
        return i && store.workspace ? `${window.location.origin}${paths.issue(store.workspace.urlSlug, i.identifier)}` : null;
      }),
    },
    {
      id: 'edit.undo',
      title: 'Undo the last change',
      group: 'General',
      keys: ['mod+z'],
      isEnabled: () => store.undo.size > 0,
      run: () => void store.issueActions.undoLast(),
    },
    { id: 'search.open', title: 'Search', group: 'General', keys: ['/'], keywords: ['find'], run: () => ui.setPalette(true) },
  ];
}
