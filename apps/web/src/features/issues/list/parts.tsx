/** Small pieces shared by list rows, board cards and group headers: group icons, label chips, due dates. */
import type { Issue, Label } from '../../../api/types.ts';
import { Avatar, PriorityIcon, StateIcon } from '../../../ui/icons.tsx';
import type { GroupIcon } from './groups.ts';

/** The icon of a group header or column. */
export function GroupIconView({ icon }: { icon: GroupIcon }) {
  switch (icon.type) {
    case 'state':
      return <StateIcon category={icon.category} color={icon.color} />;
    case 'priority':
      return <PriorityIcon priority={icon.priority} />;
    case 'user':
      return <Avatar name={icon.name} size={16} />;
    case 'label':
      return <span aria-hidden className="inline-block h-2.5 w-2.5 shrink-0 rounded-full border border-line" style={{ background: icon.color }} />;
    case 'team':
      return (
        <span aria-hidden className="inline-flex h-4 w-4 shrink-0 items-center justify-center rounded bg-subtle text-[9px] font-semibold text-muted">
          {icon.key[0]}
        </span>
      );
    case 'none':
      return null;
  }
}

/** Label chips (coloured dot and name), at most `max` then "+n". */
export function LabelChips({ labels, max = 3 }: { labels: Label[]; max?: number }) {
  if (!labels.length) return null;
  const shown = labels.slice(0, max);
  return (
    <span className="flex min-w-0 shrink items-center gap-1 overflow-hidden">
      {shown.map((l) => (
        <span key={l.id} className="inline-flex h-5 max-w-[120px] shrink-0 items-center gap-1 rounded-full border border-line px-1.5 text-xs text-muted">
          <span aria-hidden className="h-2 w-2 shrink-0 rounded-full" style={{ background: l.color }} />
          <span className="truncate">{l.name}</span>
        </span>
      ))}
      {labels.length > max && <span className="text-xs text-faint">+{labels.length - max}</span>}
    </span>
  );
}

const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Today as `YYYY-MM-DD` in local time. */
export function todayIso(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** `YYYY-MM-DD` `days` after today. */
export function isoInDays(days: number, now = new Date()): string {
  const d = new Date(now);
  d.setDate(d.getDate() + days);
  return todayIso(d);
}

/**
 * A due date: red when overdue, orange within a week, grey otherwise (Linear's due-date icon,
 * linear-ux.md §3). Completed and canceled issues are never overdue.
 */
export function DueDate({ issue, done }: { issue: Pick<Issue, 'dueDate'>; done: boolean }) {
  if (!issue.dueDate) return null;
  const today = todayIso();
  const tone = done ? 'text-faint' : issue.dueDate < today ? 'text-danger' : issue.dueDate <= isoInDays(7) ? 'text-[#e07b22]' : 'text-muted';
  const [y, m, d] = issue.dueDate.split('-').map(Number);
  return (
    <span className={`inline-flex shrink-0 items-center gap-1 text-sm tabular-nums ${tone}`} title={`Due ${issue.dueDate}`}>
      <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden>
        <rect x="1.5" y="2.5" width="9" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.2" />
        <path d="M1.5 5h9M4 1.5v2M8 1.5v2" stroke="currentColor" strokeWidth="1.2" strokeLinecap="round" />
      </svg>
      {dayFmt.format(new Date(y!, m! - 1, d!))}
    </span>
  );
}

/** Short date of an ISO timestamp ("Mar 4"). */
export function shortDate(iso: string): string {
  return dayFmt.format(new Date(iso));
}
