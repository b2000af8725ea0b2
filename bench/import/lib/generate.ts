/**
 * The B6 import file: a real Jira Cloud "Export → CSV (all fields)" file from the shared
 * datasets (thedripper-clearcorrectv2_Jira.csv: 127 issues, 69 columns, descriptions in wiki
 * markup, comments, sprints, assignees; see shared/datasets/PROVENANCE.md) scaled to `total`
 * issues by repeating its rows. Copy c of source issue CCCSG-n becomes CCCSG-(c·1000 + n): every
 * key in every cell (links, mentions) is renumbered within its copy, "Issue id" gets a new unique
 * number, everything else (header with its repeated columns, text, dates) is kept byte for byte
 * in meaning. The result is split into files of at most `perFile` issues (one upload takes at most
 * 200,000 CSV rows and 128 MiB, docs/IMPORT.md, so 100,000 issues fit one file); numbers grow from
 * file to file, so each file's numbers are above the team's counter and are kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { root } from '../../lib/procs.ts';

/** The source file, relative to the repository root. */
export const SOURCE = '../shared/datasets/jira-csv/thedripper-clearcorrectv2_Jira.csv';

/** One generated upload. */
export interface ImportFile {
  name: string;
  bytes: Buffer;
  issues: number;
}

function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Generates the upload files.
 * @throws Error when the source file is missing or a file would pass the upload limits
 */
export function generateImportFiles(total: number, perFile: number): { files: ImportFile[]; sourceIssues: number; sourcePath: string } {
  const sourcePath = path.resolve(root, SOURCE);
  const text = readFileSync(sourcePath, 'utf8').replace(/^\uFEFF/, '');
  const records = parse(text, { relax_column_count: false }) as string[][];
  const [header, ...rows] = records as [string[], ...string[][]];
  const keyCol = header.indexOf('Issue key');
  const idCol = header.indexOf('Issue id');
  if (keyCol < 0 || idCol < 0) throw new Error('the source has no "Issue key" / "Issue id" columns');
  const project = (rows[0]![keyCol] as string).split('-')[0] as string;
  const keyRx = new RegExp(`\\b${project}-(\\d+)\\b`, 'g');
  const headerLine = `${header.map(cell).join(',')}\r\n`;
  const files: ImportFile[] = [];
  let lines: string[] = [];
  let made = 0;
  const flush = () => {
    if (!lines.length) return;
    const bytes = Buffer.from(headerLine + lines.join(''), 'utf8');
    if (bytes.length > 128 * 1024 * 1024 || lines.length > 200_000) throw new Error(`file ${files.length + 1} passes the upload limits (${bytes.length} bytes, ${lines.length} rows)`);
    files.push({ name: `jira-scaled-${files.length + 1}.csv`, bytes, issues: lines.length });
    lines = [];
  };
  for (let c = 0; made < total; c++) {
    for (const r of rows) {
      if (made >= total) break;
      const out = r.map((v, i) => {
        if (i === idCol) return String(1_000_000 + made);
        return v.replace(keyRx, (_m, n: string) => `${project}-${c * 1000 + Number(n)}`);
      });
      lines.push(`${out.map(cell).join(',')}\r\n`);
      made++;
      if (lines.length >= perFile) flush();
    }
  }
  flush();
  return { files, sourceIssues: rows.length, sourcePath };
}
