/**
 * Rows out as a terminal table, NDJSON or CSV. Names and other strings in
 * records come off the wire: an attacker chooses them. Table and CSV output
 * make every invisible or terminal-active character visible (\x1b, \u202e);
 * CSV also defuses spreadsheet formulas (OWASP CSV injection guidance).
 * NDJSON keeps the exact strings: JSON escaping is unambiguous already.
 */
import { sanitizeForTerminal } from '../util/terminal-text.js';

export { sanitizeForTerminal };

export type OutputFormat = 'table' | 'ndjson' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'ndjson', 'csv'];

export interface ColumnSpec {
  key: string;
  header?: string;
  /** Longest cell shown in a table before it is cut with an ellipsis (default 64). */
  maxWidth?: number;
}

export type Columns = readonly (string | ColumnSpec)[];

const DEFAULT_MAX_WIDTH = 64;

export function formatRows(rows: readonly Record<string, unknown>[], columns: Columns, format: OutputFormat): string {
  const specs = columns.map((c) => (typeof c === 'string' ? { key: c } : c));
  switch (format) {
    case 'ndjson':
      return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    case 'csv':
      return formatCsv(rows, specs);
    case 'table':
      return formatTable(rows, specs);
  }
}

// ---- table ----

function formatTable(rows: readonly Record<string, unknown>[], specs: ColumnSpec[]): string {
  const header = specs.map((s) => sanitizeForTerminal(s.header ?? s.key));
  const body = rows.map((r) => specs.map((s) => tableCell(r[s.key], s.maxWidth ?? DEFAULT_MAX_WIDTH)));
  const numeric = specs.map((s) => rows.length > 0 && rows.every((r) => isNumberOrEmpty(r[s.key])));
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((cells) => width(cells[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? padStart(c, widths[i] ?? 0) : padEnd(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].map((l) => `${l}\n`).join('');
}

function tableCell(value: unknown, maxWidth: number): string {
  const text = sanitizeForTerminal(cellText(value, '-'));
  const chars = [...text];
  return chars.length > maxWidth ? `${chars.slice(0, Math.max(1, maxWidth - 1)).join('')}…` : text;
}

function isNumberOrEmpty(v: unknown): boolean {
  return typeof v === 'number' || v === undefined || v === null;
}

/** Code points; sanitised text has no zero-width or combining-control characters left to miscount. */
function width(s: string): number {
  return [...s].length;
}

function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

// ---- csv (RFC 4180: CRLF line ends, quote fields with " , CR LF, double inner quotes) ----

const FORMULA_START = /^[=+\-@\t\r]/;

function formatCsv(rows: readonly Record<string, unknown>[], specs: ColumnSpec[]): string {
  const header = specs.map((s) => csvField(s.header ?? s.key));
  const body = rows.map((r) => specs.map((s) => csvField(r[s.key])));
  return [header, ...body].map((cells) => `${cells.join(',')}\r\n`).join('');
}

function csvField(value: unknown): string {
  let text: string;
  if (typeof value === 'number' || typeof value === 'bigint') {
    text = String(value); // a real number, negative or not, is data, not a formula
  } else {
    const raw = cellText(value, '');
    text = sanitizeForTerminal(FORMULA_START.test(raw) ? `'${raw}` : raw);
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(value: unknown, empty: string): string {
  if (value === undefined || value === null) return empty;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? empty;
}
