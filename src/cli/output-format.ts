/**
 * Rows out as a terminal table, NDJSON or CSV. Names and other strings in
 * records come off the wire: an attacker chooses them. Table and CSV output
 * make every invisible or terminal-active character visible (\x1b, \u202e);
 * CSV also defuses spreadsheet formulas (OWASP CSV injection guidance).
 * NDJSON keeps the exact strings: JSON escaping is unambiguous already.
 */
import { sanitizeForTerminal } from '../util/terminal-text.js';
import { cutToWidth } from '../util/text-width.js';

export { sanitizeForTerminal };

export type OutputFormat = 'table' | 'ndjson' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'ndjson', 'csv'];

export interface ColumnSpec {
  key: string;
  header?: string;
  /** Longest cell shown in a table before it is cut with an ellipsis (default 64). */
  maxWidth?: number;
  /** A table too wide for TableStyle.width cuts these columns first (widest first), never below minWidth. */
  shrink?: boolean;
  minWidth?: number;
}

/** How a table is laid out for a person. */
export interface TableStyle {
  /** Columns in all; shrinkable columns give way to fit (default: no limit). */
  width?: number;
  /** Wraps a padded cell in colour (terminal only); undefined leaves it plain. */
  colour?: (key: string, value: unknown, padded: string) => string | undefined;
}

/** Text output fits a 120-column terminal. */
export const TABLE_WIDTH = 120;

export type Columns = readonly (string | ColumnSpec)[];

const DEFAULT_MAX_WIDTH = 64;

export function formatRows(rows: readonly Record<string, unknown>[], columns: Columns, format: OutputFormat, style: TableStyle = {}): string {
  const specs: ColumnSpec[] = columns.map((c) => (typeof c === 'string' ? { key: c } : c));
  switch (format) {
    case 'ndjson':
      return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    case 'csv':
      return formatCsv(rows, specs);
    case 'table':
      return formatTable(rows, specs, style);
  }
}

// ---- table ----

const GAP = 2;
const DEFAULT_MIN_WIDTH = 8;

function formatTable(rows: readonly Record<string, unknown>[], specs: ColumnSpec[], style: TableStyle): string {
  const header = specs.map((s) => sanitizeForTerminal(s.header ?? s.key));
  const full = rows.map((r) => specs.map((s) => tableCell(r[s.key], s.maxWidth ?? DEFAULT_MAX_WIDTH)));
  const numeric = specs.map((s) => rows.length > 0 && rows.every((r) => isNumberOrEmpty(r[s.key])));
  const widths = header.map((h, i) => Math.max(width(h), ...full.map((cells) => width(cells[i] ?? ''))));
  if (style.width !== undefined) fitWidths(widths, specs, style.width);
  const body = full.map((cells) => cells.map((c, i) => cut(c, widths[i] ?? 0)));
  const line = (cells: string[], row?: Record<string, unknown>): string =>
    cells
      .map((c, i) => {
        const padded = numeric[i] ? padStart(c, widths[i] ?? 0) : padEnd(c, widths[i] ?? 0);
        const key = specs[i]!.key;
        return row && style.colour ? (style.colour(key, row[key], padded) ?? padded) : padded;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(header.map((h, i) => cut(h, widths[i] ?? 0))), ...body.map((cells, r) => line(cells, rows[r]))].map((l) => `${l}\n`).join('');
}

/** Narrows the widest shrinkable column, one character at a time, until the table fits (or nothing can give). */
function fitWidths(widths: number[], specs: ColumnSpec[], limit: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);
  while (total() > limit) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const spec = specs[i]!;
      if (!spec.shrink || widths[i]! <= (spec.minWidth ?? DEFAULT_MIN_WIDTH)) continue;
      if (widest < 0 || widths[i]! > widths[widest]!) widest = i;
    }
    if (widest < 0) return;
    widths[widest]!--;
  }
}

const cut = cutToWidth;

function tableCell(value: unknown, maxWidth: number): string {
  return cutToWidth(sanitizeForTerminal(cellText(value, '-')), maxWidth);
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
