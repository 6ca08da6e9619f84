/**
 * How the store holds a record (the `record` column of flows, dns, alerts, stats and
 * capture_gaps), an integrity log entry (integrity_log.entry) and an outbox payload
 * (outbox.payload): the JSON text compressed with deflate (raw, RFC 1951) against a preset
 * dictionary per record kind, behind one format byte that names the dictionary
 * (stored-record-dictionaries.ts). Records of one kind share most of their text (keys, ECS
 * constants, rule descriptions, GeoIP database names), which the dictionary holds once, so a
 * flow record of ~1.5 KB is stored in ~0.4 KB (docs/monitor.md has the measured sizes).
 *
 * Flow and DNS rows written since schema 9 hold a pointer into a block of records instead
 * (format byte 0x08, record-blocks.ts), which only a reader with the store can follow
 * (stored-record-reader.ts).
 *
 * Readers accept every form a store may hold, forever: JSON text (TEXT rows of stores written
 * before schema 8, rows written by hand), a BLOB holding JSON text, and each format byte ever
 * written. A new dictionary takes a new byte; a byte is never reused.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  ALERT_DICTIONARY_V1,
  ALERT_ENTRY_DICTIONARY_V1,
  DNS_DICTIONARY_V1,
  FLOW_DICTIONARY_V1,
  GAP_DICTIONARY_V1,
  STATS_DICTIONARY_V1,
  STATS_ENTRY_DICTIONARY_V1,
} from './stored-record-dictionaries.js';
import { POINTER_FORMAT_BYTE } from './record-blocks.js';

/** Records by kind, and integrity log entries (canonical JSON, integrity/entries.ts), which read differently. */
export type StoredKind = 'flow' | 'dns' | 'alert' | 'stats' | 'capture_gap' | 'alert_entry' | 'stats_entry';

/**
 * zlib's default level. bench/store-codec.mjs on the corpus's records: a row costs 30-60 µs to
 * encode on the shared 2-core box at every level (Node creates and frees a zlib stream per call;
 * that, not the compression, is the cost: window and memory sizes change nothing either), and
 * level 6 stores flows 6 % and alerts 17 % smaller than level 1; level 9 adds nothing.
 */
export const STORED_ZLIB_LEVEL = 6;

interface Format {
  byte: number;
  dictionary: Buffer;
}

const FORMATS: Record<StoredKind, Format> = {
  flow: { byte: 0x01, dictionary: Buffer.from(FLOW_DICTIONARY_V1) },
  dns: { byte: 0x02, dictionary: Buffer.from(DNS_DICTIONARY_V1) },
  alert: { byte: 0x03, dictionary: Buffer.from(ALERT_DICTIONARY_V1) },
  stats: { byte: 0x04, dictionary: Buffer.from(STATS_DICTIONARY_V1) },
  capture_gap: { byte: 0x05, dictionary: Buffer.from(GAP_DICTIONARY_V1) },
  alert_entry: { byte: 0x06, dictionary: Buffer.from(ALERT_ENTRY_DICTIONARY_V1) },
  stats_entry: { byte: 0x07, dictionary: Buffer.from(STATS_ENTRY_DICTIONARY_V1) },
};

/** Format byte -> dictionary, for every byte ever written. */
const DICTIONARY_OF_BYTE: ReadonlyMap<number, Buffer> = new Map(Object.values(FORMATS).map((f) => [f.byte, f.dictionary]));

/** First bytes of JSON text kept as is ('{', '['): never a format byte. */
const JSON_TEXT_FIRST_BYTES = new Set([0x7b, 0x5b]);

/** The stored form of a record (or any JSON text) of this kind. */
export function encodeStored(kind: StoredKind, json: string): Buffer {
  const f = FORMATS[kind];
  const deflated = deflateRawSync(json, { level: STORED_ZLIB_LEVEL, dictionary: f.dictionary });
  const out = Buffer.allocUnsafe(deflated.length + 1);
  out[0] = f.byte;
  deflated.copy(out, 1);
  return out;
}

export function encodeRecord(kind: StoredKind, rec: unknown): Buffer {
  return encodeStored(kind, JSON.stringify(rec));
}

/** The bytes of the JSON text a stored value holds, whichever form it is in; throws on a value no writer makes. */
export function decodeStoredBytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (!(value instanceof Uint8Array)) throw new TypeError(`stored record is ${value === null ? 'NULL' : typeof value}, not text or a blob`);
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const first = buf[0];
  if (first === undefined) throw new TypeError('stored record is an empty blob');
  if (JSON_TEXT_FIRST_BYTES.has(first)) return buf;
  if (first === POINTER_FORMAT_BYTE) throw new TypeError('stored record is a pointer into record_blocks: read it with its store (stored-record-reader.ts)');
  const dictionary = DICTIONARY_OF_BYTE.get(first);
  if (dictionary === undefined) throw new TypeError(`stored record has unknown format byte 0x${first.toString(16).padStart(2, '0')} (written by a newer groundwatch?)`);
  return inflateRawSync(buf.subarray(1), { dictionary });
}

/** The JSON text a stored value holds. */
export function decodeStoredText(value: unknown): string {
  return typeof value === 'string' ? value : decodeStoredBytes(value).toString('utf8');
}

export function decodeRecord<T>(value: unknown): T {
  return JSON.parse(decodeStoredText(value)) as T;
}

/**
 * An alert row's record as it is now: the record as written, with the repeat count and the
 * folded connections that later repeats updated in their own columns (`repeats`, `folded`;
 * schema 8) instead of rewriting the stored record. A row of an older store had them updated
 * inside its JSON text, and has no `folded` column value: its record is already current.
 */
export function alertRecordOfRow<T>(row: { record?: unknown; repeats?: unknown; folded?: unknown }): T {
  const rec = decodeRecord<{ groundwatch?: Record<string, unknown> }>(row.record);
  const gw = rec?.groundwatch;
  if (gw && typeof gw === 'object') {
    if (typeof row.repeats === 'number' && ('repeats' in gw || row.repeats > 0)) gw['repeats'] = row.repeats;
    if (typeof row.folded === 'string') gw['folded'] = JSON.parse(row.folded) as unknown;
  }
  return rec as T;
}
