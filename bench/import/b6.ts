/**
 * B6 (perf-baseline.md §3): import of `total` issues through the real API, then export of the
 * same, on one engine.
 *
 * 1. A fresh database with an existing workspace (bench/lib/dataset.ts, no issues) and an owner
 *    token with the `admin` scope; the API in its own process (bench/sync/api-entry.ts).
 * 2. One member's WebSocket sync client stays connected and counts what the imports send.
 * 3. The scaled Jira CSV files (lib/generate.ts) are posted one after another
 *    (`POST /api/v1/imports?format=jira-csv`, 202) and each job is polled until it succeeds.
 *    Wall time runs from the first upload to the last job's success. The API's peak RSS over
 *    the whole import (`VmHWM` reset first, and 50 ms samples) minus its idle RSS after GC.
 * 4. Export: `GET /api/v1/exports/workspace.json` and `/issues.csv` streamed to nothing: time,
 *    bytes, peak RSS increase.
 * 5. Floor: the rows the imports wrote (issue, issue_label, comment, issue_relation,
 *    issue_history) COPYed into a fresh database of the same engine (lib/copy.ts), timed; the
 *    tables they depend on are copied first, untimed. Gate on PostgreSQL: import ≤ 3× COPY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadDataset, type RawDb as PoolDb } from '../lib/dataset.ts';
import { createBenchDb, type EngineName, rawOf } from '../lib/engines.ts';
import { log, quantile, round, sha256, sleep } from '../lib/util.ts';
import { openSyncClient } from '../sync/lib/clients.ts';
import { copyRowsCsv } from '../sync/lib/csv.ts';
import { addClientMembers } from '../sync/lib/fixture.ts';
import { procCpuMs, procMemory, resetPeak, sampleRss } from '../sync/lib/memory.ts';
import postgres from 'postgres';
import { type Child, startApi } from '../sync/lib/procs.ts';
import { copyIn, copyOut, type RawDb as CopyDb, type TableDump } from './lib/copy.ts';
import type { ImportFile } from './lib/generate.ts';

/** Tables an import fills with one or more rows per issue (timed in the floor). */
const BULK = ['issue', 'issue_label', 'comment', 'issue_relation', 'issue_history', 'issue_subscription'];
/** Tables they depend on (copied first, untimed). */
const PREREQUISITES = ['user', 'workspace', 'member', 'team', 'team_member', 'workflow_state', 'label'];

/** One file's import. */
export interface FileImport {
  file: string;
  issues: number;
  bytes: number;
  /** POST until 202 (upload, parse and validate). */
  acceptMs: number;
  /** POST until the job reads `succeeded`. */
  totalMs: number;
  counts: Record<string, number>;
  problems: number;
  /** Job polls the server dropped (connection reset) and that were retried. */
  droppedPolls: number;
}

/** B6 on one engine. */
export interface ImportResult {
  engine: EngineName;
  issues: number;
  files: FileImport[];
  wallMs: number;
  issuesPerSecond: number;
  idleRssMB: number;
  peakRssIncreaseMB: number;
  sync: { framesReceived: number; opsReceived: number; versions: number; opsPer1kIssues: number };
  export: Array<{ path: string; ms: number; bytes: number; rssIncreaseMB: number }>;
  /** `GET /api/healthz` sent every 200 ms during the imports: answer times (ms). */
  healthz: { requests: number; p50: number; p99: number; max: number };
  floor: { ms: number; tables: Array<{ table: string; rows: number; bytes: number; ms: number }>; cpuMs?: number };
  ratio: number;
  /**
   * CPU time (ms) spent on the import, less sensitive to the machine's load than wall time: the
   * API process's, and on PostgreSQL the database's (its backends serving the bench database).
   */
  cpu?: { apiMs: number; dbMs?: number };
  /** (API + database CPU of the import) / (CPU of the COPY floor); PostgreSQL only. */
  cpuRatio?: number;
}

/** Options of {@link runB6}. */
export interface B6Options {
  /** Only the import (no export, no COPY floor): for diagnostics. */
  importOnly?: boolean;
}

/**
 * CPU time of the PostgreSQL client backends serving one database (not autovacuum's workers),
 * sampled every `everyMs` (a backend's last reading is kept after it exits, so a short-lived
 * connection loses at most one interval).
 */
