/**
 * Benchmark of import and export (perf-baseline.md §3 B6) — not a test: never part of the vitest
 * suite. From the repository root:
 *
 *   node --import tsx bench/import/run.ts --quick     # 10,000 issues (one file), both engines
 *   node --import tsx bench/import/run.ts             # 100,000 issues (one file), both engines
 *   node --import tsx bench/import/run.ts --engine postgres --issues 50000
 *
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), on which
 * fresh databases are created and dropped. PGlite: temporary data directories. Results:
 * bench/results/import-<quick|full>.{json,md}.
 */
import os from 'node:os';
import type { EngineName } from '../lib/engines.ts';
import { log } from '../lib/util.ts';
import { type ImportResult, runB6 } from './b6.ts';
import { generateImportFiles, SOURCE } from './lib/generate.ts';
import { writeImportReport } from './report.ts';

function args(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  if (argv.includes('--help')) {
    console.log('bench/import/run.ts [--quick] [--engine postgres,pglite] [--issues N] [--per-file N] [--tag NAME] [--import-only]');
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  return {
    quick,
    engines: (get('--engine') ?? 'postgres,pglite').split(',') as EngineName[],
    issues: Number(get('--issues') ?? (quick ? 10_000 : 100_000)),
    perFile: Number(get('--per-file') ?? 100_000),
    /** Suffix of the result files (a partial run must not overwrite the full one). */
    tag: get('--tag'),
    /** Only the import: no export and no COPY floor (diagnostics; the report has no ratio). */
    importOnly: argv.includes('--import-only'),
  };
}

async function main() {
  const o = args(process.argv.slice(2));
  const started = new Date();
  const loadStart = os.loadavg();
  const gen = generateImportFiles(o.issues, o.perFile);
  log(`import bench ${o.quick ? 'quick' : 'full'}: ${o.issues} issues in ${gen.files.length} file(s) scaled from ${gen.sourceIssues} issues of ${SOURCE}; load ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  const results: ImportResult[] = [];
  const errors: Record<string, string> = {};
  for (const engine of o.engines) {
    try {
      results.push(await runB6(engine, gen.files, { importOnly: o.importOnly }));
    } catch (err) {
      errors[engine] = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`B6 ${engine} failed: ${errors[engine]}`);
    }
  }
  const files = writeImportReport({
    date: started.toISOString(),
    mode: `${o.quick ? 'quick' : 'full'}${o.tag ? `-${o.tag}` : ''}`,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 1073741824), node: process.version },
    load: { start: loadStart, end: os.loadavg() },
    source: { file: SOURCE, issues: gen.sourceIssues },
    sizes: { issues: o.issues, files: gen.files.map((f) => ({ name: f.name, issues: f.issues, bytes: f.bytes.length })) },
    results,
    errors,
  });
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
