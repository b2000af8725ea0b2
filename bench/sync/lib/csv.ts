/**
 * COPY of plain value rows on either engine, through bench/lib/dataset.ts `copyRows` (which takes
 * ready CSV lines): values are quoted here (null → empty, i.e. NULL).
 */
import { copyRows, type RawDb } from '../../lib/dataset.ts';

/** One CSV line of `values` (RFC 4180 quoting; null → NULL). */
export function csvLine(values: Array<string | number | boolean | null>): string {
  return `${values.map((v) => (v === null ? '' : typeof v === 'string' ? `"${v.replace(/"/g, '""')}"` : String(v))).join(',')}\n`;
}

/** COPYs `rows` into `table (cols)`. */
export function copyRowsCsv(raw: RawDb, table: string, cols: string[], rows: Array<Array<string | number | boolean | null>>): Promise<void> {
  return copyRows(raw, table, cols, rows.map(csvLine));
}
