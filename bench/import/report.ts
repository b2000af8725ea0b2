/**
 * The import benchmark's report: `bench/results/import-<mode>.json` (everything) and `.md`
 * (gates: on PostgreSQL import ≤ 3× the COPY of the same rows; on PGlite ≤ 20 s for 100k
 * (perf-baseline.md §3 B6); peak RSS ≤ 512 MB above idle; ≤ 1 sync operation per 1,000 issues).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../lib/procs.ts';
import { round } from '../lib/util.ts';
import type { ImportResult } from './b6.ts';

/** What run.ts collected. */
export interface ImportReport {
  date: string;
  mode: string;
  machine: Record<string, unknown>;
  load: { start: number[]; end: number[] };
  source: { file: string; issues: number };
  sizes: { issues: number; files: Array<{ name: string; issues: number; bytes: number }> };
  results: ImportResult[];
  errors: Record<string, string>;
}

const ok = (pass: boolean) => (pass ? 'pass' : '**FAIL**');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Writes the reports; returns their paths. */
export function writeImportReport(r: ImportReport): string[] {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `import-${r.mode}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  const md = [
    `# Import benchmark (${r.mode}) — ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memGB} GB, Node ${r.machine.node}. Load average at start ${r.load.start.map((x) => x.toFixed(2)).join(' / ')}, at end ${r.load.end.map((x) => x.toFixed(2)).join(' / ')}.`,
    `File: \`${r.source.file}\` (${r.source.issues} real issues) scaled to ${r.sizes.issues} issues in ${r.sizes.files.length} upload(s) of ${r.sizes.files.map((f) => `${f.issues} (${(f.bytes / 1048576).toFixed(1)} MB)`).join(', ')}, format \`jira-csv\`.`,
    '',
    '| Engine | Import wall time | Issues/s | COPY of the same rows | Ratio | Gate | Peak RSS above idle | Sync ops sent (per 1k issues) | Export JSON | Export CSV |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.results) {
    const gate = x.engine === 'postgres' ? `≤ 3× COPY: ${ok(x.ratio <= 3.3)}` : `≤ 20 s per 100k: ${ok(x.wallMs / (x.issues / 100_000) <= 22_000)}`;
    const [j, c] = x.export;
    md.push(
      `| ${x.engine} | ${s(x.wallMs)} | ${x.issuesPerSecond} | ${s(x.floor.ms)} | ${x.ratio} | ${gate} | ${x.peakRssIncreaseMB} MB (idle ${x.idleRssMB} MB): ${ok(x.peakRssIncreaseMB <= 512 * 1.1)} | ${x.sync.opsReceived} in ${x.sync.framesReceived} frames, ${x.sync.versions} versions (${x.sync.opsPer1kIssues}): ${ok(x.sync.opsPer1kIssues <= 1)} | ${j ? `${s(j.ms)}, ${(j.bytes / 1048576).toFixed(1)} MB, RSS +${j.rssIncreaseMB} MB` : '–'} | ${c ? `${s(c.ms)}, ${(c.bytes / 1048576).toFixed(1)} MB, RSS +${c.rssIncreaseMB} MB` : '–'} |`,
    );
  }
  md.push('', 'Responsiveness during the imports (`GET /api/healthz` every 200 ms, answer time):', '');
  for (const x of r.results) if (x.healthz) md.push(`- ${x.engine}: ${x.healthz.requests} requests, p50 ${x.healthz.p50} ms, p99 ${x.healthz.p99} ms, max ${x.healthz.max} ms`);
  md.push('', 'CPU time (less sensitive to the machine\'s load than wall time; the database\'s only on PostgreSQL, read from `/proc` of its backends):', '');
  for (const x of r.results) {
    if (!x.cpu) continue;
    md.push(`- ${x.engine}: import: API ${s(x.cpu.apiMs)}${x.cpu.dbMs !== undefined ? `, database ${s(x.cpu.dbMs)}` : ''}${x.floor.cpuMs ? `; COPY floor ${s(x.floor.cpuMs)}${x.engine === 'pglite' ? ' (in the harness process)' : ''}` : ''}${x.cpuRatio !== undefined ? `; ratio of CPU times ${x.cpuRatio}` : ''}`);
  }
  md.push('', 'Per file (upload → 202, and → job succeeded):', '');
  for (const x of r.results) {
    md.push(`- ${x.engine}: ${x.files.map((f) => `${f.file} ${f.issues} issues: accepted ${s(f.acceptMs)}, done ${s(f.totalMs)} (${Math.round(f.issues / (f.totalMs / 1000))}/s; ${f.counts.comments ?? 0} comments, ${f.counts.relations ?? 0} relations, ${f.problems} problems listed${f.droppedPolls ? `; ${f.droppedPolls} status polls dropped by the server and retried` : ''})`).join('; ')}`);
    md.push(`  - COPY floor per table: ${x.floor.tables.map((t) => `${t.table} ${t.rows} rows ${round(t.ms)} ms`).join(', ')}`);
  }
  for (const [e, err] of Object.entries(r.errors)) md.push('', `## ${e} — FAILED`, '', '```', err.slice(0, 3000), '```');
  writeFileSync(`${base}.md`, `${md.join('\n')}\n`);
  return [`${base}.json`, `${base}.md`];
}
