/**
 * Measures one workload on a running API and bare server: warm-up, then `reps` rounds of
 * baseline (pgbench on PostgreSQL; the bare server's in-process driver loop on PGlite), bare
 * endpoint and API, each for the same duration and concurrency; then ratios and gates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workload } from '../workloads.ts';
import { BIG_TABLES, type CaptureInfo } from './capture-all.ts';
import type { Fixture } from './dataset.ts';
import type { BenchDb, EngineName } from './engines.ts';
import type { RunOptions } from './engine-run.ts';
import { type HttpRequest, type HttpResult, type PgbenchResult, runHttp, runPgbench } from './load.ts';
import { type Check, gate, type HttpFigures, measure, type WorkloadResult } from './report.ts';
import { CREATE_TX, fixedVars, inlineForPgbench, pgbenchTxScript, UPDATE_TX } from './sqltext.ts';
import { median, round } from './util.ts';

/** What {@link measureWorkload} needs from the engine run. */
export interface MeasureContext {
  engine: EngineName;
  o: RunOptions;
  fx: Fixture;
  bdb: BenchDb;
  apiUrl: string;
  bareUrl: string;
  /** Process ids, to read the CPU time each side spends per request (/proc). */
  apiPid?: number;
  barePid?: number;
  /** Authorization header for the API. */
  headers: Record<string, string>;
  /** API req/s per workload on PostgreSQL earlier in this invocation (B13 parity). */
  pgApi?: Map<string, number>;
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux); NaN elsewhere. */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}
const CLK_TCK = 100;

/**
 * Waits at least `minMs`, then until a process is idle: under 3% of a core over each of two
 * consecutive 0.5 s windows (CPU time from /proc), or `maxMs` passed. The API compiles the route
 * schemas it has not used yet in the background, starting 2 s after it listens
 * (apps/server/src/lib/lazy-schemas.ts, `SCHEMA_BACKGROUND_DELAY_MS`), a few seconds of CPU; the
 * steady-state workloads are measured after that, cold start separately (B10).
 * @returns the milliseconds waited
 */
export async function waitUntilIdle(pid: number | undefined, minMs = 3_000, maxMs = 30_000): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuMs(pid);
  if (Number.isNaN(last)) return 0;
  while (performance.now() - t0 < maxMs && (quiet < 2 || performance.now() - t0 < minMs)) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuMs(pid);
    quiet = now - last < 15 ? quiet + 1 : 0;
    last = now;
  }
  return Math.round(performance.now() - t0);
}

type Timed = HttpResult & { cpuMsPerReq: number };

const figures = (runs: Timed[]): HttpFigures => ({
  cpuMsPerReq: round(median(runs.map((r) => r.cpuMsPerReq)), 3),
  rps: measure(runs.map((r) => r.rps)),
  p50Ms: round(median(runs.map((r) => r.p50Ms)), 2),
  p99Ms: round(median(runs.map((r) => r.p99Ms)), 2),
  errors: runs.reduce((a, r) => a + r.errors, 0),
  tool: runs[0]?.tool ?? '–',
});

/** pgbench scripts: one per captured page query (reads), or one per team (write transactions). */
export function pgbenchScripts(o: RunOptions, w: Workload, cap: CaptureInfo, fx: Fixture): string[] {
  if (w.kind === 'read') {
    return cap.mains.map((m, i) => {
      const file = path.join(o.workDir, `${w.id}-${i}.sql`);
      writeFileSync(file, `${inlineForPgbench(m.sql, m.params)};\n`);
      return file;
    });
  }
  return fx.teams.map((t, i) => {
    const file = path.join(o.workDir, `${w.id}-${i}.sql`);
    const fixed = fixedVars({ workspaceId: fx.workspaceId, teamId: t.id, stateId: t.stateIds[i % t.stateIds.length]!, userId: fx.userId });
    const sets = w.kind === 'update' ? [`\\set num random(1, ${fx.issuesPerTeam})`, '\\set prio random(0, 4)'] : [];
    writeFileSync(file, pgbenchTxScript(w.kind === 'create' ? CREATE_TX : UPDATE_TX, fixed, sets));
    return file;
  });
}

/** The bare server's requests for a workload (same parameter sets / teams as the API's). */
export function bareRequests(w: Workload, cap: CaptureInfo, fx: Fixture): HttpRequest[] {
  if (w.kind === 'read') return cap.mains.map((_, i) => ({ method: 'GET', path: `/q/${encodeURIComponent(w.id)}?i=${i}` }));
  return fx.teams.map((_, t) => ({ method: 'POST', path: `/tx/${w.kind}?t=${t}` }));
}

