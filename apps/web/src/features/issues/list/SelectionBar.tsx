/**
 * The bulk-edit bar shown while issues are selected (Linear's multi-select toolbar): status,
 * priority, assignee and labels for every selected issue in one `POST /issues/bulk` per 200
 * issues. S, P, A and L open the same pickers while there is a selection; Esc clears it.
 */
import { observer } from 'mobx-react-lite';
import type { Issue, Priority } from '../../../api/types.ts';
import { useCommands } from '../../../commands/useCommands.ts';
import { useStore } from '../../../store/context.tsx';
import type { RootStore } from '../../../store/root.ts';
import { type BulkKind, listActions } from '../../../store/viewsSelection.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../../ui/icons.tsx';
import { Kbd } from '../../../ui/Kbd.tsx';
import { type PickerOption, PickerDialog } from '../../../ui/PickerDialog.tsx';
import { LabelListDialog } from '../../pickers/LabelPicker.tsx';

const NONE = '__none__';

function options(store: RootStore, kind: Exclude<BulkKind, 'labels'>, issues: Issue[]): PickerOption[] {
  switch (kind) {
    case 'state': {
      const teamId = issues[0]?.teamId;
      return teamId ? store.statesOf(teamId).map((s, i) => ({ id: s.id, label: s.name, icon: <StateIcon category={s.category} color={s.color} />, keywords: [s.category], shortcut: i < 9 ? String(i + 1) : undefined })) : [];
    }
    case 'priority':
      return (['none', 'urgent', 'high', 'medium', 'low'] as const).map((p, i) => ({ id: p, label: PRIORITY_LABELS[p], icon: <PriorityIcon priority={p} />, shortcut: String(i) }));
    case 'assignee': {
      const me = store.userId;
      const people = store.users.all().sort((a, b) => (a.id === me ? -1 : b.id === me ? 1 : (a.name || a.email).localeCompare(b.name || b.email)));
      return [
        { id: NONE, label: 'No assignee', icon: <Avatar name={null} size={18} />, keywords: ['unassigned'] },
        ...people.map((u) => ({ id: u.id, label: u.id === me ? `${u.name || u.email} (you)` : u.name || u.email, icon: <Avatar name={u.name || u.email} size={18} />, keywords: u.email ? [u.email] : [] })),
      ];
    }
  }
}

const TITLES: Record<BulkKind, string> = { state: 'Change status', priority: 'Set priority', assignee: 'Assign to', labels: 'Labels' };

/** The bar and its pickers (renders nothing without a selection). */
export const SelectionBar = observer(function SelectionBar({ shown }: { shown: readonly Issue[] }) {
  const store = useStore();
  const actions = listActions(store);
  const { selection } = actions;
  useCommands(() => {
    const any = () => selection.size > 0;
    return [
      { id: 'bulk.state', title: 'Change status of selected issues', group: 'Selection', keys: ['s'], isEnabled: any, run: () => actions.openBulk('state') },
      { id: 'bulk.priority', title: 'Set priority of selected issues', group: 'Selection', keys: ['p'], isEnabled: any, run: () => actions.openBulk('priority') },
      { id: 'bulk.assignee', title: 'Assign selected issues', group: 'Selection', keys: ['a'], isEnabled: any, run: () => actions.openBulk('assignee') },
      { id: 'bulk.labels', title: 'Label selected issues', group: 'Selection', keys: ['l'], isEnabled: any, run: () => actions.openBulk('labels') },
    ];
  }, [store]);
  if (!selection.size && !actions.bulkPicker) return null;
  const ids = selection.ordered(shown.map((i) => i.id));
  const issues = ids.map((id) => store.issues.get(id)).filter((i): i is Issue => !!i);
  const kind = actions.bulkPicker;
  const apply = (k: BulkKind, id: string) => {
    if (k === 'state') {
      // A state belongs to one team: the other teams' issues keep theirs.
      const team = issues[0]?.teamId;
      const same = issues.filter((i) => i.teamId === team).map((i) => i.id);
      if (same.length < issues.length) store.ui.toast(`Status changed only for the ${same.length} issues of the first issue’s team`);
      void actions.bulkUpdate(same, { stateId: id });
    } else if (k === 'priority') void actions.bulkUpdate(ids, { priority: id as Priority });
    else if (k === 'assignee') void actions.bulkUpdate(ids, { assigneeId: id === NONE ? null : id });
    else {
      // Read now, not from this render: the picker stays open across toggles.
      const all = ids.every((i) => store.issues.get(i)?.labelIds.includes(id) ?? true);
      void actions.bulkUpdate(ids, all ? { removedLabelIds: [id] } : { addedLabelIds: [id] });
    }
  };
  const teams = new Set(issues.map((i) => i.teamId));
  // One team: its labels and the workspace's; several: the workspace's only ('' is no team).
  const labelTeam = teams.size === 1 ? issues[0]!.teamId : '';
  // How many of the selected issues carry each label: all (checked) or some (a dash).
  const labelCounts = new Map<string, number>();
  for (const i of issues) for (const l of i.labelIds) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
  const onAll = [...labelCounts].filter(([, n]) => n === issues.length).map(([l]) => l);
  const onSome = [...labelCounts].filter(([, n]) => n < issues.length).map(([l]) => l);
  if (!issues.length) return null;
  const button = (k: BulkKind, label: string, key: string) => (
    <button type="button" onClick={() => actions.openBulk(k)} className="inline-flex h-7 items-center gap-1.5 rounded-md px-2 text-sm hover:bg-hover" data-testid={`bulk-${k}`}>
      {label} <Kbd keys={[key]} />
    </button>
  );
  return (
    <>
      <div className="pointer-events-none absolute inset-x-0 bottom-5 z-30 flex justify-center">
        <div role="toolbar" aria-label="Selected issues" data-testid="selection-bar" className="pointer-events-auto flex items-center gap-1 rounded-lg border border-line bg-elevated px-2 py-1.5 shadow-overlay">
          <span className="px-2 text-sm font-medium tabular-nums" data-testid="selection-count">
            {issues.length} selected
          </span>
          <span className="mx-1 h-4 w-px bg-line" />
          {button('state', 'Status', 's')}
          {button('priority', 'Priority', 'p')}
          {button('assignee', 'Assignee', 'a')}
          {button('labels', 'Labels', 'l')}
          <span className="mx-1 h-4 w-px bg-line" />
          <button type="button" onClick={() => selection.clear()} className="inline-flex h-7 items-center gap-1.5 rounded-md px-2 text-sm text-muted hover:bg-hover hover:text-fg">
            Clear <Kbd keys={['escape']} />
          </button>
        </div>
      </div>
      {kind === 'labels' && (
        <LabelListDialog
          title={TITLES.labels}
          placeholder="Add or remove labels…"
          context={`${issues.length} issue${issues.length === 1 ? '' : 's'}`}
          teamId={labelTeam}
          selected={onAll}
          partial={onSome}
          onClose={() => actions.closeBulk()}
          onSelect={(id) => apply('labels', id)}
        />
      )}
      {kind && kind !== 'labels' && (
        <PickerDialog
          title={TITLES[kind]}
          placeholder={`${TITLES[kind]}…`}
          context={`${issues.length} issue${issues.length === 1 ? '' : 's'}`}
          options={options(store, kind, issues)}
          onClose={() => actions.closeBulk()}
          onSelect={(id) => apply(kind, id)}
        />
      )}
    </>
  );
});
