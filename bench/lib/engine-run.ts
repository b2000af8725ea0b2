/**
 * One engine's run: create a fresh database, load the dataset, capture and EXPLAIN the API's SQL,
 * start the bare baseline server and the real API as child processes, then measure every
 * workload — baseline (pgbench on PostgreSQL, the in-process driver loop on PGlite), bare
 * endpoint and API, each `reps` times — and finally cold starts. Everything created is removed.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BareConfig } from '../bare-server.ts';
import { buildWorkloads } from '../workloads.ts';
import { captureAll } from './capture-all.ts';
import { coldStarts } from './cold.ts';
import { loadDataset } from './dataset.ts';
import { type BenchDb, createBenchDb, type EngineName, queryRaw, rawOf } from './engines.ts';
import { type HttpRequest, runHttp } from './load.ts';
import { type MeasureContext, measureWorkload, waitUntilIdle } from './measure.ts';
import { API_MAIN, apiEnv, BARE_MAIN, type Proc, startProcess } from './procs.ts';
import type { EngineResult } from './report.ts';
import { log, round } from './util.ts';

/** Options of a run (see bench/run.ts for the command line). */
export interface RunOptions {
  issues: number;
  /** Seconds per measurement: B1, B4, B5 / B2, B3. */
  seconds: number;
  comboSeconds: number;
  warmupSeconds: number;
  reps: number;
  k: number;
  explainSets: number;
  only: Set<string> | null;
  logLevel: string;
  forceNode: boolean;
  workDir: string;
  /** Load, capture and EXPLAIN only (no load generation). */
  plansOnly: boolean;
}

