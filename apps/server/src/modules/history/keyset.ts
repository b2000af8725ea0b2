/**
 * Keyset pagination on `(created_at, id)`, shared by the issue collaboration lists (comments,
 * relations, subscribers, history). The cursor carries the row's timestamp as PostgreSQL prints
 * it with microseconds, so rows written with `now()` (µs) paginate as exactly as rows written
 * with the server clock (ms): no row is skipped or repeated at a page boundary.
 */
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { createCursorCodec } from '../../lib/cursor.ts';
import { badRequest } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';

/** A decoded position: the last row of the previous page. */
export interface KeysetPosition {
  /** ISO 8601 timestamp with microseconds, in UTC. */
  ts: string;
  id: string;
}

/** Encodes and decodes signed `(created_at, id)` cursors. */
export interface KeysetCodec {
  encode(pos: KeysetPosition): string;
  /** @throws AppError 400 `invalid_cursor` for a tampered, foreign or malformed cursor */
  decode(cursor: string | undefined): KeysetPosition | null;
}

const ISO_US = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A codec signed with the session secret (and verified with the previous one during rotation). */
export function createKeyset(config: Pick<Config, 'sessionSecret' | 'sessionSecretPrevious'>): KeysetCodec {
  const codec = createCursorCodec([config.sessionSecret, ...(config.sessionSecretPrevious ? [config.sessionSecretPrevious] : [])]);
  return {
    encode: (pos) => codec.encode(['k1', pos.ts, pos.id]),
    decode(cursor) {
      if (cursor === undefined) return null;
      const v = codec.decode(cursor);
      const [tag, ts, id] = v;
      if (v.length !== 3 || tag !== 'k1' || typeof ts !== 'string' || !ISO_US.test(ts) || typeof id !== 'string' || !isUuid(id)) {
        throw badRequest('invalid_cursor', 'The cursor is invalid; start again without it', '/query/cursor');
      }
      return { ts, id };
    },
  };
}

/** `created_at` printed in UTC with microseconds, to select next to a row for its cursor. */
export function tsText(col: SQLWrapper): SQL<string> {
  return sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * The condition "strictly after `pos`" in the list's order.
 * @param dir `asc` for oldest first, `desc` for newest first
 */
export function afterPosition(createdAt: SQLWrapper, id: SQLWrapper, pos: KeysetPosition, dir: 'asc' | 'desc'): SQL {
  return dir === 'asc'
    ? sql`(${createdAt}, ${id}) > (${pos.ts}::timestamptz, ${pos.id}::uuid)`
    : sql`(${createdAt}, ${id}) < (${pos.ts}::timestamptz, ${pos.id}::uuid)`;
}

/**
 * Cuts a page fetched with `limit + 1` rows and computes its next cursor.
 * @param position how to read a row's keyset position
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  codec: KeysetCodec,
  position: (row: R) => KeysetPosition,
  present: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map(present), nextCursor: rows.length > limit && last ? codec.encode(position(last)) : null };
}
