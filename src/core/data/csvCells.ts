/**
 * Cells of delimited text: what counts as a number, and how to write a cell so that a
 * spreadsheet reads it as the same text (never as a formula) and a CSV reader as the same value.
 */

/** A decimal number as the tables write them (`-12.5`, `+3e-4`, `.5`); no NaN/Inf, no thousands separators. */
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Is `s` (surrounding blanks ignored) a decimal number? */
export function isNumberText(s: string): boolean {
  return NUMBER_RE.test(s.trim());
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell, ready to join with `delimiter`:
 * - a cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, which
 *   spreadsheets show as text — unless the whole cell is a number (`-12.5`, `+3e-4` are data);
 * - a cell holding the delimiter, a quote, a line end, or a leading/trailing blank is quoted,
 *   with quotes doubled (RFC 4180), so a CSV reader gets the text back exactly.
 */
export function escapeCsvCell(cell: string, delimiter = ','): string {
  let s = cell;
  if (FORMULA_START.test(s) && !NUMBER_RE.test(s)) s = `'${s}`;
  if (s.includes(delimiter) || /["\n\r]/.test(s) || /^\s|\s$/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** A row of cells joined with `delimiter`, each escaped by {@link escapeCsvCell}. */
export function formatCsvRow(cells: readonly string[], delimiter = ','): string {
  return cells.map((c) => escapeCsvCell(c, delimiter)).join(delimiter);
}
