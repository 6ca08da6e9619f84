/**
 * A record as text for a person (`alerts show`, `flows show`): one dotted path
 * and value per line, every time in ISO 8601 (name evidence times are epoch
 * seconds in the record), GeoIP databases by the names people know, reasons in
 * plain words, long values wrapped so the text fits 120 columns. Every string
 * is neutralised for the terminal.
 */
import { isoFromSeconds } from '../records/time.js';
import { buildDay, databaseLabel, plainReason } from '../util/db-label.js';
import { sanitizeForTerminal, TABLE_WIDTH } from './output-format.js';
import { wrapWords } from '../util/text-width.js';

export type TextLine = [key: string, value: string];

export function flattenForText(record: Record<string, unknown>, extra: TextLine[] = []): string {
  return renderLines([...flatten(record), ...extra]);
}

export function renderLines(lines: TextLine[]): string {
  const keyWidth = Math.min(48, Math.max(...lines.map(([k]) => k.length)));
  const valueWidth = Math.max(40, TABLE_WIDTH - keyWidth - 2);
  const out: string[] = [];
  for (const [k, v] of lines) {
    const key = sanitizeForTerminal(k);
    const pieces = wrapWords(sanitizeForTerminal(v), valueWidth);
    out.push(`${key.padEnd(keyWidth)}  ${pieces[0] ?? ''}`.trimEnd());
    for (const more of pieces.slice(1)) out.push(`${' '.repeat(keyWidth + 2)}${more}`);
  }
  return out.map((l) => `${l}\n`).join('');
}

/** Dotted paths to leaf values, in record order: every piece of evidence on its own line. */
export function flatten(value: unknown, prefix = '', acc: TextLine[] = []): TextLine[] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) acc.push([prefix, Array.isArray(value) ? '[]' : '{}']);
    for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, acc);
  } else {
    acc.push([prefix, readable(prefix, value)]);
  }
  return acc;
}

function readable(path: string, value: unknown): string {
  const last = path.slice(path.lastIndexOf('.') + 1);
  if (last === 'ts' && typeof value === 'number' && Number.isFinite(value)) return isoFromSeconds(value);
  if (typeof value !== 'string') return JSON.stringify(value) ?? '';
  if (/\.reasons\.\d+$/.test(path)) return plainReason(value);
  if (/_db\.type$|\.database$/.test(path)) return `${databaseLabel(value)} (${value})`;
  if (/_db\.build_date$|\.build_date$/.test(path)) return buildDay(value);
  return value;
}
