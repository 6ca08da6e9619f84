/** Shared helpers for the capture tests: feeding parsers in chunks, comparing packets. */
import type { RawPacket } from '../../src/types.js';
import type { RecordParser } from '../../src/capture/record-parser.js';

export interface PlainPacket {
  tsSec: number;
  tsNsec: number;
  linkType: number;
  data: string;
  wireLen: number;
  interfaceId: number;
  sourceIndex: number;
}

/** Packet numbers are checked on their own (packet-number.test.ts): files split or merged renumber them. */
export function plain(p: RawPacket): PlainPacket {
  const { packetNumber: _numberInFile, ...rest } = p;
  return { ...rest, data: Buffer.from(p.data).toString('hex') };
}

/** Feed `bytes` to the parser cut at the given sizes (cycled), then finish. */
export function feed(parser: RecordParser, bytes: Uint8Array, sizes: number[] = [bytes.length || 1]): PlainPacket[] {
  const out: RawPacket[] = [];
  let off = 0;
  let i = 0;
  while (off < bytes.length) {
    const size = Math.max(1, sizes[i++ % sizes.length]!);
    parser.push(bytes.subarray(off, off + size), out);
    off += size;
  }
  parser.finish();
  return out.map(plain);
}

/** Deterministic pseudo-random chunk sizes (xorshift), 1..max. */
export function randomSizes(seed: number, count: number, max: number): number[] {
  let x = seed | 1;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    sizes.push(1 + ((x >>> 0) % max));
  }
  return sizes;
}
