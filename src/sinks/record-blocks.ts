/**
 * Record blocks (schema 9): flow and DNS records, the store's bulk, are compressed together in
 * blocks of up to BLOCK_MAX_RECORDS (table `record_blocks`), and each row's `record` column holds a
 * pointer into its block instead of the record itself. Records of one kind repeat most of each
 * other's text, which one deflate call over many of them finds and a call per record cannot: on the
 * bench corpus a flow record takes ~125 B in a block against ~390 B alone, and ~3 µs of CPU against
 * ~30 µs (zlib's fixed cost per call, bench/store-codec.mjs).
 *
 * Forms, behind the same format bytes as stored-record.ts (a byte is never reused):
 *   pointer  0x08, block id (unsigned LEB128), index in the block (unsigned LEB128)
 *   block    0x09 (flows) or 0x0a (DNS), then raw deflate (RFC 1951) against the kind's preset
 *            dictionary of the records' JSON texts joined by "\n" (JSON.stringify never writes a
 *            raw newline, so the separator cannot occur inside a record)
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DNS_DICTIONARY_V1, FLOW_DICTIONARY_V1 } from './stored-record-dictionaries.js';

export type BlockKind = 'flow' | 'dns';

/**
 * Records per block. Reading one record inflates its whole block (~190 KB of text at 128 flows,
 * well under a millisecond); compression gains little past ~100 records (bench/store-codec.mjs).
 */
export const BLOCK_MAX_RECORDS = 128;

export const POINTER_FORMAT_BYTE = 0x08;
const BLOCK_FORMATS: Record<BlockKind, { byte: number; dictionary: Buffer }> = {
  flow: { byte: 0x09, dictionary: Buffer.from(FLOW_DICTIONARY_V1) },
  dns: { byte: 0x0a, dictionary: Buffer.from(DNS_DICTIONARY_V1) },
};
const DICTIONARY_OF_BLOCK_BYTE: ReadonlyMap<number, Buffer> = new Map(Object.values(BLOCK_FORMATS).map((f) => [f.byte, f.dictionary]));

/** Level 6, zlib's default: on blocks it stores flows ~20 % smaller than level 1 for ~2 µs more a record. */
const BLOCK_ZLIB_LEVEL = 6;

export interface BlockPointer {
  blockId: number;
  index: number;
}

export function encodePointer(p: BlockPointer): Buffer {
  const out: number[] = [POINTER_FORMAT_BYTE];
  writeLeb128(out, p.blockId);
  writeLeb128(out, p.index);
  return Buffer.from(out);
}

/** The pointer a stored value holds, or undefined when it is not one; throws on a truncated or oversized pointer. */
export function decodePointer(value: Uint8Array): BlockPointer | undefined {
  if (value[0] !== POINTER_FORMAT_BYTE) return undefined;
  const cursor = { at: 1 };
  const blockId = readLeb128(value, cursor);
  const index = readLeb128(value, cursor);
  if (cursor.at !== value.length) throw new TypeError(`stored record pointer has ${value.length - cursor.at} trailing bytes`);
  return { blockId, index };
}

export function encodeBlock(kind: BlockKind, texts: readonly string[]): Buffer {
  const f = BLOCK_FORMATS[kind];
  const deflated = deflateRawSync(texts.join('\n'), { level: BLOCK_ZLIB_LEVEL, dictionary: f.dictionary });
  const out = Buffer.allocUnsafe(deflated.length + 1);
  out[0] = f.byte;
  deflated.copy(out, 1);
  return out;
}

/** The JSON texts of a block, in the order written; throws on a value that is not a block. */
export function decodeBlock(data: unknown): string[] {
  const block = inflateBlock(data);
  return Array.from({ length: block.count }, (_, i) => block.text(i)!);
}

/**
 * A block inflated, its records still bytes: a reader wanting one record of 128 decodes that one.
 * Decoding every record's UTF-8 each time a block was read made a report over a month, reading
 * flows in time order across blocks, spend 65 % of its time in Buffer#toString.
 */
export interface InflatedBlock {
  readonly count: number;
  /** The record's JSON text, undefined past the end. */
  text(index: number): string | undefined;
}

export function inflateBlock(data: unknown): InflatedBlock {
  if (!(data instanceof Uint8Array) || data.length === 0) throw new TypeError('record block is not a non-empty blob');
  const dictionary = DICTIONARY_OF_BLOCK_BYTE.get(data[0]!);
  if (dictionary === undefined) throw new TypeError(`record block has unknown format byte 0x${data[0]!.toString(16).padStart(2, '0')} (written by a newer groundwatch?)`);
  const bytes = inflateRawSync(data.subarray(1), { dictionary });
  // JSON text escapes every control character, so a newline byte (never part of a UTF-8 sequence) only ever separates records.
  const starts = [0];
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
  return {
    count: starts.length,
    text: (index) => {
      const start = starts[index];
      if (start === undefined) return undefined;
      const end = starts[index + 1];
      return bytes.toString('utf8', start, end === undefined ? bytes.length : end - 1);
    },
  };
}

function writeLeb128(out: number[], n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`block pointer part ${n} is not a whole number >= 0`);
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** At most 7 bytes: 49 bits hold any id SQLite gives before a safe integer would overflow in practice. */
function readLeb128(buf: Uint8Array, cursor: { at: number }): number {
  let n = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const b = buf[cursor.at++];
    if (b === undefined) throw new TypeError('stored record pointer is truncated');
    n += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return n;
    scale *= 0x80;
  }
  throw new TypeError('stored record pointer part is longer than 7 bytes');
}
