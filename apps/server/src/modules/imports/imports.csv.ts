/**
 * Reading an uploaded CSV file into rows, with csv-parse (RFC 4180) doing the parsing.
 *
 * What is accepted: UTF-8 with or without a BOM (or Windows-1252 when asked for), CRLF or LF
 * record ends (also mixed), quoted fields holding commas, quotes (`""`) and line breaks.
 * What is refused, naming the row and column: bytes that are not UTF-8, a quote that is never
 * closed, a quote inside an unquoted field (`OK"quote`), a carriage return inside an unquoted
 * field, a header without rows, more than {@link CSV_MAX_ROWS} rows, a cell longer than
 * {@link CSV_MAX_CELL} characters, and a NUL character. Row numbers are spreadsheet rows: the
 * header is row 1 and the first record row 2, however many lines a record spans.
 */
import { isUtf8 } from 'node:buffer';
import { CsvError, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { Problem } from './imports.model.ts';
import { rejectFile } from './imports.errors.ts';
import { Slicer } from './imports.slicer.ts';

/** Most data rows one CSV import takes (documented in docs/IMPORT.md). */
export const CSV_MAX_ROWS = 200_000;
/** Longest cell, in UTF-16 code units: the longest issue description. */
export const CSV_MAX_CELL = 100_000;

/** Text encodings a CSV may be declared in (`?encoding=`). */
export type CsvEncoding = 'utf-8' | 'windows-1252';

/** One data row. */
export interface CsvRow {
  cells: string[];
  /** Spreadsheet row number (header = 1). */
  row: number;
}

/** `row 5, column 2 ("Summary")`: how problems name a CSV cell. */
export function cellPath(row: number, columnIndex: number, header: string[]): string {
  const name = header[columnIndex];
  return `row ${row}, column ${columnIndex + 1}${name !== undefined ? ` ("${name}")` : ''}`;
}

/** A problem located at a CSV cell. */
export function cellProblem(severity: Problem['severity'], row: number, columnIndex: number, header: string[], message: string): Problem {
  return { severity, path: cellPath(row, columnIndex, header), message, row, column: header[columnIndex] ?? `#${columnIndex + 1}` };
}

/** Whole-text parse, used only to locate a bad byte's cell in a file that is not UTF-8. */
function parseText(text: string): string[][] {
  return parseSync(text, { bom: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
}

/** Refuses bytes that are not UTF-8, naming the first cell that holds a bad byte. */
function rejectNotUtf8(bytes: Uint8Array): never {
  {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    let where = 'the file';
    let row: number | undefined;
    let column: string | undefined;
    try {
      const recs = parseText(lossy);
      const header = recs[0] ?? [];
      outer: for (let r = 0; r < recs.length; r++) {
        const cells = recs[r]!;
        for (let c = 0; c < cells.length; c++) {
          if (cells[c]!.includes('\uFFFD')) {
            where = cellPath(r + 1, c, header);
            row = r + 1;
            column = header[c];
            break outer;
          }
        }
      }
    } catch {
      // The damaged text does not even parse; the byte position below still locates it.
    }
    const offset = firstInvalidUtf8(bytes);
    const message = `is not valid UTF-8 (byte 0x${bytes[offset]?.toString(16).toUpperCase().padStart(2, '0')} at offset ${offset}); save the file as UTF-8, or send ?encoding=windows-1252 for a Latin-1/Windows-1252 file`;
    throw rejectFile(400, 'invalid_encoding', `The file ${message}`, [{ severity: 'error', path: where, message, row, column }]);
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // In stream mode a prefix cut inside a sequence is not an error, so "the prefix decodes" is
  // monotonic and a binary search finds the first bad byte.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // The decoder fails on the byte after a truncated sequence: report the sequence's lead byte.
  for (let k = lo; k >= Math.max(0, lo - 3); k--) if ((bytes[k] ?? 0) >= 0x80) return k;
  return lo;
}

/** Bytes fed to the parser at a time (between two turns of the event loop at most). */
const CSV_CHUNK_BYTES = 64 * 1024;

/** True when `bytes` hold a CR (0x0D) that is not followed by LF: only then must quoting be tracked. */
function hasBareCr(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = b.indexOf(13); i !== -1; i = b.indexOf(13, i + 1)) if (b[i + 1] !== 10) return true;
  return false;
}

/** Options of one pass over the rows ({@link CsvSource.rows}). */
export interface CsvPassOptions {
  /**
   * A first pass that only collects (a parser's look-ahead): no batch callback. The main pass
   * (the default) calls {@link CsvSource.onBatch} every {@link CsvSource.batchRows} rows.
   */
  scan?: boolean;
}

/**
 * A CSV upload read as a stream of rows: the rows are never all in memory. Each pass re-reads the
 * bytes through csv-parse, checks every row (cell length, NUL, extra cells, bare CR, row limit) and,
 * after its last row, throws the file's structural problems as one 400/422.
 */
export interface CsvSource {
  /** Trimmed header names. */
  readonly header: string[];
  /** Streams the data rows; see {@link CsvPassOptions}. @throws AppError as {@link openCsv} */
  rows(opts?: CsvPassOptions): AsyncIterable<CsvRow>;
  /** Per column: how many rows of the last complete pass have a non-blank cell there. */
  readonly filled: number[];
  /** Passes read to their end so far. */
  passes: number;
  /** Rows between two {@link onBatch} calls of the main pass (default 5,000). */
  batchRows: number;
  /** Called (awaited) in the main pass after every {@link batchRows} rows the consumer took. */
  onBatch?: () => Promise<void>;
}

/** Rows of a main pass between two batch callbacks, unless the caller sets another number. */
export const CSV_BATCH_ROWS = 1000;

interface PassState {
  failure?: unknown;
  badCr: Array<[number, number]>;
  tooMany: boolean;
  header: string[] | null;
}

/** Raw records of one csv-parse pass over `bytes`, pulled one at a time (the header included). */
async function* records(bytes: Uint8Array, encoding: CsvEncoding, slicer: Slicer, trackCr: boolean, st: PassState): AsyncGenerator<string[]> {
  // The cast callback (which needs csv-parse's per-field info, about 10× slower) only runs when
  // a bare CR exists somewhere; without one no unquoted field can hold a CR.
  const parser = parse({
    bom: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n'],
    ...(trackCr
      ? {
          cast: (value: string, ctx: { quoting: boolean; records: number; index: number }) => {
            if (!ctx.quoting && value.includes('\r')) st.badCr.push([ctx.records + 1, ctx.index]);
            return value;
          },
        }
      : {}),
  });
  const queue: string[][] = [];
  let taken = 0;
  parser.on('data', (r: string[]) => { queue.push(r); });
  parser.on('error', (e) => { st.failure ??= e; });
  const ended = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', () => resolve());
  });
  const latin = encoding === 'windows-1252' ? new TextDecoder('windows-1252') : null;
  try {
    for (let i = 0; i < bytes.byteLength && st.failure === undefined; i += CSV_CHUNK_BYTES) {
      const chunk = bytes.subarray(i, i + CSV_CHUNK_BYTES);
      parser.write(latin ? latin.decode(chunk, { stream: true }) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      // csv-parse emits the records of a chunk synchronously; they are handed out one by one.
      while (queue.length) {
        const r = queue.shift()!;
        if (++taken > CSV_MAX_ROWS + 1) { st.tooMany = true; return; }
        yield r;
      }
      await slicer.maybe();
    }
    if (st.failure === undefined) {
      parser.end();
      await ended;
    }
    while (queue.length && st.failure === undefined) {
      const r = queue.shift()!;
      if (++taken > CSV_MAX_ROWS + 1) { st.tooMany = true; return; }
      yield r;
    }
  } finally {
    parser.destroy();
  }
}

/** The AppError for a csv-parse failure, naming its cell. */
function malformed(err: unknown, header: string[] | null): unknown {
  if (!(err instanceof CsvError)) return err;
  const e = err as CsvError & { records?: number; index?: number; lines?: number };
  const row = (e.records ?? 0) + 1;
  const col = typeof e.index === 'number' ? e.index : 0;
  const h = row > 1 ? header ?? [] : [];
  const what = e.code === 'CSV_QUOTE_NOT_CLOSED'
    ? `a quoted field starting on line ${e.lines ?? '?'} is never closed`
    : e.code === 'INVALID_OPENING_QUOTE'
      ? 'a double quote inside an unquoted field; quote the whole field and double the quote ("")'
      : err.message;
  return rejectFile(400, 'malformed_csv', `Malformed CSV at ${cellPath(row, col, h)}: ${what}`, [cellProblem('error', row, col, h, what)]);
}

/**
 * Opens a CSV upload for streaming ({@link CsvSource}): checks UTF-8 up front (`buffer.isUtf8`,
 * without decoding the whole file into one string) and reads the header. The bytes go to
 * csv-parse's stream parser in {@link CSV_CHUNK_BYTES} slices, with a turn of the event loop
 * between slices when `slicer` says the slice took long enough, so a 100,000-row file never
 * blocks the server. A pass stops at the first row past {@link CSV_MAX_ROWS}.
 * @param bytes the upload; kept (not copied) until the source is dropped
 * @throws AppError 400 `invalid_encoding` | `malformed_csv`, 422 `invalid_csv` (limits, empty),
 *   each naming the row and column at fault; a pass throws them after its last row
 */
export async function openCsv(bytes: Uint8Array, encoding: CsvEncoding = 'utf-8', slicer: Slicer = new Slicer()): Promise<CsvSource> {
  if (encoding === 'utf-8' && !isUtf8(bytes)) rejectNotUtf8(bytes);
  const trackCr = hasBareCr(bytes);
  let header: string[] | null = null;
  let hasRow = false;
  {
    const st: PassState = { badCr: [], tooMany: false, header: null };
    const it = records(bytes, encoding, slicer, trackCr, st);
    const first = await it.next();
    if (!first.done) {
      header = first.value.map((h) => h.trim());
      hasRow = !(await it.next()).done;
    }
    await it.return(undefined);
    if (st.failure !== undefined && (!header || hasRow === false)) throw malformed(st.failure, header);
  }
  if (!header || header.every((c) => c === '')) {
    throw rejectFile(422, 'invalid_csv', 'The file is empty: it needs a header row and at least one row', [{ severity: 'error', path: 'row 1', message: 'no header row', row: 1 }]);
  }
  const head = header;
  const source: CsvSource = {
    header: head,
    filled: head.map(() => 0),
    passes: 0,
    batchRows: CSV_BATCH_ROWS,
    async *rows(opts: CsvPassOptions = {}) {
      const st: PassState = { badCr: [], tooMany: false, header: head };
      const problems: Problem[] = [];
      const filled = head.map(() => 0);
      let r = 0;
      let sinceBatch = 0;
      for await (const cells of records(bytes, encoding, slicer, trackCr, st)) {
        if (r++ === 0) continue; // the header
        const row = r;
        if (problems.length < 100) {
          for (let c = 0; c < cells.length; c++) {
            const v = cells[c]!;
            if (v.length > CSV_MAX_CELL) {
              problems.push(cellProblem('error', row, c, head, `the cell is ${v.length.toLocaleString('en')} characters long; the limit is ${CSV_MAX_CELL.toLocaleString('en')}`));
            } else if (v.includes('\u0000')) {
              problems.push(cellProblem('error', row, c, head, 'contains a NUL character'));
            }
          }
          if (cells.length > head.length && cells.slice(head.length).some((x) => x.trim() !== '')) {
            problems.push(cellProblem('error', row, head.length, head, `the row has ${cells.length} cells but the header names ${head.length} columns`));
          }
        }
        for (let c = 0; c < cells.length && c < filled.length; c++) if (cells[c]!.trim() !== '') filled[c]!++;
        if (!opts.scan && source.onBatch && sinceBatch >= source.batchRows) {
          sinceBatch = 0;
          await source.onBatch();
        }
        sinceBatch++;
        yield { cells, row };
      }
      if (st.failure !== undefined) throw malformed(st.failure, head);
      const structural: Problem[] = [];
      for (const [row, col] of st.badCr.slice(0, 20)) {
        structural.push(cellProblem('error', row, col, head, 'a carriage return (CR) inside an unquoted field; quote the field or use CRLF/LF only between rows'));
      }
      if (r <= 1) structural.push({ severity: 'error', path: 'row 2', message: 'the file has a header but no rows', row: 2 });
      if (st.tooMany) {
        structural.push({ severity: 'error', path: `row ${CSV_MAX_ROWS + 2}`, message: `more than ${CSV_MAX_ROWS.toLocaleString('en')} rows; split the file`, row: CSV_MAX_ROWS + 2 });
      }
      structural.push(...problems);
      if (structural.length) {
        const first = structural[0]!;
        throw rejectFile(structural.some((p) => p.message.includes('carriage return')) ? 400 : 422, 'invalid_csv', `The file cannot be imported: ${first.path}: ${first.message}`, structural.slice(0, 100));
      }
      (source.filled as number[]).splice(0, filled.length, ...filled);
      source.passes++;
    },
  };
  return source;
}

/**
 * Column lookup for a CSV whose columns may repeat (Jira spreads multi-value fields over repeated
 * columns) and may be localised: each logical field lists its accepted header names.
 */
export class Columns {
  private byName = new Map<string, number[]>();
  readonly used = new Set<number>();

  constructor(readonly header: string[]) {
    header.forEach((h, i) => {
      const k = h.toLowerCase();
      this.byName.set(k, [...(this.byName.get(k) ?? []), i]);
    });
  }

  /** Indexes of every column named like one of `names` (case-insensitive); marks them used. */
  all(...names: string[]): number[] {
    const out = new Set<number>();
    for (const n of names) for (const i of this.byName.get(n.toLowerCase()) ?? []) out.add(i);
    out.forEach((i) => this.used.add(i));
    return [...out].sort((a, b) => a - b);
  }

  /** Index of the first column named like one of `names`, or -1. */
  one(...names: string[]): number {
    return this.all(...names)[0] ?? -1;
  }

  /** Names that appear more than once (case-insensitive), with their indexes. */
  duplicates(): Array<[string, number[]]> {
    return [...this.byName.entries()].filter(([, ix]) => ix.length > 1);
  }
}

/** The trimmed cell at `index` of a row ('' when absent). */
export function cell(row: CsvRow, index: number): string {
  return index < 0 ? '' : (row.cells[index] ?? '').trim();
}

/** Non-empty trimmed cells at `indexes`. */
export function cells(row: CsvRow, indexes: number[]): string[] {
  return indexes.map((i) => cell(row, i)).filter(Boolean);
}