function backendCpu(url: string, everyMs = 500): { stop(): Promise<number> } {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const last = new Map<number, number>();
  const base = new Map<number, number>();
  let self = -1;
  let running = true;
  const read = (pid: number) => {
    try {
      return procCpuMs(pid);
    } catch {
      return undefined;
    }
  };
  const take = async () => {
    if (self < 0) self = (await sql`select pg_backend_pid() as pid`)[0]!.pid as number;
    const rows = await sql`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> ${self}`;
    for (const { pid } of rows as unknown as Array<{ pid: number }>) {
      const v = read(pid);
      if (v === undefined) continue;
      if (!base.has(pid)) base.set(pid, v);
      last.set(pid, v);
    }
    for (const pid of last.keys()) {
      const v = read(pid);
      if (v !== undefined) last.set(pid, v);
    }
  };
  const loop = (async () => {
    await take();
    while (running) {
      await sleep(everyMs);
      await take();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sql.end({ timeout: 5 });
      let total = 0;
      for (const [pid, v] of last) total += v - (base.get(pid) ?? v);
      return total;
    },
  };
}

async function peakDuring<T>(api: Child, fn: () => Promise<T>): Promise<{ value: T; idle: number; peak: number }> {
  await api.memory();
  await sleep(300);
  const idle = procMemory(api.pid).rss;
  const reset = resetPeak(api.pid);
  const sampler = sampleRss(api.pid, 50);
  let value: T;
  try {
    value = await fn();
  } finally {
    sampler.stop();
  }
  const sampled = sampler.stop();
  const peak = reset ? Math.max(sampled, procMemory(api.pid).peak) : sampled;
  return { value, idle, peak };
}

async function importFile(url: string, token: string, f: ImportFile): Promise<FileImport> {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/v1/imports?format=jira-csv&fileName=${encodeURIComponent(f.name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: new Uint8Array(f.bytes),
  });
  const job = (await r.json()) as { id: string; status: string; detail?: string };
  const acceptMs = performance.now() - t0;
  if (r.status !== 202) throw new Error(`POST /imports ${f.name}: ${r.status} ${JSON.stringify(job).slice(0, 500)}`);
  const deadline = performance.now() + 30 * 60_000;
  let resets = 0;
  for (;;) {
    if (performance.now() > deadline) throw new Error(`import ${f.name} not done in 30 minutes`);
    let j: { status: string; counts: Record<string, number>; problems: unknown[]; error?: string };
    try {
      const g = await fetch(`${url}/api/v1/imports/${job.id}`, { headers: { authorization: `Bearer ${token}` } });
      j = (await g.json()) as typeof j;
    } catch (err) {
      // The server may drop a request it could not read in time (a stalled event loop): retry.
      resets++;
      log(`GET /imports/${job.id}: ${(err as Error).message} (${String(((err as Error).cause as Error)?.message ?? '')}); retrying`);
      await sleep(500);
      continue;
    }
    if (j.status === 'succeeded') {
      return { file: f.name, issues: f.issues, bytes: f.bytes.length, acceptMs: round(acceptMs), totalMs: round(performance.now() - t0), counts: j.counts, problems: j.problems.length, droppedPolls: resets };
    }
    if (j.status === 'failed') throw new Error(`import ${f.name} failed: ${j.error} ${JSON.stringify(j.problems).slice(0, 500)}`);
    await sleep(100);
  }
}

async function download(url: string, token: string, p: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const r = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200 || !r.body) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
  let bytes = 0;
  const reader = r.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
  }
  return { ms: round(performance.now() - t0), bytes };
}

