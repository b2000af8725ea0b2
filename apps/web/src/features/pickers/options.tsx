/** Picker options for issue properties, built from the store. */
import { PRIORITIES, type Issue, type Label } from '../../api/types.ts';
import type { RootStore } from '../../store/root.ts';
import { Avatar, PRIORITY_LABELS, PriorityIcon, StateIcon } from '../../ui/icons.tsx';
import type { ListOption } from './ListDialog.tsx';

/** Sentinel id of the "No assignee" / "No estimate" / "No parent" options. */
export const NO_ASSIGNEE = '__none__';
/** Sentinel id of the "none" choice of optional properties. */
export const NONE = NO_ASSIGNEE;

/** A team's workflow states, in workflow order, with digits 1–9. */
export function stateOptions(store: RootStore, teamId: string): ListOption[] {
  return store.statesOf(teamId).map((s, i) => ({
    id: s.id,
    label: s.name,
    icon: <StateIcon category={s.category} color={s.color} />,
    keywords: [s.category],
    shortcut: i < 9 ? String(i + 1) : undefined,
  }));
}

/** The five priorities in Linear's menu order (no priority first), with digits 0–4. */
export function priorityOptions(): ListOption[] {
  const order = ['none', 'urgent', 'high', 'medium', 'low'] as const;
  return order.map((p) => ({
    id: p,
    label: PRIORITY_LABELS[p],
    icon: <PriorityIcon priority={p} />,
    shortcut: String(PRIORITIES.indexOf(p)),
  }));
}

/** "No assignee", the current user, then everyone else by name. */
export function assigneeOptions(store: RootStore): ListOption[] {
  const me = store.userId;
  const people = store.users
    .all()
    .filter((u) => u.name || u.email)
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

/** A coloured dot for a label. */
export function LabelDot({ color, size = 8 }: { color: string; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 8 8" aria-hidden className="shrink-0">
      <circle cx="4" cy="4" r="4" fill={color} />
    </svg>
  );
}

/** Labels applicable in a team: the workspace's and the team's, groups left out, "Group › Label" names. */
export function applicableLabels(store: RootStore, teamId: string): Label[] {
  return store.labels
    .all()
    .filter((l) => !l.isGroup && !l.archivedAt && (l.teamId === null || l.teamId === teamId))
    .sort((a, b) => labelName(store, a).localeCompare(labelName(store, b)));
}

/** A label's display name, with its group (`Type › Bug`). */
export function labelName(store: RootStore, l: Label): string {
  const group = l.parentId ? store.labels.get(l.parentId) : undefined;
  return group ? `${group.name} › ${l.name}` : l.name;
}

/** Label options of a team; names repeated across scopes get the team key so each is distinct. */
export function labelOptions(store: RootStore, teamId: string): ListOption[] {
  const labels = applicableLabels(store, teamId);
  const seen = new Map<string, number>();
  for (const l of labels) seen.set(labelName(store, l), (seen.get(labelName(store, l)) ?? 0) + 1);
  return labels.map((l) => {
    const name = labelName(store, l);
    const scope = l.teamId ? store.teams.get(l.teamId)?.key : 'workspace';
    return { id: l.id, label: (seen.get(name) ?? 0) > 1 ? `${name} (${scope})` : name, icon: <LabelDot color={l.color} /> };
  });
}

/** Estimate points offered (Linear's exponential scale plus 0). */
export const ESTIMATES = [0, 1, 2, 3, 5, 8, 13, 21] as const;

/** "No estimate" and the usual points. */
export function estimateOptions(): ListOption[] {
  return [
    { id: NONE, label: 'No estimate', keywords: ['none', 'clear'] },
    ...ESTIMATES.map((n) => ({ id: String(n), label: `${n} ${n === 1 ? 'point' : 'points'}`, keywords: [String(n)] })),
  ];
}

/**
 * Parses a typed estimate: a number 0..1000 with at most two decimals (the server's bound).
 * @returns the number, or null when the text is not one
 */
export function parseEstimate(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 1000 ? n : null;
}

/** Issues matching a query (identifier or title words), excluding `exclude`, best first, at most `limit`. */
export function issueOptions(store: RootStore, query: string, exclude: ReadonlySet<string>, limit = 30): ListOption[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const out: Issue[] = [];
  for (const i of store.issues.rows.values()) {
    if (exclude.has(i.id) || i.archivedAt) continue;
    const hay = `${i.identifier} ${i.title}`.toLowerCase();
    if (words.every((w) => hay.includes(w))) out.push(i);
  }
  out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return out.slice(0, limit).map((i) => {
    const s = store.states.get(i.stateId);
    return {
      id: i.id,
      label: `${i.identifier} ${i.title}`,
      icon: s ? <StateIcon category={s.category} color={s.color} /> : undefined,
    };
  });
}
