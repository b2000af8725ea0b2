/** Calendar dates (`YYYY-MM-DD`, local time) for due dates: presets, parsing and display. */

/** `d` as `YYYY-MM-DD` in local time. */
export function toDateOnly(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** `YYYY-MM-DD` as a local Date at midnight, or null when it is not a real calendar date. */
export function fromDateOnly(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return toDateOnly(d) === s ? d : null;
}

/** `today` plus `days` days. */
export function addDays(today: Date, days: number): Date {
  return new Date(today.getFullYear(), today.getMonth(), today.getDate() + days);
}

/** Due-date presets from `today`: today, tomorrow, end of the week (the coming Friday, today on a Friday), in one and two weeks. */
export function duePresets(today: Date): { label: string; date: string }[] {
  const friday = (5 - today.getDay() + 7) % 7;
  return [
    { label: 'Today', date: toDateOnly(today) },
    { label: 'Tomorrow', date: toDateOnly(addDays(today, 1)) },
    { label: 'End of this week', date: toDateOnly(addDays(today, friday)) },
    { label: 'In one week', date: toDateOnly(addDays(today, 7)) },
    { label: 'In two weeks', date: toDateOnly(addDays(today, 14)) },
  ];
}

/**
 * Reads a typed date: `YYYY-MM-DD`, `3d` / `2w` (from today), or `today` / `tomorrow`.
 * @returns `YYYY-MM-DD`, or null when the text is none of these
 */
export function parseTypedDate(text: string, today: Date): string | null {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  if (t === 'today') return toDateOnly(today);
  if (t === 'tomorrow') return toDateOnly(addDays(today, 1));
  const rel = /^(\d{1,3})\s*(d|days?|w|weeks?)$/.exec(t);
  if (rel) return toDateOnly(addDays(today, Number(rel[1]) * (rel[2]!.startsWith('w') ? 7 : 1)));
  return fromDateOnly(t) ? t : null;
}

const long = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
const short = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A due date for display: "Dec 24" this year, "Tue, Dec 24, 2027" otherwise (`long` always long). */
export function formatDue(s: string, today = new Date(), forceLong = false): string {
  const d = fromDateOnly(s);
  if (!d) return s;
  return !forceLong && d.getFullYear() === today.getFullYear() ? short.format(d) : long.format(d);
}

/** Linear's due-date colours: overdue, due within a week, or later. */
export function dueTone(s: string, today = new Date()): 'overdue' | 'soon' | 'later' {
  const d = fromDateOnly(s);
  if (!d) return 'later';
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const days = Math.round((d.getTime() - start.getTime()) / 86_400_000);
  return days < 0 ? 'overdue' : days <= 7 ? 'soon' : 'later';
}
