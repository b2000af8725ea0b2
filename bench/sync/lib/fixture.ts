/**
 * Databases for the sync benchmarks: a fresh PostgreSQL database (or PGlite directory) created
 * and dropped by the harness (bench/lib/engines.ts), migrated, loaded with the D100k-shaped
 * dataset of bench/lib/dataset.ts (COPY, never the API), plus `clients` extra workspace members,
 * each with their own personal access token (scope `read`) inserted directly, so every WebSocket
 * client authenticates as a different user in its `hello` frame.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { copyRowsCsv } from './csv.ts';
import { type BenchDb, createBenchDb, type EngineName, rawOf } from '../../lib/engines.ts';
import { type Fixture, loadDataset, type RawDb } from '../../lib/dataset.ts';
import { rng, sha256 } from '../../lib/util.ts';
import type { ApiDb } from './procs.ts';

/** A loaded database and what the workloads need from it. */
export interface SyncDb {
  bench: BenchDb;
  fixture: Fixture;
  /** Personal access tokens of the extra members (one per WebSocket client). */
  clientTokens: string[];
  clientUserIds: string[];
  /** How the API opens it. */
  api: ApiDb;
  /** Seconds spent creating, migrating and loading. */
  loadSeconds: number;
  /** Drops the database and removes the directories. */
  destroy(): Promise<void>;
}

/**
 * Creates, migrates and loads a database.
 * @param issues issues of the dataset (split over 10 teams)
 * @param clients extra members with a token each
 */
export async function prepareSyncDb(engine: EngineName, issues: number, clients: number): Promise<SyncDb> {
  const t0 = performance.now();
  const bench = await createBenchDb(engine);
  const apiDir = engine === 'postgres' ? mkdtempSync(path.join(os.tmpdir(), 'exp-bench-sync-')) : (bench.dataDir as string);
  try {
    const database = await bench.open();
    try {
      await database.migrate();
      const raw = rawOf(database);
      const fixture = await loadDataset(raw, issues);
      const extra = await addClientMembers(raw, fixture.workspaceId, clients);
      return {
        bench,
        fixture,
        ...extra,
        api: { databaseUrl: bench.url, dataDir: apiDir },
        loadSeconds: (performance.now() - t0) / 1000,
        async destroy() {
          await bench.destroy();
          if (engine === 'postgres') rmSync(apiDir, { recursive: true, force: true });
        },
      };
    } finally {
      await database.close();
    }
  } catch (err) {
    await bench.destroy();
    if (engine === 'postgres') rmSync(apiDir, { recursive: true, force: true });
    throw err;
  }
}

/** Inserts `n` members (role `member`) with a `read` token each. */
export async function addClientMembers(raw: RawDb, workspaceId: string, n: number): Promise<{ clientTokens: string[]; clientUserIds: string[] }> {
  const r = rng(7015);
  const created = '2026-01-01T00:00:00.000Z';
  const users = Array.from({ length: n }, (_, i) => ({ id: r.uuid(), member: r.uuid(), pat: r.uuid(), i }));
  const tokens = users.map(() => `pat_${randomBytes(32).toString('base64url')}`);
  await copyRowsCsv(raw, 'user', ['id', 'email', 'name', 'created_at', 'updated_at'], users.map((u) => [u.id, `client${u.i}@example.test`, `Client ${u.i}`, created, created]));
  await copyRowsCsv(raw, 'member', ['id', 'workspace_id', 'user_id', 'role', 'created_at', 'updated_at'], users.map((u) => [u.member, workspaceId, u.id, 'member', created, created]));
  await copyRowsCsv(
    raw,
    'personal_access_token',
    ['id', 'workspace_id', 'user_id', 'name', 'token_hash', 'token_prefix', 'scopes', 'created_at'],
    users.map((u, i) => [u.pat, workspaceId, u.id, 'bench client', sha256(tokens[i] as string), (tokens[i] as string).slice(0, 12), '["read"]', created]),
  );
  return { clientTokens: tokens, clientUserIds: users.map((u) => u.id) };
}