function rssMb(pid: number | undefined): { current: number; peak: number } | undefined {
  if (!pid) return undefined;
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? Number.NaN);
    return { current: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** Checks that op-log versions are 1..V without gaps and V is the workspace's counter. */
async function versionCheck(bdb: BenchDb, workspaceId: string): Promise<EngineResult['versionCheck']> {
  const database = await bdb.open();
  try {
    const [row] = await queryRaw<{ n: number; lo: number; hi: number; v: number }>(
      rawOf(database),
      'select count(distinct version)::int as n, coalesce(min(version), 0)::int as lo, coalesce(max(version), 0)::int as hi, ' +
        '(select version from workspace where id = $1)::int as v from sync_operation where workspace_id = $1',
      [workspaceId],
    );
    const r = row!;
    const gapFree = r.n === 0 || (r.lo === 1 && r.hi === r.n && r.v === r.hi);
    return { versions: r.n, gapFree, detail: `${r.n} versions, ${r.lo}..${r.hi}, workspace counter ${r.v} → ${gapFree ? 'gap-free' : '**GAPS**'}` };
  } finally {
    await database.close();
  }
}

/**
 * Runs every selected workload on `engine`.
 * @param pgApi API req/s per workload from a PostgreSQL run earlier in the same invocation (B13 parity)
 */
export async function runEngine(engine: EngineName, o: RunOptions, pgApi?: Map<string, number>): Promise<EngineResult> {
  const secret = randomBytes(32).toString('base64url');
  const notes: string[] = [];
  const bdb = await createBenchDb(engine);
  const procs: Proc[] = [];
  try {
    log(`${engine}: loading ${o.issues.toLocaleString('en-US')} issues`);
    const database = await bdb.open();
    await database.migrate();
    const fx = await loadDataset(rawOf(database), o.issues);
    const all = await buildWorkloads(rawOf(database), fx, secret, o.k);
    const workloads = all.filter((w) => !o.only || o.only.has(w.group) || o.only.has(w.id));
    // The first list page is also the cold-start probe: always capture it.
    const captured = workloads.some((w) => w.id === 'B1.manual') ? workloads : [all[0]!, ...workloads];
    await database.close();
    log(`${engine}: loaded in ${fx.loadSeconds.toFixed(1)} s; capturing and explaining the API's SQL`);
    const caps = await captureAll(bdb, secret, fx.token, captured, o.explainSets);
    for (const [id, c] of caps) for (const p of c.problems.slice(0, 3)) notes.push(`${id}: ${p}`);
    const plans = captured.map((w) => ({ id: w.id, title: w.title, bytesPerResponse: caps.get(w.id)!.bytesPerResponse, plan: caps.get(w.id)!.plan }));
    if (o.plansOnly) return { engine, issues: fx.total, loadSeconds: round(fx.loadSeconds, 1), workloads: [], plans, coldStart: [], notes };

    const bare: BareConfig = {
      engine,
      url: bdb.url,
      queries: Object.fromEntries([...caps].map(([id, c]) => [id, c.mains])),
      sequences: Object.fromEntries([...caps].filter(([id]) => id.startsWith('B1.')).map(([id, c]) => [id, c.sequences])),
      tx: { workspaceId: fx.workspaceId, userId: fx.userId, issuesPerTeam: fx.issuesPerTeam, teams: fx.teams },
    };
    const bareDir = engine === 'pglite' ? bdb.copyDataDir() : undefined;
    const bareFile = path.join(o.workDir, `bare-${engine}.json`);
    writeFileSync(bareFile, JSON.stringify({ ...bare, dataDir: bareDir }));
    const bareQueryPath = '/q/B1.manual?i=0';
    const headers = { authorization: `Bearer ${fx.token}` };
    // Cold start: the API's first request and the bare server's are the same page (B1.manual #0).
    const listPath = all[0]!.requests[0]!.path;
    const bareProc = await startProcess({ script: BARE_MAIN, env: { BARE_CONFIG: bareFile }, readyPath: bareQueryPath });
    procs.push(bareProc);
    const apiProc = await startProcess({
      script: API_MAIN,
      env: apiEnv({ databaseUrl: bdb.url, dataDir: engine === 'pglite' ? bdb.dataDir! : o.workDir, secret, logLevel: o.logLevel }),
      readyPath: listPath,
      headers,
    });
    procs.push(apiProc);
    const settledMs = await waitUntilIdle(apiProc.child.pid);
    notes.push(`the API was idle ${(settledMs / 1000).toFixed(1)} s after its first answer (background schema compilation done) before the first measurement`);
    const http = (url: string, reqs: HttpRequest[], connections: number, seconds: number, h?: Record<string, string>) =>
      runHttp({ baseUrl: url, reqs, headers: h, connections, seconds, workDir: o.workDir, forceNode: o.forceNode });

    const hello = await http(bareProc.url, [{ method: 'GET', path: '/hello' }], 32, Math.min(o.seconds, 5));
    if (hello.errors) notes.push(`/hello answered ${hello.errors} errors`);
    const result: EngineResult = {
      engine,
      issues: fx.total,
      loadSeconds: round(fx.loadSeconds, 1),
      helloRps: round(hello.rps, 0),
      machineFactor: round(hello.rps / 13_909, 2),
      workloads: [],
      plans,
      coldStart: [],
      notes,
    };

    const mctx: MeasureContext = { engine, o, fx, bdb, apiUrl: apiProc.url, bareUrl: bareProc.url, apiPid: apiProc.child.pid, barePid: bareProc.child.pid, headers, pgApi };
    for (const w of workloads) {
      const cap = caps.get(w.id)!;
      if (!cap.mains.length && w.kind === 'read') {
        notes.push(`${w.id}: skipped (no page query to use as baseline)`);
        continue;
      }
      log(`${engine}: ${w.id} (${w.title})`);
      try {
        result.workloads.push(await measureWorkload(mctx, w, cap));
      } catch (err) {
        notes.push(`${w.id} failed: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`);
      }
    }

    result.apiRssMb = rssMb(apiProc.child.pid);
    if (engine === 'pglite' && result.apiRssMb && o.issues >= 100_000) {
      notes.push(`B13 RSS: API peak ${result.apiRssMb.peak} MB (target ≤ 1,200 MB) → ${result.apiRssMb.peak <= 1320 ? 'pass' : 'FAIL'}`);
    }
    for (const p of procs.splice(0)) await p.stop();
    if (workloads.some((w) => w.kind !== 'read')) result.versionCheck = await versionCheck(bdb, fx.workspaceId);

    if (!o.only || o.only.has('B10')) {
      log(`${engine}: cold starts`);
      result.coldStart = await coldStarts({
        engine,
        reps: o.reps,
        workDir: o.workDir,
        secret,
        logLevel: o.logLevel,
        databaseUrl: bdb.url,
        dataDir: bdb.dataDir,
        bareDataDir: bareDir,
        listPath,
        headers,
        bare,
        bareQueryPath,
      }).catch((err: Error) => {
        notes.push(`B10 failed: ${err.message.split('\n').slice(0, 8).join(' ')}`);
        return [];
      });
    }
    return result;
  } finally {
    for (const p of procs) await p.stop();
    await bdb.destroy();
  }
}
