/**
 * The B6 floor: the rows an import wrote, moved with COPY into a fresh, migrated database of the
 * same engine. `COPY (SELECT cols FROM t) TO` reads them out (PostgreSQL: `TO STDOUT` through
 * postgres.js; PGlite: `TO '/dev/blob'`), then `COPY t (cols) FROM` writes them (`FROM STDIN` /
 * `FROM '/dev/blob'`), with the target's indexes, constraints and triggers in place — the same
 * work an import must do at the least. Generated columns are left out (the database computes
 * them, as it does for the import).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { RawDb as PoolDb } from '../../lib/dataset.ts';
import { queryRaw } from '../../lib/engines.ts';
import { procCpuMs } from '../../sync/lib/memory.ts';

/** A database to copy from or to: the pool for queries, and for PostgreSQL its URL (COPY runs on its own connection). */
export type RawDb = (PoolDb & { kind: 'pglite' }) | (PoolDb & { kind: 'postgres'; url: string });

/** A table's rows in COPY text format. */
export interface TableDump {
  table: string;
  cols: string[];
  rows: number;
  data: Buffer;
}

/** Columns COPY may write (no generated columns), in table order. */
export async function writableColumns(db: RawDb, table: string): Promise<string[]> {
  const rows = await queryRaw<{ column_name: string }>(
    db,
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

const quote = (cols: string[]) => cols.map((c) => `"${c}"`).join(', ');

/** Reads every row of `table` (optionally filtered by `where`) in COPY text format. */
export async function copyOut(db: RawDb, table: string, where = 'true'): Promise<TableDump> {
  const cols = await writableColumns(db, table);
  const [{ n }] = (await queryRaw<{ n: string | number }>(db, `select count(*) as n from "${table}" where ${where}`)) as [{ n: string | number }];
  const text = `copy (select ${quote(cols)} from "${table}" where ${where}) to ${db.kind === 'postgres' ? 'stdout' : `'/dev/blob'`}`;
  if (db.kind === 'postgres') {
    // A dedicated connection per COPY: a pooled one left in copy mode stalled the next query.
    const one = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const chunks: Buffer[] = [];
      const readable = await one.unsafe(text).readable();
      for await (const c of readable) chunks.push(Buffer.from(c as Buffer));
      return { table, cols, rows: Number(n), data: Buffer.concat(chunks) };
    } finally {
      await one.end({ timeout: 5 });
    }
  }
  const r = await db.pg.query(text);
  const blob = (r as { blob?: Blob }).blob;
  return { table, cols, rows: Number(n), data: blob ? Buffer.from(await blob.arrayBuffer()) : Buffer.alloc(0) };
}

/**
 * Writes a dump with COPY; resolves when the statement completed.
 * @returns on PostgreSQL, the CPU time (ms) of the backend that ran the COPY (from
 *   `/proc/<pid>/stat`, so only when the server runs on this machine)
 */
export async function copyIn(db: RawDb, dump: TableDump): Promise<{ cpuMs?: number }> {
  if (!dump.data.length) return {};
  const target = `"${dump.table}" (${quote(dump.cols)})`;
  if (db.kind === 'postgres') {
    const one = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const pid = (await one`select pg_backend_pid() as pid`)[0]!.pid as number;
      const cpu0 = backendCpuMs(pid);
      const writable = await one.unsafe(`copy ${target} from stdin`).writable();
      await pipeline(Readable.from(chunksOf(dump.data, 1 << 20)), writable);
      // The COPY's completion is read on the same connection: the next query waits for it.
      await one`select 1`;
      const cpu1 = backendCpuMs(pid);
      return cpu0 !== undefined && cpu1 !== undefined ? { cpuMs: cpu1 - cpu0 } : {};
    } finally {
      await one.end({ timeout: 5 });
    }
  }
  await db.pg.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([new Uint8Array(dump.data)]) });
  return {};
}

/** CPU time (ms) of a local process, or undefined when it cannot be read. */
function backendCpuMs(pid: number): number | undefined {
  try {
    return procCpuMs(pid);
  } catch {
    return undefined;
  }
}

function* chunksOf(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
