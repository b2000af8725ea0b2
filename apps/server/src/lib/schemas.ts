/**
 * TypeBox building blocks shared by route schemas: bounded strings, ids, timestamps, the problem
 * document and list envelopes. Inputs are bounded; outputs are chosen by response schemas.
 */
import { Type, type TSchema } from 'typebox';

/** A UUID. */
export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
/** An ISO 8601 timestamp as sent to clients. */
export const Timestamp = Type.String({ format: 'date-time' });
/** `schema` or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A required human text: 1..max code points after trimming (the pattern refuses whitespace-only).
 * @param max maximum length in Unicode code points
 */
export const Text = (max: number, opts: Record<string, unknown> = {}) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '\\S', ...opts });

/** Colour as `#rrggbb`. */
export const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', maxLength: 7 });

/** RFC 9457 problem document, as every error response. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem' },
);

/** Error responses every authenticated route may give. */
export const errorResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
  429: ProblemSchema,
};

/** Query of every list: `limit` (1..100, default 50) and an opaque `cursor`. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

/** `{ data: T[], nextCursor }` list envelope. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

/** `{ data: T[] }` for short, complete lists (no pagination needed: bounded by nature). */
export const ListOf = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item) });

/** Converts a Date (or null) to an ISO string (or null) for presenters. */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

/** PostgreSQL's text of a `timestamptz` in UTC, years 1000–9999: `2026-11-29 14:08:29.010123+00`. */
const PG_UTC_TIMESTAMP = /^[1-9]\d{3}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.(\d{1,6}))?\+00$/;

/**
 * A `timestamptz` as PostgreSQL prints it (ISO DateStyle) to the ISO string a presenter gives for
 * the same value (`iso(new Date(text))`: milliseconds, truncated, `Z`). The common case (a UTC
 * session, years 1000–9999) is rewritten as text without making a Date; anything else goes
 * through `Date` exactly as the ORM reads timestamps.
 * @param text the column's text, e.g. `2026-11-29 14:08:29.010123+00`
 * @returns e.g. `2026-11-29T14:08:29.010Z`
 * @throws RangeError for text that is not a timestamp
 */
export function isoFromPg(text: string): string {
  const m = PG_UTC_TIMESTAMP.exec(text);
  if (!m) return new Date(text).toISOString();
  const frac = m[1];
  const ms = frac === undefined ? '000' : frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0');
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${ms}Z`;
}
