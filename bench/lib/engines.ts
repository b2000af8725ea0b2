/**
 * Fresh databases for one benchmark run, created and removed by the harness:
 * - PostgreSQL: a new database `exp_bench_<pid>_<time>` on the server of `BENCH_DATABASE_URL`
 *   (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped at the end;
 * - PGlite: a temporary data directory (the server's `EXPONENTIAL_DATA_DIR`), deleted at the end.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@exponential/db';
import postgres from 'postgres';
import type { RawDb } from './dataset.ts';

/** Which engine a run uses. */
export type EngineName = 'postgres' | 'pglite';

/** A database created for the run. */
export interface BenchDb {
  engine: EngineName;
  /** PostgreSQL: the database URL. */
  url?: string;
  /** PGlite: the server data directory (holds `pgdata/`). */
  dataDir?: string;
  /** Opens the database through the project's `openDatabase` (migrations included). */
  open(): Promise<Database>;
  /** A copy of a PGlite data directory (PGlite allows one process per directory). */
  copyDataDir(): string;
  /** Drops the database / deletes the directories, copies included. */
  destroy(): Promise<void>;
}

/** The PostgreSQL server the harness creates its databases on. */
export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `url` with its database name replaced. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty database (PostgreSQL) or directory (PGlite) for the run. */
export async function createBenchDb(engine: EngineName): Promise<BenchDb> {
  const copies: string[] = [];
  if (engine === 'postgres') {
    const name = `exp_bench_${process.pid}_${Date.now()}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}"`);
    } finally {
      await admin.end({ timeout: 5 });
    }
    const url = withDatabase(adminUrl, name);
    return {
      engine,
      url,
      open: () => openDatabase({ url }),
      copyDataDir() {
        throw new Error('PostgreSQL has no data directory to copy');
      },
      async destroy() {
        const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
        try {
          await a.unsafe(`drop database if exists "${name}" with (force)`);
        } finally {
          await a.end({ timeout: 5 });
        }
      },
    };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exp-bench-'));
  return {
    engine,
    dataDir,
    open: () => openDatabase({ dataDir }),
    copyDataDir() {
      const copy = mkdtempSync(path.join(os.tmpdir(), 'exp-bench-copy-'));
      cpSync(path.join(dataDir, 'pgdata'), path.join(copy, 'pgdata'), { recursive: true });
      copies.push(copy);
      return copy;
    },
    async destroy() {
      for (const d of [dataDir, ...copies]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The raw client behind an open database, for COPY and EXPLAIN. */
export function rawOf(database: Database): RawDb {
  if (database.postgres) return { kind: 'postgres', sql: database.postgres };
  if (database.pglite) return { kind: 'pglite', pg: database.pglite };
  throw new Error('unknown database kind');
}

/** Runs a parameterised statement on either engine and returns its rows. */
export async function queryRaw<T = Record<string, unknown>>(db: RawDb, text: string, params: unknown[] = []): Promise<T[]> {
  if (db.kind === 'postgres') return (await db.sql.unsafe(text, params as never[])) as unknown as T[];
  return (await db.pg.query<T>(text, params)).rows;
}
