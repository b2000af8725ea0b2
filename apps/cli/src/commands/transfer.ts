/**
 * `exponential import <file>` and `exponential export`: bring a tracker's export in (Jira CSV, XML
 * or JSON, GitHub JSON, Linear CSV, Trello JSON, Monorail CSV, or our own JSON/CSV), with a dry
 * run that lists every problem, then a job whose progress is drawn as a bar; and take the whole
 * workspace (JSON) or its issues (CSV) out. Everything goes through the SDK's typed client.
 */
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from '../command.ts';
import { apiOf, CliError, type Ctx, usage } from '../context.ts';

/** Formats the server accepts, and a guess from the file name. */
const FORMATS = ['jira-csv', 'jira-xml', 'jira-json', 'github-json', 'linear-csv', 'trello-json', 'monorail-csv', 'exponential-json', 'exponential-csv'] as const;

type Problem = { severity?: string; message: string; row?: number; column?: string; path?: string };
type Job = { id: string; status: string; progress: number; counts: Record<string, number>; problems: Problem[]; error: string | null };

/** Guesses the format from the file's name and first bytes; null when unsure. */
export function guessFormat(file: string, head: string): (typeof FORMATS)[number] | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xml') return 'jira-xml';
  if (ext === '.csv') {
    if (/^\uFEFF?(ID,Team,Title|"?ID"?,"?Team"?)/.test(head)) return 'linear-csv';
    if (/Issue key|Clave de incidencia|Summary/i.test(head.split('\n')[0] ?? '')) return 'jira-csv';
    if (/^\uFEFF?"?(ID|LocalID)"?,"?Pri"?/i.test(head) || /Monorail|AllLabels/i.test(head.split('\n')[0] ?? '')) return 'monorail-csv';
    if (/identifier/i.test(head.split('\n')[0] ?? '')) return 'exponential-csv';
    return null;
  }
  if (ext === '.json') {
    if (/"format"\s*:\s*"exponential"/.test(head)) return 'exponential-json';
    if (/"lists"\s*:|"idBoard"/.test(head)) return 'trello-json';
    if (/"html_url"\s*:\s*"https:\/\/github/.test(head)) return 'github-json';
    if (/"fields"\s*:|"key"\s*:\s*"[A-Z]+-\d+"/.test(head)) return 'jira-json';
  }
  return null;
}

function describeProblem(p: Problem): string {
  const where = p.path ?? (p.row !== undefined ? `row ${p.row}${p.column ? `, column ${p.column}` : ''}` : '');
  return `${p.severity === 'warning' ? 'warning' : 'error'}${where ? ` at ${where}` : ''}: ${p.message}`;
}