/** Measures `w` and evaluates its gates. @throws Error when a load generator fails */
export async function measureWorkload(c: MeasureContext, w: Workload, cap: CaptureInfo): Promise<WorkloadResult> {
  const { o, engine } = c;
  const seconds = w.group === 'B2' || w.group === 'B3' ? o.comboSeconds : o.seconds;
  const http = async (url: string, reqs: HttpRequest[], connections: number, secs: number, h?: Record<string, string>): Promise<Timed> => {
    const pid = url === c.apiUrl ? c.apiPid : c.barePid;
    const before = cpuMs(pid);
    const r = await runHttp({ baseUrl: url, reqs, headers: h, connections, seconds: secs, workDir: o.workDir, forceNode: o.forceNode });
    return { ...r, cpuMsPerReq: r.requests ? (cpuMs(pid) - before) / r.requests : Number.NaN };
  };
  const bareReqs = bareRequests(w, cap, c.fx);
  const scripts = engine === 'postgres' ? pgbenchScripts(o, w, cap, c.fx) : [];
  if (o.warmupSeconds > 0) {
    await http(c.bareUrl, bareReqs, w.connections, o.warmupSeconds);
    await http(c.apiUrl, w.requests, w.connections, o.warmupSeconds, c.headers);
  }
  const api: Timed[] = [];
  const bare: Timed[] = [];
  const pgb: PgbenchResult[] = [];
  const drv: Array<{ opsPerSec: number; p50Ms: number; p99Ms: number }> = [];
  for (let rep = 0; rep < o.reps; rep++) {
    if (engine === 'postgres') pgb.push(await runPgbench(c.bdb.url!, scripts, 8, seconds));
    else {
      const r = await fetch(`${c.bareUrl}/probe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: w.kind === 'read' ? w.id : `tx:${w.kind}`, callers: 1, ms: seconds * 1000 }),
      });
      drv.push((await r.json()) as (typeof drv)[number]);
    }
    bare.push(await http(c.bareUrl, bareReqs, w.connections, seconds));
    api.push(await http(c.apiUrl, w.requests, w.connections, seconds, c.headers));
  }
  const res: WorkloadResult = {
    id: w.id,
    group: w.group,
    title: w.title,
    connections: w.connections,
    bytesPerResponse: cap.bytesPerResponse,
    api: figures(api),
    bare: figures(bare),
    ratios: { bare: 0 },
    referenceRps: w.targets.absRps,
    plan: cap.plan,
    checks: [],
  };
  if (w.group === 'B1' && cap.sequences.length) {
    // Diagnostic: the same requests' full SELECT sequence (auth, team, page, labels) on the bare server.
    const seqReqs = cap.sequences.map((_, i) => ({ method: 'GET', path: `/s/${encodeURIComponent(w.id)}?i=${i}` }));
    res.bareAllStatements = figures([await http(c.bareUrl, seqReqs, w.connections, seconds)]);
  }
  if (w.alsoC1) {
    res.apiC1 = figures([await http(c.apiUrl, w.requests, 1, seconds, c.headers)]);
    res.bareC1 = figures([await http(c.bareUrl, bareReqs, 1, seconds)]);
  }
  if (pgb.length) {
    res.pgbench = {
      tps: measure(pgb.map((p) => p.tps)),
      latencyAvgMs: round(median(pgb.map((p) => p.latencyAvgMs)), 2),
      failed: pgb.reduce((a, p) => a + p.failed, 0),
      clients: 8,
    };
    res.ratios.pgbench = round(res.api.rps.median / res.pgbench.tps.median, 3);
  }
  if (drv.length) {
    res.driver = {
      opsPerSec: measure(drv.map((d) => d.opsPerSec)),
      p50Ms: round(median(drv.map((d) => d.p50Ms)), 2),
      p99Ms: round(median(drv.map((d) => d.p99Ms)), 2),
      callers: 1,
    };
    res.ratios.driver = round(res.api.rps.median / res.driver.opsPerSec.median, 3);
  }
  res.ratios.bare = round(res.api.rps.median / res.bare.rps.median, 3);
  const checks: Check[] = [];
  if (res.api.errors) checks.push({ name: 'errors', target: '0', value: String(res.api.errors), pass: false });
  if (res.bare.errors) checks.push({ name: 'baseline errors', target: '0', value: String(res.bare.errors), pass: false });
  if (res.ratios.pgbench !== undefined) {
    checks.push(gate('vs pgbench', res.ratios.pgbench, w.targets.ratio, 'min', '×'));
    checks.push(gate('p99', res.api.p99Ms, w.targets.p99Ms, 'max', ' ms'));
    if (w.targets.p50C1Ms && res.apiC1) checks.push(gate('c1 p50', res.apiC1.p50Ms, w.targets.p50C1Ms, 'max', ' ms'));
  }
  const pgRps = c.pgApi?.get(w.id);
  if (engine === 'pglite' && pgRps) {
    res.ratios.postgresApi = round(res.api.rps.median / pgRps, 3);
    checks.push(gate('vs PostgreSQL API', res.ratios.postgresApi, 0.2, 'min', '×'));
  }
  if (w.kind === 'read') {
    const big = cap.plan.seqScans.filter((t) => BIG_TABLES.includes(t));
    checks.push({ name: 'no Seq Scan', target: 'none on large tables', value: big.length ? big.join(', ') : 'none', pass: !big.length });
    if (w.targets.buffers) checks.push(gate('buffers', cap.plan.worstBuffers, w.targets.buffers, 'max'));
  }
  res.checks = checks;
  return res;
}
