/**
 * The fields the filter bar offers (Linear's filter menu: status, assignee, creator, priority,
 * labels, due date) and their values, built from the local store. Status filters a team's
 * workflow states on a team screen and state categories across teams.
 */
import type { FilterCondition, FilterField } from '@exponential/domain';
import type { ReactNode } from 'react';
import type { StateCategory } from '../../api/types.ts';
import type { RootStore } from '../../store/root.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import { CATEGORY_GROUPS } from '../issues/list/groups.ts';
import { isoInDays, todayIso } from '../issues/list/parts.tsx';
import { EMPTY_VALUE } from './tree.ts';

export { EMPTY_VALUE };


/** One choice of a field's value list. */
export interface ValueOption {
  id: string;
  label: string;
  icon?: ReactNode;
  keywords?: string[];
}

/** A field of the filter menu. */
export interface FieldDef {
  /** Menu name ("Status"). */
  name: string;
  field: FilterField;
  icon: ReactNode;
  /** Values to pick from; `dueDate` uses presets instead. */
  options(store: RootStore, teamId: string | undefined): ValueOption[];
}

const dot = (color: string) => <span aria-hidden className="inline-block h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: color }} />;

const people = (store: RootStore, withEmpty: boolean): ValueOption[] => {
  const me = store.userId;
  const users = store.users
    .all()
    .sort((a, b) => (a.id === me ? -1 : b.id === me ? 1 : (a.name || a.email).localeCompare(b.name || b.email)));
  return [
    { id: 'me', label: 'Me', icon: <Avatar name={store.me?.user.name || store.me?.user.email || 'Me'} size={16} />, keywords: ['myself', 'current user'] },
    ...(withEmpty ? [{ id: EMPTY_VALUE, label: 'No assignee', icon: <Avatar name={null} size={16} />, keywords: ['unassigned', 'none'] }] : []),
    ...users.filter((u) => u.id !== me).map((u) => ({ id: u.id, label: u.name || u.email, icon: <Avatar name={u.name || u.email} size={16} />, keywords: u.email ? [u.email] : [] })),
  ];
};

/** The filter menu's fields, in Linear's order. */
export function fieldDefs(teamId: string | undefined): FieldDef[] {
  return [
    {
      name: 'Status',
      field: teamId ? 'state' : 'stateCategory',
      icon: <StateIcon category="started" color="currentColor" />,
      options: (store, team) =>
        team
          ? store.statesOf(team).map((s) => ({ id: s.id, label: s.name, icon: <StateIcon category={s.category} color={s.color} />, keywords: [s.category] }))
          : CATEGORY_GROUPS.map((c) => ({ id: c.category, label: c.title, icon: <StateIcon category={c.category} color={c.color} /> })),
    },
    { name: 'Assignee', field: 'assignee', icon: <Avatar name="A" size={14} />, options: (store) => people(store, true) },
    { name: 'Creator', field: 'creator', icon: <Avatar name="C" size={14} />, options: (store) => people(store, false) },
    {
      name: 'Priority',
      field: 'priority',
      icon: <PriorityIcon priority="high" />,
      options: () => (['urgent', 'high', 'medium', 'low', 'none'] as const).map((p) => ({ id: p, label: PRIORITY_LABELS[p], icon: <PriorityIcon priority={p} /> })),
    },
    {
      name: 'Label',
      field: 'label',
      icon: dot('#8b8fa3'),
      options: (store, team) => [
        { id: EMPTY_VALUE, label: 'No label', icon: dot('transparent'), keywords: ['none'] },
        ...store.labels
          .all()
          .filter((l) => !l.isGroup && !l.archivedAt && (!team || !l.teamId || l.teamId === team))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((l) => ({ id: l.id, label: l.name, icon: dot(l.color) })),
      ],
    },
    { name: 'Due date', field: 'dueDate', icon: <CalendarGlyph />, options: () => [] },
  ];
}

function CalendarGlyph() {
  return (
    <svg width="14" height="14" viewBox="0 0 12 12" aria-hidden className="shrink-0">
      <rect x="1.5" y="2.5" width="9" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.2" />
      <path d="M1.5 5h9M4 1.5v2M8 1.5v2" stroke="currentColor" strokeWidth="1.2" strokeLinecap="round" />
    </svg>
  );
}

/** A due-date preset of the menu. */
export interface DuePreset {
  id: string;
  label: string;
  condition(): FilterCondition;
}

/** Linear's due-date presets (as absolute dates: the filter language has no relative dates). */
export const DUE_PRESETS: DuePreset[] = [
  { id: 'overdue', label: 'Overdue', condition: () => ({ field: 'dueDate', op: 'before', value: todayIso() }) },
  { id: 'week', label: 'Due within a week', condition: () => ({ field: 'dueDate', op: 'before', value: isoInDays(8) }) },
  { id: 'month', label: 'Due within a month', condition: () => ({ field: 'dueDate', op: 'before', value: isoInDays(31) }) },
  { id: 'set', label: 'Has a due date', condition: () => ({ field: 'dueDate', op: 'isNotEmpty' }) },
  { id: 'none', label: 'No due date', condition: () => ({ field: 'dueDate', op: 'isEmpty' }) },
];

/** The field definition of a condition's field (stateCategory shares Status). */
export function defOf(field: FilterField, teamId: string | undefined): FieldDef | undefined {
  // A saved view may use `state` on a cross-team screen (or the reverse): still name it Status.
  return fieldDefs(teamId).find((d) => d.field === field) ?? fieldDefs(field === 'state' ? 'any-team' : undefined).find((d) => d.field === field);
}

/** A readable name of one value of a field. */
export function valueLabel(store: RootStore, field: FilterField, value: string): string {
  if (value === EMPTY_VALUE) return 'none';
  switch (field) {
    case 'state':
      return store.states.get(value)?.name ?? 'Unknown status';
    case 'stateCategory':
      return CATEGORY_GROUPS.find((c) => c.category === (value as StateCategory))?.title ?? value;
    case 'assignee':
    case 'creator': {
      if (value === 'me') return 'Me';
      const u = store.users.get(value);
      return u ? u.name || u.email : 'Unknown person';
    }
    case 'priority':
      return PRIORITY_LABELS[value as keyof typeof PRIORITY_LABELS] ?? value;
    case 'label':
      return store.labels.get(value)?.name ?? 'Unknown label';
    case 'team':
      return store.teams.get(value)?.name ?? 'Unknown team';
    default:
      return value;
  }
}
