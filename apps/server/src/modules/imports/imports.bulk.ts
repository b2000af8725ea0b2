/**
 * Bulk writes of an import, inside the import's own transaction, in batches of rows per statement,
 * with a turn of the event loop between batches (imports.slicer.ts): PGlite takes
 * `COPY … FROM '/dev/blob'` (text format), PostgreSQL an `INSERT … SELECT * FROM unnest(…)` with one
 * array parameter per column, a few statements in flight at once ({@link BulkWriter}). Both check
 * constraints, fire triggers and update indexes as a plain INSERT does, and are rolled back with
 * the transaction. With any other client, or for a table that
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

/**
 * A PostgreSQL array literal of `values` (`{"a","b\\"c",NULL}`), for a `$n::text::type[]` parameter.
 * Made with one `join`, so the result is one flat string: appending value by value (`+=`) left a
 * rope of small string pieces per value that the driver then flattened again, the largest source
 * of garbage on the writer's thread (measured with V8's sampling heap profiler).
 */
export function arrayLiteral(values: unknown[]): string {
  if (!values.length) return '{}';
  const parts: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else {
      const s = v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
      parts[i] = `"${/["\\]/.test(s) ? s.replace(/["\\]/g, (c) => `\\${c}`) : s}"`;
    }
  }
  parts[0] = `{${parts[0]}`;
  parts[parts.length - 1] += '}';
  return parts.join(',');
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
 * Statements a {@link BulkWriter} keeps in flight at once on PostgreSQL. postgres.js sends a
 * query as soon as it is made (pipelining on the transaction's connection), so while the server
 * runs one batch the writer converts and builds the next: the import's CPU work and the
 * database's overlap instead of taking turns. Bounded, so at most this many batches of rows
 * (each about {@link COPY_BATCH} rows) are held by statements not yet answered.
 */
export const PIPELINE_DEPTH = 3;

/**
 * The bulk writes of one import inside `tx` (see the module comment), with the statements of
 * PostgreSQL pipelined ({@link PIPELINE_DEPTH}). Statements run in the order they are made, on
 * the transaction's one connection, so a row is always written after the rows it refers to that
 * were made before it. A failed statement aborts the transaction: its error is the one thrown,
 * by the next {@link rows} or by {@link drain}. Call {@link drain} before reading what the
 * writes did and before the transaction ends.
 */
export class BulkWriter {
  private readonly driver: NonNullable<ReturnType<typeof clientOf>>;
  private readonly inflight = new Set<Promise<void>>();
  private failed = false;
  private failure: unknown;

  /**
   * @param tx the import's transaction
   * @param slicer lets the event loop run between batches
   * @throws Error when the driver is not recognised (check {@link canCopy} first)
   */
  constructor(private readonly tx: Tx, private readonly slicer: Slicer) {
    const driver = clientOf(tx);
    if (!driver) throw new Error('bulk writes are not available with this database driver');
    this.driver = driver;
  }

  private track(statement: PromiseLike<unknown>, done: () => void): void {
    const p: Promise<void> = Promise.resolve(statement).then(
      () => {
        this.inflight.delete(p);
        done();
      },
      (err: unknown) => {
        this.inflight.delete(p);
        if (!this.failed) {
          this.failed = true;
          this.failure = err;
        }
      },
    );
    this.inflight.add(p);
  }

  private check(): void {
    if (this.failed) throw this.failure;
  }

  /** Waits until fewer than {@link PIPELINE_DEPTH} statements are in flight. @throws a failed statement's error */
  private async room(): Promise<void> {
    this.check();
    while (this.inflight.size >= PIPELINE_DEPTH) await Promise.race(this.inflight);
    this.check();
  }

  /**
   * Writes `rows` (objects keyed by the Drizzle table's property names, all with the same keys)
   * into `table`, in batches (PostgreSQL {@link COPY_BATCH} rows, PGlite sized to about
   * {@link PGLITE_STATEMENT_MS} per statement), yielding to the event loop between them: on
   * PGlite with `COPY … FROM '/dev/blob'`, awaited; on PostgreSQL with one
   * `INSERT … SELECT * FROM unnest($1::text::uuid[], …)` per batch (one array parameter per
   * column; postgres.js's COPY stream loses the error of a failed COPY, so it is not used there),
   * sent and not awaited: it resolves once the last batch is sent. Values are mapped as Drizzle
   * maps them for an INSERT. Columns absent from the rows get their defaults.
   * @param onBatch called with the number of rows once each batch is written (progress)
   * @throws whatever the database reports (a constraint violated) — the transaction then rolls back
   */
  async rows<T extends Record<string, unknown>>(table: PgTable, rows: T[], onBatch?: (n: number) => void): Promise<void> {
    if (!rows.length) return;
    const driver = this.driver;
    const { props, cols } = columnsFor(table, rows[0]!);
    const target = `"${getTableName(table)}" (${cols.map((c) => `"${c.name}"`).join(', ')})`;
    let size = driver.kind === 'pglite' ? PGLITE_FIRST_ROWS : COPY_BATCH;
    for (let start = 0; start < rows.length;) {
      const batch = rows.slice(start, start + size);
      start += batch.length;
      if (driver.kind === 'pglite') {
        const t0 = performance.now();
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
        onBatch?.(batch.length);
      } else {
        const arrays = cols.map((c, k) => sql`${arrayLiteral(batch.map((row) => driverValue(c, row[props[k]!])))}::text::${sql.raw(c.getSQLType())}[]`);
        await this.room();
        // Drizzle's query is lazy: `then` (in Promise.resolve) sends it.
        this.track(this.tx.execute(sql`INSERT INTO ${sql.raw(target)} SELECT * FROM unnest(${sql.join(arrays, sql`, `)})`), () => onBatch?.(batch.length));
      }
      await this.slicer.maybe();
    }
  }

  /** Waits for every statement sent. @throws the first failed statement's error */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.race(this.inflight);
    this.check();
  }
}

/**
 * Writes `rows` into `table` inside `tx` and waits for them ({@link BulkWriter.rows}, then
 * {@link BulkWriter.drain}).
 * @throws Error when the driver is not recognised (check {@link canCopy} first); whatever the
 *   database reports (a constraint violated) — the transaction then rolls back
 */
export async function copyRows<T extends Record<string, unknown>>(
  tx: Tx, table: PgTable, rows: T[], slicer: Slicer, onBatch?: (n: number) => void,
): Promise<void> {
  const w = new BulkWriter(tx, slicer);
  await w.rows(table, rows, onBatch);
  await w.drain();
}
