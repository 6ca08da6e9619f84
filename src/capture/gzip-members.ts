/**
 * gzip (RFC 1952) read member by member: the header parsed here, the deflate
 * data inflated raw, the CRC-32 and length checked here. Unlike zlib's gunzip
 * stream, which drops the output of the call that meets a bad trailer or
 * trailing bytes, every byte decompressed is handed out before the damage is
 * reported (as gzip -dc does). Damage is thrown as GzipDamage after the data.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { constants, createInflateRaw } from 'node:zlib';
import { crc32 } from './crc32.js';
import { GzipDamage } from './gzip-damage.js';

export interface GzipReadOptions {
  path: string;
  /** Bytes of the file to read (its size when validated): nothing beyond is read. */
  size: number;
  /** Output chunk size. */
  chunkBytes: number;
  /** Every stored byte read, with its file offset, in file order (a member's tail may come twice). */
  onRead(chunk: Uint8Array, at: number): void;
}

const ID1 = 0x1f;
const ID2 = 0x8b;
const CM_DEFLATE = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;
const FIXED_HEADER_BYTES = 10;
const TRAILER_BYTES = 8;
/** Longest member header accepted (file name and comment are unbounded in the format). */
const MAX_HEADER_BYTES = 64 * 1024;
/** zlib refuses output chunks smaller than this. */
const MIN_ZLIB_CHUNK_BYTES = 64;

/** The decompressed content of every member, in order. */
export async function* gunzipMembers(opts: GzipReadOptions): AsyncGenerator<Uint8Array> {
  const handle = await open(opts.path, 'r');
  try {
    let at = 0;
    for (let member = 1; at < opts.size; member++) {
      const header = await readAt(handle, at, MAX_HEADER_BYTES, opts);
      if (member > 1 && !(header[0] === ID1 && header[1] === ID2)) {
        throw new GzipDamage('corrupt', `${opts.size - at} bytes after the gzip data are not a gzip member (trailing garbage)`);
      }
      const bodyAt = at + headerLength(header, opts.size - at, member);
      const body = { crc: 0, length: 0, consumed: 0 };
      yield* inflateBody(opts, bodyAt, body);
      const trailerAt = bodyAt + body.consumed;
      const trailer = await readAt(handle, trailerAt, TRAILER_BYTES, opts);
      if (trailer.length < TRAILER_BYTES) throw new GzipDamage('truncated', `gzip member ${member} is cut short (unexpected end of file)`);
      const view = new DataView(trailer.buffer, trailer.byteOffset, TRAILER_BYTES);
      const storedCrc = view.getUint32(0, true);
      if (storedCrc !== body.crc) {
        throw new GzipDamage('corrupt', `gzip member ${member}: CRC-32 of the data is ${hex(body.crc)} but the trailer says ${hex(storedCrc)} (the data may be damaged)`);
      }
      if (view.getUint32(4, true) !== body.length % 2 ** 32) {
        throw new GzipDamage('corrupt', `gzip member ${member}: ${body.length} bytes of data but the trailer says ${view.getUint32(4, true)} (mod 2^32)`);
      }
      at = trailerAt + TRAILER_BYTES;
    }
  } finally {
    await handle.close();
  }
}

/** Inflates the deflate data starting at `bodyAt`; fills in its CRC-32, length and how many stored bytes it took. */
async function* inflateBody(opts: GzipReadOptions, bodyAt: number, body: { crc: number; length: number; consumed: number }): AsyncGenerator<Uint8Array> {
  if (bodyAt >= opts.size) return;
  // Z_SYNC_FLUSH at the end: a cut stream ends quietly with all it had; the missing trailer then says "cut short".
  const inflate = createInflateRaw({ chunkSize: Math.max(MIN_ZLIB_CHUNK_BYTES, opts.chunkBytes), finishFlush: constants.Z_SYNC_FLUSH });
  const raw = createReadStream(opts.path, { start: bodyAt, end: opts.size - 1, highWaterMark: Math.max(MIN_ZLIB_CHUNK_BYTES, opts.chunkBytes) });
  let readTo = bodyAt;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      opts.onRead(chunk, readTo);
      readTo += chunk.length;
      done(null, chunk);
    },
  });
  // Errors reach the iterator through inflate; an early end (the member's data ended) only closes the file.
  const content = pipeline(raw, tap, inflate, () => undefined);
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      body.crc = crc32(chunk, body.crc);
      body.length += chunk.length;
      yield chunk;
    }
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !code.startsWith('Z_')) throw err;
    throw new GzipDamage(code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt', `gzip stream: ${(err as Error).message}`);
  } finally {
    raw.destroy();
  }
  // The raw inflater stops at the end of the deflate data: what it took tells where the trailer is.
  body.consumed = inflate.bytesWritten;
}

/** Length of the member header at the start of `b` (RFC 1952 section 2.3.1). */
function headerLength(b: Uint8Array, available: number, member: number): number {
  const cut = () => new GzipDamage('truncated', `gzip member ${member} header is cut short`);
  if (b.length < FIXED_HEADER_BYTES) throw cut();
  if (b[2] !== CM_DEFLATE) throw new GzipDamage('corrupt', `gzip member ${member} uses compression method ${b[2]} (only 8, deflate, is defined)`);
  const flags = b[3]!;
  if (flags & FRESERVED) throw new GzipDamage('corrupt', `gzip member ${member} sets reserved flags (0x${flags.toString(16)})`);
  let off = FIXED_HEADER_BYTES;
  if (flags & FEXTRA) off = off + 2 > b.length ? b.length + 1 : off + 2 + (b[off]! | (b[off + 1]! << 8));
  if (flags & FNAME) off = afterZero(b, off);
  if (flags & FCOMMENT) off = afterZero(b, off);
  if (flags & FHCRC) off += 2;
  if (off > b.length) {
    if (available <= b.length) throw cut();
    throw new GzipDamage('corrupt', `gzip member ${member} header is longer than ${MAX_HEADER_BYTES} bytes`);
  }
  return off;
}

function afterZero(b: Uint8Array, from: number): number {
  const zero = b.indexOf(0, from);
  return zero < 0 ? b.length + 1 : zero + 1;
}

/** Up to `max` bytes at `at` (fewer at the end of the validated size or of the file). */
async function readAt(handle: FileHandle, at: number, max: number, opts: GzipReadOptions): Promise<Uint8Array> {
  const want = Math.max(0, Math.min(max, opts.size - at));
  const buffer = new Uint8Array(want);
  let filled = 0;
  while (filled < want) {
    const { bytesRead } = await handle.read(buffer, filled, want - filled, at + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  const bytes = buffer.subarray(0, filled);
  opts.onRead(bytes, at);
  return bytes;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
