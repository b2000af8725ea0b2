/**
 * From uploaded bytes to a validated {@link PreparedImport}: picks the parser of the declared
 * format, decodes the text, and runs the shared validation. Nothing here touches the database.
 *
 * A CSV upload (up to 128 MiB) streams: its rows are parsed and validated a batch at a time
 * ({@link CSV_BATCH_ROWS}); each validated batch is kept serialized and compressed (a few bytes per
 * source byte, off the JS heap), with only one small {@link IssueKey} per issue on the heap, and
 * the writer later takes the batches back one by one. JSON and XML (at most 32 MiB) are parsed
 * into one document, written as one batch.
 */
import { promisify } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { AppError } from '../../lib/errors.ts';
import { rejectFile } from './imports.errors.ts';
import { convertInWorker, convertIssues } from './imports.convert.ts';
import { CSV_BATCH_ROWS, type CsvEncoding, type CsvSource, openCsv } from './imports.csv.ts';
import { JsonReader, readJson } from './imports.json.ts';
import { DocBuilder, type ImportBatch, type ImportComment, type ImportDoc, type ImportIssue, type IssueKey, type PreparedImport, preparedFrom, type StateCategory } from './imports.model.ts';
import { Slicer } from './imports.slicer.ts';
import { markSanitized } from './imports.text.ts';
import { applySkip, DocValidator, setIssueHtml, type SkipFilter, validateDoc, type Validation } from './imports.validate.ts';
import { parseExponentialCsv } from './parsers/exponential-csv.ts';
import { parseExponentialJson } from './parsers/exponential-json.ts';
import { parseGithubJson } from './parsers/github-json.ts';
import { parseJiraCsv } from './parsers/jira-csv.ts';
import { parseJiraJson } from './parsers/jira-json.ts';
import { parseJiraXml } from './parsers/jira-xml.ts';
import { parseLinearCsv } from './parsers/linear-csv.ts';
import { parseMonorailCsv } from './parsers/monorail-csv.ts';
import { parseTrelloJson } from './parsers/trello-json.ts';
import type { ImportFormat } from './imports.formats.ts';

export { IMPORT_FORMATS, type ImportFormat } from './imports.formats.ts';

/** Options that change how a file is read. */
export interface ParseOptions {
  format: ImportFormat;
  mode: 'all' | 'skip';
  /** CSV text encoding (default UTF-8). */
  encoding?: CsvEncoding;
  /** GitHub: skip (default) or keep pull requests. */
  pullRequests?: 'skip' | 'keep';
  /** CSV: rows per batch (default {@link CSV_BATCH_ROWS}; tests use fewer). */
  batchRows?: number;
}

