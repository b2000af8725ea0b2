/**
 * `npm run bench` — the core service's benchmark suite (perf-baseline.md §3: B1–B5 and B10),
 * each workload reported as a ratio to baselines re-measured in the same run. NOT a test: it is
 * never part of the vitest suite.
 *
 *   npm run bench -- [--engine pg|pglite|both] [--only B1,B3,B2.zero-label,B10] [--quick]
 *                    [--issues N] [--seconds S] [--reps R] [--log-level warn] [--node-client]
 *                    [--plans] [--no-save]
 *
 * `--quick`: 10,000 issues, 1 repetition of 2 s per measurement (a few minutes in all).
 * Default (full): D100k, median of 3 repetitions of 5 s (B2/B3 combinations 3 s each).
 * `--plans`: load, capture the API's SQL and EXPLAIN it; no load generation (safe on a busy box).
 * Results: bench/results/latest-<quick|full|plans>.json and .md (see docs/PERFORMANCE.md); a run
 * of one engine keeps the other engine's figures from the previous file. `--only` saves nothing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineName } from './lib/engines.ts';
import { type RunOptions, runEngine } from './lib/engine-run.ts';
import { findPgbench, findWrk } from './lib/load.ts';
import { ensureServerBundle } from './lib/procs.ts';
import { renderMarkdown, type RunResult } from './lib/report.ts';
import { log } from './lib/util.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    issues: { type: 'string' },
    seconds: { type: 'string' },
    reps: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    'node-client': { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
    plans: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  const src = readFileSync(new URL(import.meta.url), 'utf8');
  process.stdout.write(`${/\/\*\*([\s\S]*?)\*\//.exec(src)?.[1]?.replace(/^ \* ?/gm, '') ?? ''}\n`);
  process.exit(0);
}

const quick = values.quick;
const engines: EngineName[] =
  values.engine === 'both' ? ['postgres', 'pglite'] : values.engine === 'pg' || values.engine === 'postgres' ? ['postgres'] : values.engine === 'pglite' ? ['pglite'] : [];
if (!engines.length) {
  console.error(`--engine must be pg, pglite or both (got "${values.engine}")`);
  process.exit(2);
}
const seconds = Number(values.seconds ?? (quick ? 2 : 5));
const workDir = mkdtempSync(path.join(os.tmpdir(), 'exp-bench-work-'));
const o: RunOptions = {
  issues: Number(values.issues ?? (quick ? 10_000 : 100_000)),
  seconds,
  comboSeconds: values.seconds ? seconds : quick ? 2 : 3,
  warmupSeconds: 1,
  reps: Number(values.reps ?? (quick ? 1 : 3)),
  k: 32,
  explainSets: quick ? 4 : 8,
  only: values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null,
  logLevel: values['log-level'],
  forceNode: values['node-client'],
  workDir,
  plansOnly: values.plans,
};

const load = os.loadavg()[0]!;
if (!quick && load >= 1.5) log(`warning: load average is ${load.toFixed(2)} (≥ 1.5): figures will be noisy; prefer a quiet machine for the full run`);
if (engines.includes('postgres') && !findPgbench()) log('warning: pgbench not found: PostgreSQL baselines will fail');
if (!findWrk() && !o.forceNode) log('wrk not found: using the Node load generator (apt-get install -y wrk for the reference setup)');
// The API runs as it does in production: the built bundle (scripts/build-server.mjs).
await ensureServerBundle();

const run: RunResult = {
  date: new Date().toISOString(),
  mode: values.plans ? 'plans' : quick ? 'quick' : 'full',
  options: { ...o, only: values.only ?? null, workDir: undefined, engines },
  machine: {
    cpus: os.cpus().length,
    'load before': load.toFixed(2),
    node: process.version,
    'load generator': o.forceNode || !findWrk() ? 'node' : 'wrk -t1',
  },
  engines: [],
};

// A run of one engine keeps the other engine's figures from the previous run of the same mode
// (so the two can be measured in separate quiet windows); PGlite's parity gate (B13) then uses them.
const dir = path.join(import.meta.dirname, 'results');
const latest = path.join(dir, `latest-${run.mode}`);
let previous: RunResult | undefined;
try {
  previous = JSON.parse(readFileSync(`${latest}.json`, 'utf8')) as RunResult;
} catch {
  // first run of this mode
}
const pgApi = new Map<string, number>();
const earlierPg = !engines.includes('postgres') ? previous?.engines.find((e) => e.engine === 'postgres') : undefined;
for (const w of earlierPg?.workloads ?? []) pgApi.set(w.id, w.api.rps.median);

try {
  for (const engine of engines) {
    const loadBefore = os.loadavg()[0]!;
    const r = await runEngine(engine, o, engine === 'pglite' ? pgApi : undefined);
    r.date = new Date().toISOString();
    r.loadBefore = Number(loadBefore.toFixed(2));
    if (earlierPg && engine === 'pglite') r.notes.push(`PostgreSQL figures for the parity gate are from the run of ${earlierPg.date ?? previous?.date}`);
    if (engine === 'postgres') for (const w of r.workloads) pgApi.set(w.id, w.api.rps.median);
    run.engines.push(r);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
if (!values['no-save'] && previous && !values.only) {
  for (const e of previous.engines) {
    if (!run.engines.some((x) => x.engine === e.engine)) run.engines.push({ ...e, date: e.date ?? previous.date });
  }
  run.engines.sort((a, b) => (a.engine === 'postgres' ? -1 : b.engine === 'postgres' ? 1 : 0));
}

const md = renderMarkdown(run);
process.stdout.write(md);
if (!values['no-save'] && !values.only) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${latest}.json`, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(`${latest}.md`, md);
  log(`saved bench/results/latest-${run.mode}.{json,md}`);
} else if (values.only) log('--only: results not saved (partial runs never replace the latest figures)');
const failed = run.engines.flatMap((e) => [...e.workloads.flatMap((w) => w.checks), ...e.coldStart.flatMap((c) => c.checks)]).filter((c) => !c.pass);
log(failed.length ? `${failed.length} gate(s) missed` : 'all gates passed');
process.exit(0);
