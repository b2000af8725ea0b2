/** Picker options for issue properties, built from the store. */
import { PRIORITIES } from '../../api/types.ts';
import type { RootStore } from '../../store/root.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import type { PickerOption } from '../../ui/PickerDialog.tsx';

/** Sentinel id of the "No assignee" option. */
export const NO_ASSIGNEE = '__none__';

/** A team's workflow states, in workflow order. */
export function stateOptions(store: RootStore, teamId: string): PickerOption[] {
  return store.statesOf(teamId).map((s, i) => ({
    id: s.id,
    label: s.name,
    icon: <StateIcon category={s.category} color={s.color} />,
    keywords: [s.category],
    shortcut: i < 9 ? String(i + 1) : undefined,
  }));
}

/** The five priorities in Linear's menu order (no priority first), with digits 0–4. */
export function priorityOptions(): PickerOption[] {
  const order = ['none', 'urgent', 'high', 'medium', 'low'] as const;
  return order.map((p) => ({
    id: p,
    label: PRIORITY_LABELS[p],
    icon: <PriorityIcon priority={p} />,
    shortcut: String(PRIORITIES.indexOf(p)),
  }));
}

/** "No assignee", the current user, then everyone else by name. */
export function assigneeOptions(store: RootStore): PickerOption[] {
  const me = store.userId;
  const people = store.users
    .all()
    .sort((a, b) => (a.id === me ? -1 : b.id === me ? 1 : (a.name || a.email).localeCompare(b.name || b.email)));
  return [
    { id: NO_ASSIGNEE, label: 'No assignee', icon: <Avatar name={null} size={18} />, keywords: ['unassigned', 'none'] },
    ...people.map((u) => ({
      id: u.id,
      label: u.id === me ? `${u.name || u.email} (you)` : u.name || u.email,
      icon: <Avatar name={u.name || u.email} size={18} />,
      keywords: [u.email, ...(u.id === me ? ['me'] : [])],
    })),
  ];
}