function counts(c: Record<string, number>): string {
  return Object.entries(c)
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

function bar(progress: number): string {
  const width = 30;
  const full = Math.round((progress / 100) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(progress).padStart(3)}%`;
}

async function runImport(ctx: Ctx, opts: Record<string, any>, args: string[]) {
  const [file] = args;
  if (!file) throw usage('Name the file to import: exponential import <file> [--format …]');
  let bytes: Buffer;
  try {
    // The server's limit (docs/IMPORT.md): 128 MiB for CSV, 32 MiB for JSON and XML.
    if (statSync(file).size > 128 * 1024 * 1024) throw new CliError(`${file} is over the 128 MiB import limit: split it`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const format = (opts.format as string | undefined) ?? guessFormat(file, bytes.subarray(0, 4096).toString('utf8'));
  if (!format || !(FORMATS as readonly string[]).includes(format)) {
    throw usage(`Say which format ${file} is in: --format ${FORMATS.join('|')}`);
  }
  if (!format.endsWith('-csv') && bytes.byteLength > 32 * 1024 * 1024) throw new CliError(`${file} is over the 32 MiB import limit of JSON and XML files: split it`);
  const api = apiOf(ctx);
  const query = {
    format,
    dryRun: !!opts['dry-run'],
    mode: opts['skip-errors'] ? 'skip' : 'all',
    ...(opts.team ? { team: opts.team as string } : {}),
    ...(opts['pull-requests'] ? { pullRequests: 'keep' } : {}),
    fileName: path.basename(file),
  };
  const res = await api.POST('/api/v1/imports', {
    params: { query: query as never },
    body: bytes as never,
    bodySerializer: (b: unknown) => b as BodyInit,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (res.error) throw new CliError(`Import refused: ${(res.error as { detail?: string }).detail ?? res.response.status}`);
  const data = res.data as unknown as Job & { valid?: boolean; problemCount?: number };
  if (opts['dry-run']) {
    if (ctx.json) return ctx.out(JSON.stringify(data));
    ctx.out(`Dry run of ${file} (${format}): would create ${counts(data.counts) || 'nothing'}`);
    for (const p of data.problems.slice(0, 50)) ctx.out(`  ${describeProblem(p)}`);
    if ((data.problemCount ?? data.problems.length) > 50) ctx.out(`  … and ${(data.problemCount ?? 0) - 50} more`);
    if (data.valid === false) throw new CliError('The file has errors: fix them, or import with --skip-errors to leave those records out');
    return;
  }
  let job = data;
  const tty = process.stderr.isTTY && !ctx.json;
  const deadline = Date.now() + 30 * 60 * 1000;
  while (job.status === 'queued' || job.status === 'running') {
    if (tty) process.stderr.write(`\r${bar(job.progress)} importing ${path.basename(file)}`);
    if (Date.now() > deadline) throw new CliError(`The import is still running after 30 minutes; check it later with its id ${job.id}`);
    await new Promise((r) => setTimeout(r, 500));
    const next = await api.GET('/api/v1/imports/{importId}', { params: { path: { importId: job.id } } });
    if (next.error) throw new CliError(`Cannot read the import's progress: ${(next.error as { detail?: string }).detail ?? next.response.status}`);
    job = next.data as unknown as Job;
  }
  if (tty) process.stderr.write(`\r${bar(100)} importing ${path.basename(file)}\n`);
  if (ctx.json) ctx.out(JSON.stringify(job));
  else {
    for (const p of job.problems.slice(0, 50)) ctx.out(`  ${describeProblem(p)}`);
    ctx.out(job.status === 'succeeded' ? `Imported ${counts(job.counts) || 'nothing'}` : `Import failed: ${job.error ?? 'see the problems above'}`);
  }
  if (job.status !== 'succeeded') throw new CliError(`Import ${job.id} ${job.status}`);
}

async function runExport(ctx: Ctx, opts: Record<string, any>) {
  const api = apiOf(ctx);
  const csv = !!opts.csv;
  const res = csv
    ? await api.GET('/api/v1/exports/issues.csv', { parseAs: 'stream' })
    : await api.GET('/api/v1/exports/workspace.json', { parseAs: 'stream' });
  if (res.error || !res.data) throw new CliError(`Export refused (${res.response.status}): owners and admins can export`);
  const body = Readable.fromWeb(res.data as never);
  const out = opts.output as string | undefined;
  if (out) {
    await pipeline(body, createWriteStream(out, { mode: 0o600 }));
    ctx.err(`Wrote ${out}`);
  } else await pipeline(body, process.stdout);
}

/** The `import` and `export` commands. */
export const transferCommands: Command[] = [
  {
    path: ['import'],
    summary: 'Import issues from a file exported by Jira, GitHub, Linear, Trello, Monorail or exponential.',
    args: ['FILE'],
    details: 'The format is guessed from the file when --format is not given. Start with --dry-run: it lists what would be created and every problem, and writes nothing.',
    options: {
      format: { type: 'string', value: FORMATS.join('|'), description: 'the file format' },
      'dry-run': { type: 'boolean', description: 'check the file and show what would be created, without writing' },
      'skip-errors': { type: 'boolean', description: 'import what is valid and report the rest (default: all or nothing)' },
      team: { type: 'string', value: 'KEY', description: 'import into this existing team' },
      'pull-requests': { type: 'boolean', description: 'GitHub: keep pull requests as issues' },
    },
    run: runImport,
  },
  {
    path: ['export'],
    summary: 'Export the whole workspace as JSON (lossless, re-importable), or its issues as CSV.',
    options: {
      csv: { type: 'boolean', description: 'issues as CSV (RFC 4180, spreadsheet-safe) instead of the workspace JSON' },
      output: { type: 'string', short: 'o', value: 'FILE', description: 'write to FILE instead of standard output' },
    },
    run: runExport,
  },
];
