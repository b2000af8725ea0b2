/**
 * Dates as trackers write them. Everything becomes a UTC `Date`; a date written without a time
 * zone (Jira CSV) is read as UTC, which docs/IMPORT.md states.
 * - Jira CSV: `22/Dec/25 2:38 PM` (Cloud), `22/Mar/14 07:59` (Server, 24-hour), localised month
 *   abbreviations (`10/nov/25`, `03/dic/25`, `févr.`, `Mär`), and Excel's re-save `9/12/22`
 *   (month first, as US Excel writes it; day first when some value's first part is over 12);
 * - ISO 8601 (`2016-02-03T23:55:46.000+0000`, `2023-08-19T22:15:25Z`), RFC 822
 *   (`Tue, 25 Nov 2025 08:46:57 +0300`) and JavaScript's `Date.toString()` (Linear CSV).
 */

const MONTHS: Record<string, number> = {};
const NAMES: Array<[number, string[]]> = [
  [0, ['jan', 'ene', 'janv', 'gen', 'sty', 'янв']],
  [1, ['feb', 'fev', 'févr', 'fevr', 'feb', 'lut', 'фев']],
  [2, ['mar', 'mär', 'mars', 'marz', 'мар']],
  [3, ['apr', 'abr', 'avr', 'kwi', 'апр']],
  [4, ['may', 'mai', 'mag', 'maj', 'мая', 'май']],
  [5, ['jun', 'juin', 'giu', 'cze', 'июн']],
  [6, ['jul', 'juil', 'lug', 'lip', 'июл']],
  [7, ['aug', 'ago', 'août', 'aout', 'sie', 'авг']],
  [8, ['sep', 'sept', 'set', 'wrz', 'сен']],
  [9, ['oct', 'okt', 'out', 'ott', 'paź', 'окт']],
  [10, ['nov', 'lis', 'ноя']],
  [11, ['dec', 'dic', 'dez', 'déc', 'dic', 'gru', 'дек']],
];
for (const [m, names] of NAMES) for (const n of names) MONTHS[n] = m;

function twoDigitYear(y: number): number {
  return y < 100 ? (y < 70 ? 2000 + y : 1900 + y) : y;
}

function build(y: number, m: number, d: number, hh: number, mm: number, ss = 0): Date | null {
  if (m < 0 || m > 11 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 59) return null;
  const t = Date.UTC(y, m, d, hh, mm, ss);
  const out = new Date(t);
  return out.getUTCDate() === d ? out : null;
}

function clock(time: string | undefined, ampm: string | undefined): [number, number, number] | null {
  if (!time) return [0, 0, 0];
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!m) return null;
  let h = Number(m[1]);
  const a = ampm?.toLowerCase().replace(/\./g, '');
  if (a === 'pm' && h < 12) h += 12;
  if (a === 'am' && h === 12) h = 0;
  return [h, Number(m[2]), Number(m[3] ?? 0)];
}

/**
 * Reads a Jira CSV date (see the module comment), falling back to {@link parseDate}.
 * @param dayFirst for numeric `a/b/yy` dates: true when the file writes the day first
 * @returns the date, or null when it is not a date
 */
export function parseJiraDate(raw: string, dayFirst = false): Date | null {
  const s = raw.trim();
  if (!s) return null;
  const named = /^(\d{1,2})[/\-. ]([^\d\s/.-]+)\.?[/\-. ](\d{2,4})(?:[ T]+(\d{1,2}:\d{2}(?::\d{2})?))?\s*([AaPp]\.?\s?[Mm]\.?)?$/.exec(s);
  if (named) {
    const month = MONTHS[named[2]!.toLowerCase().replace(/\.$/, '')];
    const c = clock(named[4], named[5]?.replace(/\s/g, ''));
    if (month === undefined || !c) return null;
    return build(twoDigitYear(Number(named[3])), month, Number(named[1]), ...c);
  }
  const numeric = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})(?:\s+(\d{1,2}:\d{2}(?::\d{2})?))?\s*([AaPp][Mm])?$/.exec(s);
  if (numeric) {
    const a = Number(numeric[1]);
    const b = Number(numeric[2]);
    const c = clock(numeric[4], numeric[5]);
    if (!c) return null;
    const [day, month] = dayFirst ? [a, b] : [b, a];
    return build(twoDigitYear(Number(numeric[3])), month - 1, day, ...c);
  }
  return parseDate(s);
}

/** True when numeric `a/b/yy` dates among `values` must be day-first (some first part is over 12). */
export function numericDatesAreDayFirst(values: Iterable<string>): boolean {
  for (const v of values) {
    const m = /^(\d{1,2})\/(\d{1,2})\/\d{2,4}/.exec(v.trim());
    if (m && Number(m[1]) > 12) return true;
  }
  return false;
}

/**
 * True when `s` starts with a `YYYY-MM-DD` day that exists and that PostgreSQL's `date` can store:
 * month 01–12, a day of that month (leap years included), a year from 0001 (PostgreSQL has no
 * year 0). JavaScript's `Date.parse` rolls `2026-02-30` over into March instead of refusing it.
 */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
}

/**
 * Reads ISO 8601, RFC 822 and `Date.toString()` dates (Jira's `+0000` offsets included).
 * @returns the date, or null when `raw` is empty or not a date (an ISO day that does not exist,
 *   such as `2026-02-30`, is not a date)
 */
export function parseDate(raw: string | null | undefined): Date | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw).trim();
  if (!s) return null;
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && !isCalendarDate(s)) return null;
  // `2016-02-03T23:55:46.000+0000` → `+00:00`, which every engine reads.
  const iso = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso : s.replace(/\s*\([^)]*\)\s*$/, ''));
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  return y < 1970 || y > 9999 ? null : d;
}

/** `YYYY-MM-DD` of a date (UTC), or of an ISO date string's date part. */
export function dateOnly(d: Date | string | null | undefined): string | null {
  if (!d) return null;
  if (typeof d === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(d.trim());
    if (m) return isCalendarDate(m[1]!) ? m[1]! : null;
    const p = parseDate(d);
    return p ? p.toISOString().slice(0, 10) : null;
  }
  return d.toISOString().slice(0, 10);
}
