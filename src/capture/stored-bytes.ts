/**
 * A capture file's bytes as a stream of content chunks (gunzipped when the
 * file is gzip). Memory stays at a few chunks whatever the file size. Only
 * the bytes the file held when validated are read (a file still growing is
 * read as it was), and they are hashed as read (src/capture/file-hasher.ts),
 * so the recorded size and SHA-256 cover exactly what was analysed.
 */
import { createReadStream } from 'node:fs';
import { ReadDigest, type FileDigest } from './file-hasher.js';

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export class StoredBytes {
  private readonly digest: ReadDigest;
  private digested = false;

  constructor(
    readonly path: string,
    readonly compressed: boolean,
    /** Size when validated: reading stops there. */
    readonly size: number,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.digest = new ReadDigest(size);
  }

  /** The content, chunk by chunk. Breaking out early closes the file. gzip damage is thrown (GzipDamage) after the data before it. */
  async *content(): AsyncGenerator<Uint8Array> {
    if (this.compressed) {
      // The gzip reader (zlib, streams) loads only for a compressed file.
      const { gunzipMembers } = await import('./gzip-members.js');
      const onRead = (chunk: Uint8Array, at: number) => this.digest.update(chunk, at);
      for await (const chunk of gunzipMembers({ path: this.path, size: this.size, chunkBytes: this.chunkBytes, onRead })) {
        await this.digest.caughtUp();
        yield plainView(chunk);
      }
      return;
    }
    let at = 0;
    for await (const chunk of this.stream(0) as AsyncIterable<Buffer> | Iterable<Buffer>) {
      this.digest.update(chunk, at);
      at += chunk.length;
      await this.digest.caughtUp();
      yield plainView(chunk);
    }
  }

  /** SHA-256 and size of every byte read; what reading left (after damage) is read now, up to the validated size. */
  async finish(): Promise<FileDigest> {
    for await (const chunk of this.stream(this.digest.position) as AsyncIterable<Buffer> | Iterable<Buffer>) this.digest.update(chunk, this.digest.position);
    // Only now: a read error above leaves the digest to abandon(), which releases the hash thread.
    this.digested = true;
    return this.digest.digest();
  }

  /** Reading was given up (an I/O error, or the consumer stopped): release the digest. */
  abandon(): void {
    if (this.digested) return;
    this.digested = true;
    this.digest.abandon();
  }

  private stream(start: number): AsyncIterable<unknown> | Iterable<unknown> {
    if (start >= this.size) return [];
    return createReadStream(this.path, { start, end: this.size - 1, highWaterMark: this.chunkBytes });
  }
}

/** Packets are views into the chunk; views of a plain Uint8Array cost less than Buffer views (no FastBuffer per packet). */
function plainView(chunk: Uint8Array): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
}
