/**
 * What the log records, and how each entry is derived from its stored row.
 * The same function makes the entry when the row is written and re-makes it
 * when `verify` checks the row, so an entry is never trusted on its own.
 *
 * An entry is the canonical JSON of {"kind", "ref", "row", "v"}: `row` holds
 * every column of the row except NULLs (so a later migration adding a
 * nullable column leaves older entries valid) and except the few columns
 * groundwatch itself updates after the fact (an alert's repeat count and
 * last-seen time and folded connections, also inside its record): those are not covered.
 *
 * A `record` column enters the entry as the record it holds, not as its stored bytes
 * (sinks/stored-record.ts): the JSON text for stats and gaps, the parsed record for alerts.
 * So an entry does not depend on how the record is stored, and an entry logged when records
 * were plain JSON text still matches its row.
 */
import type { Database } from 'better-sqlite3';
import { cachedStatement } from '../util/statement-cache.js';
import { canonicalBytes, type JsonValue } from './canonical-json.js';
import { decodeRecord, decodeStoredText } from '../sinks/stored-record.js';

export const ENTRY_FORMAT_VERSION = 1;

export type EntryKind = 'alert' | 'alert_ack' | 'run' | 'capture_gap' | 'stats';

export const ENTRY_KINDS: readonly EntryKind[] = ['alert', 'alert_ack', 'run', 'capture_gap', 'stats'];

interface KindSpec {
  table: string;
  key: 'id' | 'rowid';
  /** Columns groundwatch updates after the row is written (not covered). */
  mutable: readonly string[];
  /** Which rows should be in the log (the rest are reported as not covered, not as tampering). */
  loggedWhere?: string;
}

const SPECS: Record<EntryKind, KindSpec> = {
  alert: { table: 'alerts', key: 'id', mutable: ['repeats', 'last_seen', 'folded'] },
  alert_ack: { table: 'alert_acks', key: 'rowid', mutable: [] },
  // A run is logged when it ends; a run killed before its end has no entry.
  run: { table: 'runs', key: 'id', mutable: [], loggedWhere: 'ended_at IS NOT NULL' },
  capture_gap: { table: 'capture_gaps', key: 'rowid', mutable: [] },
  stats: { table: 'stats', key: 'rowid', mutable: [] },
};

export function kindSpec(kind: EntryKind): Readonly<KindSpec> {
  return SPECS[kind];
}

export type StoredRow = Record<string, unknown>;

export function readRow(db: Database, kind: EntryKind, ref: string): StoredRow | undefined {
  const spec = SPECS[kind];
  const key = spec.key === 'rowid' ? Number(ref) : ref;
  return cachedStatement(db, `SELECT ${spec.key === 'rowid' ? 'rowid AS rowid, ' : ''}* FROM ${spec.table} WHERE ${spec.key} = ?`).get(key) as StoredRow | undefined;
}

/** The canonical bytes of the entry for this row, as logged and as verify re-derives them. */
export function entryBytes(kind: EntryKind, ref: string, row: StoredRow): Buffer {
  const spec = SPECS[kind];
  const content: Record<string, JsonValue> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === undefined || spec.mutable.includes(column)) continue;
    if (column !== 'record') content[column] = columnValue(value);
    else content[column] = kind === 'alert' ? alertRecordContent(value) : decodeStoredText(value);
  }
  return canonicalBytes({ kind, ref, row: content, v: ENTRY_FORMAT_VERSION });
}

function columnValue(value: unknown): JsonValue {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  throw new TypeError(`unexpected column value ${typeof value}`);
}

/** The alert record without its repeat count and folded connections (updated in place by later repeats). */
function alertRecordContent(value: unknown): JsonValue {
  // A stored form no reader knows (a blob written by hand) throws: verify says the row cannot be read back.
  const text = decodeStoredText(value);
  let parsed: unknown;
  try {
    parsed = decodeRecord(text);
  } catch {
    return text;
  }
  const gw = (parsed as { groundwatch?: Record<string, unknown> } | null)?.groundwatch;
  if (gw && typeof gw === 'object') {
    delete gw['repeats'];
    delete gw['folded'];
  }
  return parsed as JsonValue;
}
