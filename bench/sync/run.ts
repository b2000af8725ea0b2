/**
 * Benchmarks of real-time sync (perf-baseline.md §3 B7, B8, B9, B12) — not tests: never part of
 * the vitest suite. Usage (from the repository root):
 *
 *   node --import tsx bench/sync/run.ts --quick        # N=100, 1,000 ops, 10,000 issues, 1 run
 *   node --import tsx bench/sync/run.ts                # N=100 and 1,000, 10,000 ops, 100,000 issues, 3 runs
 *   node --import tsx bench/sync/run.ts --only B7,B12 --runs 1
 *
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a
 * fresh database is created and dropped) and Redis for the two-process topology (REDIS_URL,
 * default redis://127.0.0.1:6379). Every server listens on 127.0.0.1 only. Results:
 * bench/results/sync-<quick|full>.{json,md}.
 */
import os from 'node:os';
import { log } from '../lib/util.ts';
import { runB7 } from './b7.ts';
import { runB8 } from './b8.ts';
import { runB9 } from './b9.ts';
import { runB12 } from './b12.ts';
import { prepareSyncDb, type SyncDb } from './lib/fixture.ts';
import { writeSyncReport } from './report.ts';

const HELP = `bench/sync/run.ts [--quick] [--only B7,B8,B9,B12] [--runs N] [--sizes 100,1000] [--ops N] [--issues N] [--redis URL] [--topologies 1,2] [--tag NAME] [--engine postgres|pglite]`;

function args(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  if (argv.includes('--help')) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  const sizes = (get('--sizes') ?? (quick ? '100' : '100,1000')).split(',').map(Number);
  return {
    quick,
    only: new Set((get('--only') ?? 'B7,B8,B9,B12').toUpperCase().split(',')),
    runs: Number(get('--runs') ?? (quick ? 1 : 3)),
    sizes,
    ops: Number(get('--ops') ?? (quick ? 1000 : 10_000)),
    issues: Number(get('--issues') ?? (quick ? 10_000 : 100_000)),
    storm: 100,
    topologies: (get('--topologies') ?? '1,2').split(',').map(Number) as Array<1 | 2>,
    /** Suffix of the result files (a partial run must not overwrite the full one). */
    tag: get('--tag'),
    /** B9 and B12 also run on PGlite; B7 and B8 need PostgreSQL (Redis topology, postgres.js floor). */
    engine: (get('--engine') ?? 'postgres') as 'postgres' | 'pglite',
    redisUrl: get('--redis') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

async function main() {
  const o = args(process.argv.slice(2));
  const started = new Date();
  const loadStart = os.loadavg();
  const maxN = Math.max(...o.sizes, o.storm + 10);
  log(`sync bench ${o.quick ? 'quick' : 'full'}: ${o.issues} issues, sizes ${o.sizes.join('/')}, ${o.ops} ops, ${o.runs} run(s); load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  let db: SyncDb | undefined;
  const results: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const step = async (id: string, fn: () => Promise<unknown>) => {
    if (!o.only.has(id)) return;
    log(`${id} …`);
    try {
      results[id] = await fn();
    } catch (err) {
      errors[id] = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`${id} failed: ${errors[id]}`);
    }
  };
  try {
    if (o.engine === 'pglite') for (const id of ['B7', 'B8']) if (o.only.delete(id)) log(`${id} needs PostgreSQL: skipped on PGlite`);
    db = await prepareSyncDb(o.engine, o.issues, maxN);
    log(`database ready in ${db.loadSeconds.toFixed(1)} s`);
    const d = db;
    await step('B12', () => runB12(d, Math.max(...o.sizes), o.quick ? 25 : 45));
    await step('B9', () => runB9(d, { runs: o.runs }));
    await step('B7', () => runB7(d, { sizes: o.sizes, ops: 50, rate: 10, runs: o.runs, topologies: o.topologies, redisUrl: o.redisUrl }));
    await step('B8', () => runB8(d, { ops: o.ops, runs: o.runs, storm: o.storm }));
  } finally {
    await db?.destroy();
  }
  const report = {
    date: started.toISOString(),
    mode: `${o.quick ? 'quick' : 'full'}${o.tag ? `-${o.tag}` : ''}`,
    engine: o.engine,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 1073741824), node: process.version },
    load: { start: loadStart, end: os.loadavg() },
    sizes: { issues: o.issues, clients: o.sizes, ops: o.ops, runs: o.runs, storm: o.storm },
    results,
    errors,
  };
  const files = writeSyncReport(report);
  log(`wrote ${files.join(', ')}`);
  if (Object.keys(errors).length) process.exitCode = 1;
}

main().then(
  // Exit even if a failed step left a socket or timer behind: a benchmark always ends.
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
