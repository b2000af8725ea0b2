/**
 * Result shapes of a benchmark run and their rendering: the JSON file keeps everything; the
 * markdown table shows, per engine and workload, the API's throughput and latency, the baselines
 * re-measured in the same run, the ratios and whether each gate passed.
 */
import { median, round } from './util.ts';

/** Tables large enough that a sequential scan of them fails the plan gate. */
export const BIG_TABLES = ['issue', 'issue_label', 'issue_history', 'sync_operation', 'comment'];

/** A figure measured several times: median and range. */
export interface Measure {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Builds a {@link Measure} from repeated runs. */
export function measure(runs: number[]): Measure {
  return { median: round(median(runs), 1), min: round(Math.min(...runs), 1), max: round(Math.max(...runs), 1), runs: runs.map((x) => round(x, 1)) };
}

/** HTTP figures of one side (API or bare endpoint). */
export interface HttpFigures {
  rps: Measure;
  /** CPU time the serving process spent per request, ms (median over runs; robust to other load). */
  cpuMsPerReq: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  tool: string;
}

/** One gate: passes when the value is within 10% of its target (perf-baseline.md §3 rules). */
export interface Check {
  name: string;
  target: string;
  value: string;
  pass: boolean;
}

/** Plan figures of the statements a workload's requests ran. */
export interface PlanFigures {
  /** Statements per request (median). */
  statementsPerRequest: number;
  /** `relation` names read by a Seq Scan in any explained statement touching `issue`. */
  seqScans: string[];
  /** Worst shared buffers of the page query over the explained parameter sets. */
  worstBuffers: number;
  /** Worst execution time of the page query, ms. */
  worstMs: number;
  /** Worst rows removed by filters in the page query. */
  worstRowsRemoved: number;
  /** Plan outline of the worst page query. */
  outline: string[];
  /** The worst page query (SQL and parameters) — to reproduce. */
  sql?: string;
  params?: unknown[];
  errors: string[];
}

/** Result of one workload on one engine. */
export interface WorkloadResult {
  id: string;
  group: string;
  title: string;
  connections: number;
  /** Mean response body size, bytes. */
  bytesPerResponse: number;
  api: HttpFigures;
  apiC1?: HttpFigures;
  bare: HttpFigures;
  bareC1?: HttpFigures;
  /** Diagnostic (B1): the bare server running every SELECT the API ran per request, in order. */
  bareAllStatements?: HttpFigures;
  pgbench?: { tps: Measure; latencyAvgMs: number; failed: number; clients: number };
  driver?: { opsPerSec: Measure; p50Ms: number; p99Ms: number; callers: number };
  ratios: { pgbench?: number; driver?: number; bare: number; postgresApi?: number };
  /** perf-baseline.md §3 "≈ absolute here" req/s, for information (the gates are ratios). */
  referenceRps: number;
  plan?: PlanFigures;
  checks: Check[];
}

/** Cold-start figures (B10), ms. */
export interface ColdStart {
  id: string;
  title: string;
  api: Measure;
  baseline: Measure;
  baselineTitle: string;
  ratio: number;
  checks: Check[];
}

/** Everything one engine produced. */
export interface EngineResult {
  engine: string;
  /** When this engine was measured (runs of one engine keep the other's earlier figures). */
  date?: string;
  /** 1-minute load average when the engine's run started. */
  loadBefore?: number;
  issues: number;
  loadSeconds: number;
  helloRps?: number;
  /** hello req/s ÷ 13,909 (perf-baseline.md §2.4, same wrk settings). */
  machineFactor?: number;
  apiRssMb?: { current: number; peak: number };
  versionCheck?: { versions: number; gapFree: boolean; detail: string };
  workloads: WorkloadResult[];
  /** The API's SQL per workload, explained (also in `--plans` runs, which measure nothing else). */
  plans: Array<{ id: string; title: string; bytesPerResponse: number; plan: PlanFigures }>;
  coldStart: ColdStart[];
  notes: string[];
}

/** A whole run. */
export interface RunResult {
  date: string;
  mode: 'quick' | 'full' | 'plans';
  options: Record<string, unknown>;
  machine: Record<string, unknown>;
  engines: EngineResult[];
}

const n = (x: number | undefined, d = 0) => (x === undefined || !Number.isFinite(x) ? '–' : round(x, d).toLocaleString('en-US'));
const range = (m: Measure) => (m.runs.length > 1 ? ` (${n(m.min)}–${n(m.max)})` : '');

/** Renders the run as markdown (one table per engine, then cold start and findings). */
export function renderMarkdown(run: RunResult): string {
  const out: string[] = [
    `# Benchmark results (${run.mode})`,
    '',
    `Run ${run.date} · ${Object.entries(run.machine).map(([k, v]) => `${k}: ${v}`).join(' · ')}`,
    '',
  ];
  for (const e of run.engines) {
    out.push(`## ${e.engine} — ${n(e.issues)} issues (loaded in ${n(e.loadSeconds, 1)} s)${e.date ? `, measured ${e.date}` : ''}${e.loadBefore !== undefined ? ` (load average ${e.loadBefore} at start)` : ''}`, '');
    if (e.helloRps) out.push(`Bare Fastify /hello: ${n(e.helloRps)} req/s → machine factor ${n(e.machineFactor, 2)} (÷ 13,909, wrk -t1 -c32).`, '');
    const base = e.engine === 'postgres' ? 'pgbench tps' : 'driver ops/s';
    if (e.workloads.length) out.push(
      `| Workload | c | API req/s | p50 / p99 ms | CPU ms/req API / bare | ${base} | bare req/s | API ÷ ${e.engine === 'postgres' ? 'pgbench' : 'driver'} | API ÷ bare | §3 ≈ req/s | plan (buffers, seq scans) | gates |`,
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const w of e.workloads) {
      const b = w.pgbench ? `${n(w.pgbench.tps.median)}${range(w.pgbench.tps)}` : w.driver ? `${n(w.driver.opsPerSec.median)}${range(w.driver.opsPerSec)}` : '–';
      const ratio = w.ratios.pgbench ?? w.ratios.driver;
      const big = w.plan?.seqScans.filter((t) => BIG_TABLES.includes(t)) ?? [];
      const plan = w.plan ? `${n(w.plan.worstBuffers)}${big.length ? `, **Seq Scan ${big.join(', ')}**` : ''}` : '–';
      const failed = w.checks.filter((c) => !c.pass);
      const gates = w.checks.length ? (failed.length ? `**FAIL** ${failed.map((c) => `${c.name} ${c.value} (${c.target})`).join('; ')}` : 'pass') : '–';
      const c1 = w.apiC1 ? `; c1 p50 ${n(w.apiC1.p50Ms, 1)}` : '';
      out.push(
        `| ${w.id} | ${w.connections} | ${n(w.api.rps.median)}${range(w.api.rps)} | ${n(w.api.p50Ms, 1)} / ${n(w.api.p99Ms, 1)}${c1} | ${n(w.api.cpuMsPerReq, 2)} / ${n(w.bare.cpuMsPerReq, 2)} | ${b} | ${n(w.bare.rps.median)} | ${n(ratio, 2)}× | ${n(w.ratios.bare, 2)}× | ${e.engine === 'postgres' ? n(w.referenceRps) : '–'} | ${plan} | ${gates} |`,
      );
    }
    if (e.workloads.length) out.push('');
    const diag = e.workloads.filter((w) => w.bareAllStatements);
    if (diag.length) {
      out.push(
        'Diagnostic — where the list request\'s time goes (req/s at the same concurrency): bare endpoint with the page query only; bare endpoint running every SELECT the API ran for the request (auth, team, page, labels); the API.',
        '',
        '| Workload | bare, page query: req/s (CPU ms/req) | bare, all statements | API | API ÷ bare (all statements) |',
        '|---|---|---|---|---|',
      );
      for (const w of diag) {
        const all = w.bareAllStatements!;
        out.push(
          `| ${w.id} | ${n(w.bare.rps.median)} (${n(w.bare.cpuMsPerReq, 2)}) | ${n(all.rps.median)} (${n(all.cpuMsPerReq, 2)}) | ${n(w.api.rps.median)} (${n(w.api.cpuMsPerReq, 2)}) | ${n(w.api.rps.median / all.rps.median, 2)}× |`,
        );
      }
      out.push('');
    }
    if (e.versionCheck) out.push(`Op-log versions after the writes: ${e.versionCheck.detail}.`, '');
    if (e.apiRssMb) out.push(`API process RSS after the run: ${n(e.apiRssMb.current)} MB (peak ${n(e.apiRssMb.peak)} MB).`, '');
    if (e.coldStart.length) {
      out.push('| Cold start | API ms | baseline ms | ratio | gates |', '|---|---|---|---|---|');
      for (const c of e.coldStart) {
        const failed = c.checks.filter((x) => !x.pass);
        out.push(
          `| ${c.id} ${c.title} | ${n(c.api.median)}${range(c.api)} | ${n(c.baseline.median)}${range(c.baseline)} (${c.baselineTitle}) | ${n(c.ratio, 2)}× | ${failed.length ? `**FAIL** ${failed.map((x) => `${x.name} ${x.value} (${x.target})`).join('; ')}` : 'pass'} |`,
        );
      }
      out.push('');
    }
    for (const note of e.notes) out.push(`- ${note}`);
    if (e.notes.length) out.push('');
    if (e.plans.length) {
      out.push(
        `### ${e.engine}: plans of the API's page queries (worst of the explained parameter sets)`,
        '',
        '| Workload | statements / request | response bytes | buffers | exec ms | rows removed | seq scans (any table) | top of plan |',
        '|---|---|---|---|---|---|---|---|',
      );
      for (const p of e.plans) {
        const top = p.plan.outline.slice(0, 4).map((l) => l.trim()).join(' ← ');
        out.push(
          `| ${p.id} | ${p.plan.statementsPerRequest} | ${n(p.bytesPerResponse)} | ${n(p.plan.worstBuffers)} | ${n(p.plan.worstMs, 1)} | ${n(p.plan.worstRowsRemoved)} | ${p.plan.seqScans.join(', ') || 'none'} | ${top} |`,
        );
      }
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

/** A gate on a ratio or value: `min` passes at ≥ 0.9 × target, `max` at ≤ 1.1 × target. */
export function gate(name: string, value: number, target: number, kind: 'min' | 'max', unit = ''): Check {
  const pass = kind === 'min' ? value >= 0.9 * target : value <= 1.1 * target;
  return { name, target: `${kind === 'min' ? '≥' : '≤'} ${target}${unit}`, value: `${round(value, 2)}${unit}`, pass };
}
