/**
 * A capture file's bytes as a stream of content chunks (gunzipped when the
 * file is gzip). Memory stays at a few chunks whatever the file size. The
 * stored bytes' SHA-256 is computed beside it by src/capture/file-hasher.ts.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** zlib refuses output chunks smaller than this. */
const MIN_ZLIB_CHUNK_BYTES = 64;

export class StoredBytes {
  constructor(
    readonly path: string,
    readonly compressed: boolean,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  /** The content, chunk by chunk. Breaking out early closes the file. */
  async *content(): AsyncGenerator<Uint8Array> {
    const raw = createReadStream(this.path, { highWaterMark: this.chunkBytes });
    if (!this.compressed) {
      for await (const chunk of raw as AsyncIterable<Buffer>) yield plainView(chunk);
      return;
    }
    const gunzip = createGunzip({ chunkSize: Math.max(MIN_ZLIB_CHUNK_BYTES, this.chunkBytes) });
    // Errors reach the iterator through gunzip; the callback only keeps pipeline quiet.
    const content = pipeline(raw, gunzip, () => undefined);
    for await (const chunk of content as AsyncIterable<Buffer>) yield plainView(chunk);
  }
}

/** Packets are views into the chunk; views of a plain Uint8Array cost less than Buffer views (no FastBuffer per packet). */
function plainView(chunk: Buffer): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
}

/** zlib reports bad or cut gzip data with Z_* codes; anything else is an I/O error. */
export function zlibErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? code : undefined;
}
