import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** One memory page: reading a page costs one fault, whatever part of it a lookup needs. */
export const LAZY_PAGE_BYTES = 4096;

/** Pages hashed per read by sha256(): 1 MiB of scratch, whatever the file's size. */
const HASH_CHUNK_PAGES = 256;

/** Closes the file of a LazyFileBytes dropped before it was complete (a GeoIP reload, a short-lived resolver). */
const closeWhenDropped = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
});

/**
 * A file's bytes, read page by page as they are first needed. The embedded GeoIP databases are
 * about 28 MB and a short replay looks up a few dozen addresses: reading them whole was the largest
 * single cost of a tiny replay's start-up (the page faults of 28 MB of fresh memory, about as much
 * as loading all of the code). `bytes` is a zero-filled Buffer of the file's size (untouched pages
 * cost nothing); `ensure` reads the pages a range covers from the file, kept open so that a file
 * replaced on disk (rename) is still read as it was at open. Once a quarter of the file has been
 * read page by page (a long run), the rest is read at once and the file closed: from then on the
 * run pays only the whole read it always paid, once.
 */
export class LazyFileBytes {
  readonly bytes: Buffer;
  readonly size: number;
  private fd: number | undefined;
  private readonly loadedPages: Uint8Array;
  /** Pages read one at a time by ensure(): what tells a long run from a short one. */
  private pagesOnDemand = 0;
  private readonly unregisterToken = {};

  constructor(readonly path: string) {
    const fd = openSync(path, 'r');
    try {
      this.size = fstatSync(fd).size;
      this.bytes = Buffer.alloc(this.size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
    this.loadedPages = new Uint8Array(Math.ceil(this.size / LAZY_PAGE_BYTES));
    closeWhenDropped.register(this, fd, this.unregisterToken);
  }

  get complete(): boolean {
    return this.fd === undefined;
  }

  /** Makes bytes [offset, offset + length) hold the file's contents (a lookup's few bytes). */
  ensure(offset: number, length: number): void {
    if (this.fd === undefined || length <= 0) return;
    const [first, end] = this.pagesOf(offset, length);
    for (let page = first; page < end; page++) {
      if (this.loadedPages[page] !== 0) continue;
      this.readPages(page, page + 1);
      this.pagesOnDemand++;
    }
    if (this.pagesOnDemand * LAZY_PAGE_BYTES * 4 >= this.size) this.readAll();
  }

  /** Reads a whole range now (a section every lookup may need), in one read. */
  preload(offset: number, length: number): void {
    if (this.fd === undefined || length <= 0) return;
    const [first, end] = this.pagesOf(offset, length);
    this.readPages(first, end);
  }

  /** Reads every page not read yet and closes the file; returns the whole contents. */
  readAll(): Buffer {
    if (this.fd === undefined) return this.bytes;
    let page = 0;
    while (page < this.loadedPages.length) {
      if (this.loadedPages[page] !== 0) {
        page++;
        continue;
      }
      let end = page + 1;
      while (end < this.loadedPages.length && this.loadedPages[end] === 0) end++;
      this.readPages(page, end);
      page = end;
    }
    closeWhenDropped.unregister(this.unregisterToken);
    closeSync(this.fd);
    this.fd = undefined;
    return this.bytes;
  }

  /**
   * The SHA-256 of the file as it was at open, without making the bytes complete: the pages not
   * read yet are hashed through a small scratch buffer from the same open file. A run records the
   * digest of its GeoIP data (run provenance); reading the rest into `bytes` for that held all
   * ~28 MB of the embedded databases resident for the whole run, when a run's lookups touch a
   * tenth of their pages.
   */
  sha256(): string {
    const hash = createHash('sha256');
    if (this.fd === undefined) return hash.update(this.bytes).digest('hex');
    const scratch = Buffer.allocUnsafe(HASH_CHUNK_PAGES * LAZY_PAGE_BYTES);
    let page = 0;
    const pages = this.loadedPages.length;
    while (page < pages) {
      const loaded = this.loadedPages[page] !== 0;
      let end = page + 1;
      while (end < pages && end - page < HASH_CHUNK_PAGES && (this.loadedPages[end] !== 0) === loaded) end++;
      const start = page * LAZY_PAGE_BYTES;
      const stop = Math.min(this.size, end * LAZY_PAGE_BYTES);
      if (loaded) {
        hash.update(this.bytes.subarray(start, stop));
      } else {
        this.readInto(scratch, start, stop - start);
        hash.update(scratch.subarray(0, stop - start));
      }
      page = end;
    }
    return hash.digest('hex');
  }

  /** [first, end) page numbers covering the range, clipped to the file. */
  private pagesOf(offset: number, length: number): [number, number] {
    const first = Math.max(0, Math.floor(offset / LAZY_PAGE_BYTES));
    const end = Math.min(this.loadedPages.length, Math.floor((offset + length - 1) / LAZY_PAGE_BYTES) + 1);
    return [first, Math.max(first, end)];
  }

  private readPages(first: number, end: number): void {
    const start = first * LAZY_PAGE_BYTES;
    const stop = Math.min(this.size, end * LAZY_PAGE_BYTES);
    this.readInto(this.bytes.subarray(start, stop), start, stop - start);
    this.loadedPages.fill(1, first, end);
  }

  /** Reads `length` bytes of the file from `position` into the start of `into`. */
  private readInto(into: Uint8Array, position: number, length: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd!, into, done, length - done, position + done);
      if (n === 0) throw new Error(`${this.path}: file shrank while it was being read`);
      done += n;
    }
  }
}