/** Runs B6 on `engine` with the given files. */
export async function runB6(engine: EngineName, files: ImportFile[], o: B6Options = {}): Promise<ImportResult> {
  const total = files.reduce((s, f) => s + f.issues, 0);
  const source = await createBenchDb(engine);
  const apiDir = engine === 'postgres' ? mkdtempSync(path.join(os.tmpdir(), 'exp-bench-import-')) : (source.dataDir as string);
  let target: Awaited<ReturnType<typeof createBenchDb>> | undefined;
  try {
    // 1. Workspace, admin token, one member for the sync client.
    const adminToken = `pat_${randomBytes(32).toString('base64url')}`;
    let memberToken: string;
    {
      const database = await source.open();
      try {
        await database.migrate();
        const raw = rawOf(database);
        const fx = await loadDataset(raw, 0);
        await copyRowsCsv(raw, 'personal_access_token', ['id', 'workspace_id', 'user_id', 'name', 'token_hash', 'token_prefix', 'scopes', 'created_at'], [
          [crypto.randomUUID(), fx.workspaceId, fx.userId, 'bench admin', sha256(adminToken), adminToken.slice(0, 12), '["read","write","admin"]', new Date().toISOString()],
        ]);
        memberToken = (await addClientMembers(raw, fx.workspaceId, 1)).clientTokens[0] as string;
      } finally {
        await database.close();
      }
    }
    const api = await startApi({ databaseUrl: source.url, dataDir: apiDir });
    let result: Omit<ImportResult, 'floor' | 'ratio'>;
    try {
      // 2. A live sync client counts what it receives.
      const head0 = await headOf(api.url, adminToken);
      const client = await openSyncClient(api.url, memberToken, 0, head0);
      let framesReceived = 0;
      let opsReceived = 0;
      client.onFrame = (text) => {
        if (!text.startsWith('{"type":"ops"')) return;
        framesReceived++;
        opsReceived += (JSON.parse(text) as { ops: unknown[] }).ops.length;
      };
      // 3. The imports, while a probe measures how long the API takes to answer anything else.
      const probe = responsiveness(api.url);
      // Backends already open (the API's pool) count from now; new ones from their first sample.
      const dbCpu = engine === 'postgres' ? backendCpu(source.url as string) : null;
      const apiCpu0 = procCpuMs(api.pid);
      const t0 = performance.now();
      const imp = await peakDuring(api, async () => {
        const done: FileImport[] = [];
        for (const f of files) {
          const r = await importFile(api.url, adminToken, f);
          log(`B6 ${engine}: ${f.name} (${f.issues} issues, ${(f.bytes.length / 1048576).toFixed(1)} MB) accepted in ${Math.round(r.acceptMs)} ms, done in ${Math.round(r.totalMs)} ms`);
          done.push(r);
        }
        return done;
      }).finally(() => probe.stop());
      const wallMs = performance.now() - t0;
      const cpu = { apiMs: procCpuMs(api.pid) - apiCpu0, ...(dbCpu ? { dbMs: await dbCpu.stop() } : {}) };
      const stall = await probe.stop();
      await sleep(1000);
      client.close();
      const imported = imp.value.reduce((s, f) => s + (f.counts.issues ?? 0), 0);
      if (imported !== total) throw new Error(`imported ${imported} issues, expected ${total}`);
      const head1 = await headOf(api.url, adminToken);
      // 4. Exports.
      log(`B6 ${engine}: import CPU: API ${Math.round(cpu.apiMs)} ms${cpu.dbMs !== undefined ? `, database ${Math.round(cpu.dbMs)} ms` : ''}; peak RSS +${round((imp.peak - imp.idle) / 1048576, 1)} MB`);
      const exports: ImportResult['export'] = [];
      for (const p of o.importOnly ? [] : ['/api/v1/exports/workspace.json', '/api/v1/exports/issues.csv']) {
        const e = await peakDuring(api, () => download(api.url, adminToken, p));
        exports.push({ path: p, ...e.value, rssIncreaseMB: round((e.peak - e.idle) / 1048576, 1) });
        log(`B6 ${engine}: ${p} ${(e.value.bytes / 1048576).toFixed(1)} MB in ${Math.round(e.value.ms)} ms, RSS +${round((e.peak - e.idle) / 1048576, 1)} MB`);
      }
      result = {
        engine,
        issues: total,
        files: imp.value,
        wallMs: round(wallMs),
        issuesPerSecond: Math.round(total / (wallMs / 1000)),
        idleRssMB: round(imp.idle / 1048576, 1),
        peakRssIncreaseMB: round((imp.peak - imp.idle) / 1048576, 1),
        sync: { framesReceived, opsReceived, versions: head1 - head0, opsPer1kIssues: round((opsReceived / total) * 1000, 3) },
        export: exports,
        healthz: stall,
        cpu,
      };
    } catch (err) {
      const exit = api.child.exitCode ?? api.child.signalCode;
      const cause = err instanceof Error && err.cause ? ` (cause: ${String((err.cause as Error).message ?? err.cause)})` : '';
      throw new Error(`${err instanceof Error ? err.message : String(err)}${cause}; API ${exit === null ? 'still running' : `exited (${exit})`}; its last output:\n${api.output().slice(-3000)}`);
    } finally {
      await api.stop();
    }
    if (o.importOnly) return { ...result, floor: { ms: 0, tables: [] }, ratio: 0 };
    // 5. Floor: COPY of the same rows into a fresh database.
    const dumps: TableDump[] = [];
    {
      const database = await source.open();
      try {
        const raw = withUrl(rawOf(database), source.url);
        for (const t of [...PREREQUISITES, ...BULK]) {
          dumps.push(await copyOut(raw, t));
          log(`B6 ${engine}: read ${t} (${dumps[dumps.length - 1]!.rows} rows)`);
        }
      } finally {
        await database.close();
      }
    }
    target = await createBenchDb(engine);
    const tdb = await target.open();
    const tables: ImportResult['floor']['tables'] = [];
    let floorMs = 0;
    let floorCpu = 0;
    try {
      await tdb.migrate();
      const raw = withUrl(rawOf(tdb), target.url);
      for (const d of dumps.filter((x) => PREREQUISITES.includes(x.table))) await copyIn(raw, d);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (const d of dumps.filter((x) => BULK.includes(x.table))) {
        const t = performance.now();
        const c = await copyIn(raw, d);
        floorCpu += c.cpuMs ?? 0;
        tables.push({ table: d.table, rows: d.rows, bytes: d.data.length, ms: round(performance.now() - t) });
      }
      // PGlite runs in this process: its COPY's CPU is ours.
      if (engine === 'pglite') {
        const u = process.cpuUsage(cpu0);
        floorCpu = (u.user + u.system) / 1000;
      }
      // PGlite: the WAL reaches the disk, as after each import's commit (Database.flush).
      await tdb.flush();
      floorMs = performance.now() - t0;
    } finally {
      await tdb.close();
    }
    log(`B6 ${engine}: COPY floor ${Math.round(floorMs)} ms, CPU ${Math.round(floorCpu)} ms (${tables.map((t) => `${t.table} ${t.rows}`).join(', ')}); import ${Math.round(result.wallMs)} ms`);
    const importCpu = (result.cpu?.apiMs ?? 0) + (result.cpu?.dbMs ?? 0);
    return {
      ...result,
      floor: { ms: round(floorMs), tables, cpuMs: round(floorCpu) },
      ratio: round(result.wallMs / floorMs),
      ...(engine === 'postgres' && floorCpu > 0 ? { cpuRatio: round(importCpu / floorCpu) } : {}),
    };
  } finally {
    await target?.destroy();
    await source.destroy();
    if (engine === 'postgres') rmSync(apiDir, { recursive: true, force: true });
  }
}

