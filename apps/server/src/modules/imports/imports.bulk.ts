/**
 * Bulk writes of an import, inside the import's own transaction, in batches of rows per statement,
 * with a turn of the event loop between batches (imports.slicer.ts): PGlite takes
 * `COPY … FROM '/dev/blob'` (text format), PostgreSQL an `INSERT … SELECT * FROM unnest(…)` with one
 * array parameter per column. Both check constraints, fire triggers and update indexes as a plain
 * INSERT does, and are rolled back with the transaction. With any other client, or for a table that
 * needs `ON CONFLICT`, callers use multi-row INSERTs instead.
 */
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '@exponential/db';
import type { Slicer } from './imports.slicer.ts';

/** Rows per statement on PostgreSQL (a separate process: the event loop is free meanwhile). */
export const COPY_BATCH = 2000;
/**
 * PGlite runs each statement synchronously on the event loop, so its batches adapt to keep one
 * statement near this long (ms): halved after a statement twice as long, doubled after one half as
 * long, between {@link PGLITE_MIN_ROWS} and {@link COPY_BATCH} rows (a statement also has a fixed
 * cost, so very small batches would make the import much slower).
 */
export const PGLITE_STATEMENT_MS = 60;
/** Smallest and first PGlite batch (rows). */
export const PGLITE_MIN_ROWS = 125;
const PGLITE_FIRST_ROWS = 500;

/** postgres.js (recognised only: its transactions are written through Drizzle). */
type PostgresJsClient = { unsafe(query: string): unknown };
/** PGlite (or its transaction): `query` with a `blob` for `COPY … FROM '/dev/blob'`. */
type PgliteClient = { query(query: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown> };

/** The driver client behind a Drizzle transaction, when it is one we can COPY through. */
function clientOf(tx: Tx): { kind: 'postgres'; client: PostgresJsClient } | { kind: 'pglite'; client: PgliteClient } | null {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client as Record<string, unknown> | undefined;
  if (!client) return null;
  if (typeof client.unsafe === 'function') return { kind: 'postgres', client: client as unknown as PostgresJsClient };
  if (typeof client.query === 'function' && typeof client.exec === 'function') return { kind: 'pglite', client: client as unknown as PgliteClient };
  return null;
}

/** True when {@link copyRows} can write through this transaction's driver. */
export function canCopy(tx: Tx): boolean {
  return clientOf(tx) !== null;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One value in COPY text format: `\N` for null, backslash, newline, CR and tab escaped.
 * @param v a driver value (string, number, boolean, bigint, Date) or null/undefined
 */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : s;
}

/** A PostgreSQL array literal of `values` (`{"a","b\\"c",NULL}`), for a `$n::text::type[]` parameter. */
export function arrayLiteral(values: unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else {
      const s = v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
      out += `"${/["\\]/.test(s) ? s.replace(/["\\]/g, (c) => `\\${c}`) : s}"`;
    }
  }
  return `${out}}`;
}

/** Columns of `table` for the properties of `row`, in the row's key order. */
function columnsFor(table: PgTable, row: Record<string, unknown>) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const props = Object.keys(row);
  const cols = props.map((p) => {
    const c = columns[p];
    if (!c) throw new Error(`${getTableName(table)} has no column for property ${p}`);
    return c;
  });
  return { props, cols };
}

/** The value Drizzle would send for `v` in column `c` (JSON text for jsonb, ISO text for timestamps). */
const driverValue = (c: PgColumn, v: unknown) => (v === null || v === undefined ? null : c.mapToDriverValue(v));

/**
 * Writes `rows` (objects keyed by the Drizzle table's property names, all with the same keys) into
 * `table` inside `tx`, in batches (PostgreSQL {@link COPY_BATCH} rows, PGlite sized to about
 * {@link PGLITE_STATEMENT_MS} per statement), yielding to the event loop between them:
 * on PGlite with `COPY … FROM '/dev/blob'`; on PostgreSQL with one
 * `INSERT … SELECT * FROM unnest($1::text::uuid[], …)` per batch (one array parameter per column;
 * postgres.js's COPY stream loses the error of a failed COPY, so it is not used there). Values are
 * mapped as Drizzle maps them for an INSERT. Columns absent from the rows get their defaults.
 * @param onBatch called with the number of rows after each batch (progress)
 * @throws Error when the driver is not recognised (check {@link canCopy} first); whatever the
 *   database reports (a constraint violated) — the transaction then rolls back
 */
export async function copyRows<T extends Record<string, unknown>>(
  tx: Tx, table: PgTable, rows: T[], slicer: Slicer, onBatch?: (n: number) => void,
): Promise<void> {
  if (!rows.length) return;
  const driver = clientOf(tx);
  if (!driver) throw new Error('bulk writes are not available with this database driver');
  const { props, cols } = columnsFor(table, rows[0]!);
  const target = `"${getTableName(table)}" (${cols.map((c) => `"${c.name}"`).join(', ')})`;
  let size = driver.kind === 'pglite' ? PGLITE_FIRST_ROWS : COPY_BATCH;
  for (let start = 0; start < rows.length;) {
    const batch = rows.slice(start, start + size);
    start += batch.length;
    const t0 = performance.now();
    if (driver.kind === 'pglite') {
      const lines: string[] = new Array(batch.length);
      for (let n = 0; n < batch.length; n++) {
        const row = batch[n]!;
        let line = '';
        for (let k = 0; k < props.length; k++) line += (k ? '\t' : '') + copyValue(driverValue(cols[k]!, row[props[k]!]));
        lines[n] = `${line}\n`;
      }
      await driver.client.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([lines.join('')]) });
      const took = performance.now() - t0;
      if (batch.length === size) {
        if (took > 2 * PGLITE_STATEMENT_MS) size = Math.max(PGLITE_MIN_ROWS, size >> 1);
        else if (took < PGLITE_STATEMENT_MS / 2) size = Math.min(COPY_BATCH, size * 2);
      }
    } else {
      const arrays = cols.map((c, k) => sql`${arrayLiteral(batch.map((row) => driverValue(c, row[props[k]!])))}::text::${sql.raw(c.getSQLType())}[]`);
      await tx.execute(sql`INSERT INTO ${sql.raw(target)} SELECT * FROM unnest(${sql.join(arrays, sql`, `)})`);
    }
    onBatch?.(batch.length);
    await slicer.maybe();
  }
}
