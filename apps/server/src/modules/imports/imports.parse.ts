/**
 * From uploaded bytes to a validated {@link ImportDoc}: picks the parser of the declared format,
 * decodes the text, and runs the shared validation. Nothing here touches the database.
 */
import { AppError } from '../../lib/errors.ts';
import { rejectFile } from './imports.errors.ts';
import { type CsvEncoding, readCsv } from './imports.csv.ts';
import { JsonReader, readJson } from './imports.json.ts';
import type { ImportDoc } from './imports.model.ts';
import { Slicer } from './imports.slicer.ts';
import { validateDoc, type Validation } from './imports.validate.ts';
import { parseExponentialCsv } from './parsers/exponential-csv.ts';
import { parseExponentialJson } from './parsers/exponential-json.ts';
import { parseGithubJson } from './parsers/github-json.ts';
import { parseJiraCsv } from './parsers/jira-csv.ts';
import { parseJiraJson } from './parsers/jira-json.ts';
import { parseJiraXml } from './parsers/jira-xml.ts';
import { parseLinearCsv } from './parsers/linear-csv.ts';
import { parseMonorailCsv } from './parsers/monorail-csv.ts';
import { parseTrelloJson } from './parsers/trello-json.ts';

/** Import formats, as the `format` parameter names them. */
export const IMPORT_FORMATS = [
  'jira-csv', 'jira-xml', 'jira-json', 'github-json', 'linear-csv', 'trello-json', 'monorail-csv', 'exponential-json', 'exponential-csv',
] as const;
/** One import format. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Options that change how a file is read. */
export interface ParseOptions {
  format: ImportFormat;
  mode: 'all' | 'skip';
  /** CSV text encoding (default UTF-8). */
  encoding?: CsvEncoding;
  /** GitHub: skip (default) or keep pull requests. */
  pullRequests?: 'skip' | 'keep';
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw rejectFile(400, 'invalid_encoding', `The ${what} is not valid UTF-8`, [{ severity: 'error', path: '$', message: 'not valid UTF-8' }]);
  }
}

/**
 * Parses and validates an upload, in slices with turns of the event loop between them (see
 * imports.slicer.ts), so the server keeps answering meanwhile.
 * @throws AppError 400 (unreadable file), 422 (structure the format requires is missing)
 */
export async function parseUpload(bytes: Uint8Array, opts: ParseOptions): Promise<{ doc: ImportDoc; validation: Validation }> {
  try {
    return await parseOrThrow(bytes, opts);
  } catch (err) {
    if (err instanceof AppError) throw err;
    // A file must never crash the server: whatever a parser did not foresee is the file's fault here.
    const message = err instanceof Error ? err.message : String(err);
    throw rejectFile(400, 'unreadable_file', `The file cannot be read as ${opts.format}: ${message}`, [{ severity: 'error', path: '$', message }]);
  }
}

async function parseOrThrow(bytes: Uint8Array, opts: ParseOptions): Promise<{ doc: ImportDoc; validation: Validation }> {
  let doc: ImportDoc;
  const f = opts.format;
  const slicer = new Slicer();
  if (f.endsWith('-csv')) {
    const table = await readCsv(bytes, opts.encoding, slicer);
    await slicer.yield();
    doc = await (f === 'jira-csv' ? parseJiraCsv(table, slicer) : f === 'linear-csv' ? parseLinearCsv(table, slicer) : f === 'monorail-csv' ? parseMonorailCsv(table, slicer) : parseExponentialCsv(table, slicer));
  } else if (f === 'jira-xml') {
    doc = parseJiraXml(decodeUtf8(bytes, 'XML file'));
  } else {
    const root = readJson(decodeUtf8(bytes, 'JSON file'));
    const reader = new JsonReader([], f === 'exponential-json');
    doc = f === 'jira-json' ? parseJiraJson(root, reader)
      : f === 'github-json' ? parseGithubJson(root, reader, { pullRequests: opts.pullRequests ?? 'skip' })
        : f === 'trello-json' ? parseTrelloJson(root, reader)
          : parseExponentialJson(root, reader);
  }
  if (!doc.issues.length && !doc.problems.some((p) => p.severity === 'error')) {
    doc.problems.push({ severity: 'error', path: '$', message: 'the file holds no issues' });
  }
  await slicer.yield();
  return { doc, validation: await validateDoc(doc, opts.mode, slicer) };
}