/** Sends `GET /api/healthz` every 200 ms (one at a time) until stopped; answer-time percentiles. */
function responsiveness(url: string): { stop(): Promise<ImportResult['healthz']> } {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    const deadline = performance.now() + 60 * 60_000;
    while (running && performance.now() < deadline) {
      const t = performance.now();
      try {
        await (await fetch(`${url}/api/healthz`)).arrayBuffer();
      } catch {
        // counted by its time all the same
      }
      const took = performance.now() - t;
      times.push(took);
      if (took > 5000) log(`healthz took ${Math.round(took)} ms (answered at ${new Date().toISOString().slice(11, 19)})`);
      await sleep(200);
    }
  })();
  return {
    /** Stops the probe (idempotent); resolves with the figures once its last request ended. */
    async stop() {
      running = false;
      await loop;
      return { requests: times.length, p50: round(quantile(times, 0.5)), p99: round(quantile(times, 0.99)), max: round(Math.max(...times)) };
    },
  };
}

function withUrl(raw: PoolDb, url: string | undefined): CopyDb {
  return raw.kind === 'postgres' ? { ...raw, url: url as string } : raw;
}

async function headOf(url: string, token: string): Promise<number> {
  const r = await fetch(`${url}/api/v1/sync/ops?after=0&limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const b = (await r.json()) as { headVersion: number };
  if (r.status !== 200) throw new Error(`GET /sync/ops: ${r.status} ${JSON.stringify(b)}`);
  return b.headVersion;
}
