/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return — or their full-width forms `＝ ＋ － ＠` — is run as a formula
 * by Excel, LibreOffice or Google Sheets. Exported CSV cells like that are prefixed with `'` (and
 * quoted by the CSV writer), which spreadsheets show as text. To stay reversible, a cell that
 * already starts with apostrophes before such a character gets one more; our CSV import removes
 * exactly one, so re-importing our own CSV restores the original text.
 */

/** Cells a spreadsheet would evaluate (after any apostrophes). */
export const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The cell as exported: `'` prepended when a spreadsheet would evaluate it. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The original text of an exported cell (inverse of {@link neutraliseFormula}). */
export function restoreFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value;
}
