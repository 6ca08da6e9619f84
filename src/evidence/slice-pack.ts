/**
 * The packed form of a run of packet slices (one row of evidence_blocks, schema 10,
 * docs/evidence.md "How slices are stored"): the slices of one flow in one role written
 * one after another, then compressed in one call for the whole run: deflate in the zlib
 * format (RFC 1950), whose Adler-32 of the packed bytes lets a reader tell a damaged block
 * from a good one (raw deflate has no check: a changed byte could inflate to other packets).
 * The check costs 6 bytes a row. A flow's headers differ in a few bytes from packet to packet, so a block of
 * them compresses to a small part of its size; one row per block instead of per packet
 * also saves the per-row and per-index-entry cost of the store.
 *
 * Packed layout, little-endian: one layout byte (0x01), then per slice
 *
 *   ts_sec u64 | ts_nsec u32 | orig_len u32 | link_type u16 | content u8 | cap_len u32 | data[cap_len]
 *
 * where content is 0 headers, 1 full, 2 client_hello, 3 dns. A reader checks every length
 * against the bytes there are: a damaged block is an error naming it, never a crash or a
 * partial slice passed off as whole.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { SliceContent } from './slice-store.js';

export const PACK_LAYOUT_V1 = 0x01;
/** Bytes before each slice's data. */
const SLICE_HEADER_BYTES = 8 + 4 + 4 + 2 + 1 + 4;
const TWO_POW_32 = 0x1_0000_0000;
const NS_PER_SEC = 1_000_000_000;

/** Content codes by position: a code is never reused for another meaning. */
const CONTENT_CODES: readonly SliceContent[] = ['headers', 'full', 'client_hello', 'dns'];
const CODE_OF_CONTENT = new Map(CONTENT_CODES.map((c, i) => [c, i]));

/** One packet slice, as packed (the row says which flow, role and run). */
export interface PackedSlice {
  ts_sec: number;
  ts_nsec: number;
  link_type: number;
  orig_len: number;
  content: SliceContent;
  data: Uint8Array;
}

export interface PackedBlock {
  /** The packed bytes, deflated (zlib format, RFC 1950). */
  blob: Buffer;
  /** Length of the packed bytes before compression (the reader's bound on inflating). */
  rawBytes: number;
}

export class CorruptBlockError extends Error {}

export function packSlices(slices: readonly PackedSlice[]): PackedBlock {
  let size = 1;
  for (const s of slices) size += SLICE_HEADER_BYTES + s.data.length;
  const buf = Buffer.allocUnsafe(size);
  buf[0] = PACK_LAYOUT_V1;
  let at = 1;
  for (const s of slices) {
    buf.writeUInt32LE(s.ts_sec % TWO_POW_32, at);
    buf.writeUInt32LE(Math.floor(s.ts_sec / TWO_POW_32), at + 4);
    buf.writeUInt32LE(s.ts_nsec, at + 8);
    buf.writeUInt32LE(s.orig_len, at + 12);
    buf.writeUInt16LE(s.link_type, at + 16);
    buf.writeUInt8(CODE_OF_CONTENT.get(s.content)!, at + 18);
    buf.writeUInt32LE(s.data.length, at + 19);
    at += SLICE_HEADER_BYTES;
    buf.set(s.data, at);
    at += s.data.length;
  }
  return { blob: deflateSync(buf), rawBytes: size };
}

/**
 * The slices of a stored block. `rawBytes` and `packets` are the row's own columns: the
 * inflated bytes must be exactly that long and hold exactly that many slices.
 */
export function unpackSlices(blob: Uint8Array, rawBytes: number, packets: number): PackedSlice[] {
  if (!Number.isSafeInteger(rawBytes) || rawBytes < 1) throw new CorruptBlockError(`its packed length ${String(rawBytes)} is not a positive integer`);
  let buf: Buffer;
  try {
    // The bound: a damaged blob (or length) cannot make the reader allocate more than the row says.
    buf = inflateSync(blob, { maxOutputLength: rawBytes });
  } catch (err) {
    // Node's RangeError: the output would pass maxOutputLength.
    if (err instanceof RangeError) throw new CorruptBlockError(`it inflates to more than the ${rawBytes} bytes its row says`);
    throw new CorruptBlockError(`its zlib data does not inflate to ${rawBytes} bytes (${(err as Error).message})`);
  }
  if (buf.length !== rawBytes) throw new CorruptBlockError(`it inflates to ${buf.length} bytes, not the ${rawBytes} its row says`);
  if (buf[0] !== PACK_LAYOUT_V1) throw new CorruptBlockError(`unknown layout byte 0x${buf[0]!.toString(16).padStart(2, '0')} (written by a newer groundwatch?)`);
  const slices: PackedSlice[] = [];
  let at = 1;
  while (at < buf.length) {
    if (at + SLICE_HEADER_BYTES > buf.length) throw new CorruptBlockError(`slice ${slices.length + 1} is cut inside its header at byte ${at}`);
    const tsSec = buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * TWO_POW_32;
    const tsNsec = buf.readUInt32LE(at + 8);
    const code = buf[at + 18]!;
    const capLen = buf.readUInt32LE(at + 19);
    const content = CONTENT_CODES[code];
    if (content === undefined) throw new CorruptBlockError(`slice ${slices.length + 1} has unknown content code ${code}`);
    if (tsNsec >= NS_PER_SEC) throw new CorruptBlockError(`slice ${slices.length + 1} has ${tsNsec} nanoseconds`);
    at += SLICE_HEADER_BYTES;
    if (at + capLen > buf.length) throw new CorruptBlockError(`slice ${slices.length + 1} says ${capLen} bytes, only ${buf.length - at} are left`);
    slices.push({
      ts_sec: tsSec,
      ts_nsec: tsNsec,
      orig_len: buf.readUInt32LE(at - SLICE_HEADER_BYTES + 12),
      link_type: buf.readUInt16LE(at - SLICE_HEADER_BYTES + 16),
      content,
      data: buf.subarray(at, at + capLen),
    });
    at += capLen;
  }
  if (slices.length !== packets) throw new CorruptBlockError(`it holds ${slices.length} slices, not the ${packets} its row says`);
  return slices;
}
