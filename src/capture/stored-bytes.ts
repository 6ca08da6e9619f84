/**
 * A capture file's bytes as a stream of content chunks (gunzipped when the
 * file is gzip), hashing the stored bytes on the way so provenance needs no
 * second read. Memory stays at a few chunks whatever the file size.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** zlib refuses output chunks smaller than this. */
const MIN_ZLIB_CHUNK_BYTES = 64;

export class StoredBytes {
  private readonly hash = createHash('sha256');
  /** Stored bytes hashed so far; reading resumes here when the parser stopped early. */
  private hashed = 0;

  constructor(
    readonly path: string,
    readonly compressed: boolean,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  /** The content, chunk by chunk. Breaking out early closes the file. */
  async *content(): AsyncGenerator<Uint8Array> {
    const raw = createReadStream(this.path, { highWaterMark: this.chunkBytes });
    if (!this.compressed) {
      for await (const chunk of raw as AsyncIterable<Buffer>) {
        this.see(chunk);
        yield chunk;
      }
      return;
    }
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.see(chunk);
        done(null, chunk);
      },
    });
    const gunzip = createGunzip({ chunkSize: Math.max(MIN_ZLIB_CHUNK_BYTES, this.chunkBytes) });
    // Errors reach the iterator through gunzip; the callback only keeps pipeline quiet.
    const content = pipeline(raw, tap, gunzip, () => undefined);
    for await (const chunk of content as AsyncIterable<Buffer>) yield chunk;
  }

  /** SHA-256 (hex) of every stored byte, reading whatever content() did not. */
  async sha256(): Promise<string> {
    const rest = createReadStream(this.path, { start: this.hashed, highWaterMark: this.chunkBytes });
    for await (const chunk of rest as AsyncIterable<Buffer>) this.see(chunk);
    return this.hash.digest('hex');
  }

  private see(chunk: Buffer): void {
    this.hash.update(chunk);
    this.hashed += chunk.length;
  }
}

/** zlib reports bad or cut gzip data with Z_* codes; anything else is an I/O error. */
export function zlibErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? code : undefined;
}