/** The result of {@link parseUpload}: the import to write, and what validation decided. */
export interface ParsedUpload {
  doc: PreparedImport;
  validation: Validation;
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
export async function parseUpload(bytes: Uint8Array, opts: ParseOptions): Promise<ParsedUpload> {
  try {
    return await parseOrThrow(bytes, opts);
  } catch (err) {
    if (err instanceof AppError) throw err;
    // A file must never crash the server: whatever a parser did not foresee is the file's fault here.
    const message = err instanceof Error ? err.message : String(err);
    throw rejectFile(400, 'unreadable_file', `The file cannot be read as ${opts.format}: ${message}`, [{ severity: 'error', path: '$', message }]);
  }
}

/** CSV batches parsed and waiting for their conversion (each holds at most a batch of rows). */
const MAX_CONVERTING = 3;

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/** One shared `state` of a key per category (a key needs only the category). */
const STATE_KEYS = new Map<StateCategory, IssueKey['state']>();

/**
 * The fields of an issue the writer needs before writing any ({@link IssueKey}), made small: one
 * is kept per issue (100,000 of them for the benchmark's file) until the import ends. The creation
 * time is kept as a number (a `Date` costs about 100 bytes), the state is shared per category and
 * the team reference is the document's own string (a parser makes one per row).
 * @param teams canonical team references (`ImportTeam.ref` of the document)
 */
function keyOf(i: ImportIssue, teams: Map<string, string>): IssueKey {
  let state = STATE_KEYS.get(i.state.category);
  if (!state) STATE_KEYS.set(i.state.category, (state = Object.freeze({ category: i.state.category })));
  let teamRef = teams.get(i.teamRef);
  if (teamRef === undefined) teams.set(i.teamRef, (teamRef = i.teamRef));
  return {
    ref: i.ref, teamRef, number: i.number ?? null, createdAt: i.createdAt ? i.createdAt.getTime() : null, rank: i.rank ?? null, sortOrder: i.sortOrder ?? null,
    parentRef: i.parentRef ?? null, state, path: i.path,
  };
}

/**
 * Parses and validates a CSV upload a batch of rows at a time (see the module comment).
 * The parsers push issues, comments and history into the builder's document; every
 * `batchRows` rows they are validated, serialized, compressed (zlib on the thread pool) and
 * removed from the document.
 */
async function parseCsvStreamed(table: CsvSource, format: ImportFormat, opts: ParseOptions, slicer: Slicer): Promise<ParsedUpload> {
  const b = new DocBuilder(format);
  const doc = b.doc;
  const teams = new Map<string, string>();
  const v = new DocValidator(doc, (i) => keyOf(i, teams));
  const parts: Buffer[] = [];
  const stubs = { comments: [] as Array<{ issueRef: string; path: string }>, history: [] as Array<{ issueRef: string; path: string }> };
  // Each batch's descriptions and comment bodies are converted in the conversion worker
  // (imports.convert.ts) while the next rows are parsed: a batch waits in `queue` until its
  // conversion is back, then its comments are checked on their converted bodies and it is
  // serialized and compressed, in file order. At most MAX_CONVERTING batches wait (memory).
  let queue: Promise<void> = Promise.resolve();
  let waiting = 0;
  const finishBatch = async (batch: ImportBatch, toConvert: ImportComment[], converting: Promise<Array<string | null> | null>) => {
    const html = await converting;
    const n = batch.issues.length;
    if (html) for (const [k, i] of batch.issues.entries()) setIssueHtml(i, html[k] ?? null);
    else await convertIssues(batch.issues, doc.names, slicer);
    const dropped = new Set<ImportComment>();
    for (const [k, c] of toConvert.entries()) {
      if (!v.commentBody(c, html ? html[n + k] : undefined)) dropped.add(c);
      await slicer.maybe();
    }
    if (dropped.size) batch.comments = batch.comments.filter((c) => !dropped.has(c));
    for (const c of batch.comments) stubs.comments.push({ issueRef: c.issueRef, path: c.path });
    for (const h of batch.history) stubs.history.push({ issueRef: h.issueRef, path: h.path });
    parts.push(await deflate(serialize(batch), { level: 1 }));
  };
  const flush = async () => {
    const batch: ImportBatch = { issues: doc.issues, comments: doc.comments, history: doc.history };
    if (!batch.issues.length && !batch.comments.length && !batch.history.length) return;
    doc.issues = [];
    doc.comments = [];
    doc.history = [];
    for (const i of batch.issues) {
      v.issue(i);
      await slicer.maybe();
    }
    const kept: ImportComment[] = [];
    const toConvert: ImportComment[] = [];
    for (const c of batch.comments) {
      const start = v.commentStart(c);
      if (start === 'drop') continue;
      kept.push(c);
      if (start === 'convert') toConvert.push(c);
    }
    batch.comments = kept;
    const converting = convertInWorker([
      ...batch.issues.map((i) => ({ text: i.description, suffix: i.descriptionSuffix })),
      ...toConvert.map((c) => ({ text: c.body })),
    ], doc.names);
    converting.catch(() => {});
    waiting++;
    const done = queue.then(() => finishBatch(batch, toConvert, converting)).finally(() => { waiting--; });
    done.catch(() => {});
    queue = done;
    if (waiting >= MAX_CONVERTING) await queue;
  };
  table.batchRows = opts.batchRows ?? CSV_BATCH_ROWS;
  table.onBatch = flush;
  // The file's structure is checked in a first pass, before any row is parsed (a file past the
  // row limit is refused after tokenizing only). Jira's parser makes its own first pass.
  if (format !== 'jira-csv') for await (const _ of table.rows({ scan: true })) await slicer.maybe();
  const parse = format === 'jira-csv' ? parseJiraCsv : format === 'linear-csv' ? parseLinearCsv : format === 'monorail-csv' ? parseMonorailCsv : parseExponentialCsv;
  await parse(table, slicer, b);
  await flush();
  await queue;
  // A parser that stopped at the header (no Summary column…) read no row: the rows are still
  // checked, so a malformed file is reported as such.
  if (!table.passes) for await (const _ of table.rows({ scan: true })) await slicer.maybe();
  table.onBatch = undefined;
  if (!v.keys.length && !doc.problems.some((p) => p.severity === 'error')) {
    doc.problems.push({ severity: 'error', path: '$', message: 'the file holds no issues' });
  }
  v.globals();
  v.parents();
  v.relations();
  const { errors, skipped, filter } = v.finish(opts.mode, stubs);
  const keys = v.keys;
  const parentOf = new Map<string, string | null>();
  for (const k of keys) if (k.parentRef) parentOf.set(k.ref, k.parentRef);
  const prepared = storedImport(doc, keys, stubs.comments.length + stubs.history.length, parts, filter, parentOf);
  return { doc: prepared, validation: { errors, skipped } };
}

/**
 * The {@link PreparedImport} of a streamed CSV: its batches come back from `parts`. Made in its
 * own scope so that the closure keeps only these (not the validator's per-issue maps).
 */
function storedImport(doc: ImportDoc, keys: IssueKey[], bulkCount: number, parts: Buffer[], filter: SkipFilter | null, parentOf: Map<string, string | null>): PreparedImport {
  return {
    doc,
    keys,
    bulkCount,
    async *batches() {
      for (const part of parts) {
        const batch = deserialize(await inflate(part)) as ImportBatch;
        // Descriptions and comment bodies are the sanitizer's output (converted while parsing),
        // unchanged by the round trip.
        for (const i of batch.issues) if (i.html) markSanitized(i, i.html);
        for (const c of batch.comments) if (c.html) markSanitized(c, c.html);
        if (filter) applySkip(batch, filter);
        // Parents as validation left them (missing, cyclic or skipped ones dropped).
        for (const i of batch.issues) i.parentRef = parentOf.get(i.ref) ?? null;
        yield batch;
      }
    },
  };
}

async function parseOrThrow(bytes: Uint8Array, opts: ParseOptions): Promise<ParsedUpload> {
  let doc: ImportDoc;
  const f = opts.format;
  const slicer = new Slicer();
  if (f.endsWith('-csv')) {
    const table = await openCsv(bytes, opts.encoding, slicer);
    await slicer.yield();
    return parseCsvStreamed(table, f, opts, slicer);
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
  const validation = await validateDoc(doc, opts.mode, slicer);
  return { doc: preparedFrom(doc), validation };
}
