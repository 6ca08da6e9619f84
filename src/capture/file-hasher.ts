/**
 * SHA-256 of capture files, of the bytes exactly as the reader read them (so
 * a file that grows or changes while read is recorded as what was analysed).
 * For a large file the hashing runs on a worker thread, fed copies of the
 * chunks read: 250 MB cost ~0.8 s of CPU, which then runs beside the parser
 * on the second core, while a copy costs ~1/20 of that. A small file is hashed
 * here: starting the thread (~40 ms) would cost more than hashing it. One
 * thread serves every large file of a run, and it never keeps the process
 * alive while idle.
 */
import { createHash, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';

/**
 * worker_threads is required when the thread starts, not when this module loads: a replay of
 * small files never starts it, and loading the module cost ~5 ms of every start (issue 18).
 */
const workerClass = (): typeof Worker => (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).Worker;

/** Files up to this size are hashed on the calling thread (~4 ms at 8 MiB). */
export const INLINE_HASH_MAX_BYTES = 8 * 1024 * 1024;

export interface FileDigest {
  sha256: string;
  /** Bytes hashed: what was read, which is the file's size as validated unless it shrank meanwhile. */
  hashed: number;
}

/** CommonJS source for the thread: needs no file path, so it runs the same from src/ (tests) and dist/. */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', ({ id, op, buffer, length }) => {
  if (op === 'update') {
    hashes.get(id).update(new Uint8Array(buffer, 0, length));
    parentPort.postMessage({ op: 'free', buffer }, [buffer]);
    return;
  }
  if (op === 'start') { hashes.set(id, createHash('sha256')); return; }
  const sha256 = hashes.get(id).digest('hex');
  hashes.delete(id);
  parentPort.postMessage({ op: 'digest', id, sha256 });
});
`;

/** Copy buffers go to the thread and come back to be reused: garbage buffers waiting for the thread's GC cost ~70 MB on a 160 MB file. */
const COPY_BUFFER_BYTES = 1024 * 1024;
const MAX_POOLED_BUFFERS = 8;
/**
 * Copies the thread has not hashed yet before the reader waits for it: a thread starved of CPU
 * (a busy machine) otherwise let copies of the whole file pile up (seen: 535 MB peak on a 275 MB
 * capture). As many as the pool keeps, so no more than that many copy buffers ever exist.
 */
export const MAX_COPIES_IN_FLIGHT = MAX_POOLED_BUFFERS;

type Reply = { op: 'free'; buffer: ArrayBuffer } | { op: 'digest'; id: number; sha256: string };

type Waiter = { resolve(sha256: string): void; reject(e: Error): void };

class HashThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private active = 0;
  private readonly waiting = new Map<number, Waiter>();
  private readonly pool: ArrayBuffer[] = [];
  private inFlight = 0;
  private catchingUp: (() => void)[] = [];

  start(): number {
    const id = this.nextId++;
    this.active++;
    const worker = this.thread();
    worker.ref();
    worker.postMessage({ id, op: 'start' });
    return id;
  }

  /** Posts a copy of the bytes (the caller's chunk stays in use by the parser), in a buffer the thread hands back. */
  update(id: number, bytes: Uint8Array): void {
    const buffer = this.copyBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    this.thread().postMessage({ id, op: 'update', buffer, length: bytes.length }, [buffer]);
    this.inFlight++;
  }

  /** Resolves once the thread is within MAX_COPIES_IN_FLIGHT copies of the reader; undefined when it already is. */
  caughtUp(): Promise<void> | undefined {
    if (this.inFlight < MAX_COPIES_IN_FLIGHT) return undefined;
    return new Promise((resolve) => this.catchingUp.push(resolve));
  }

  private copyReturned(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight < MAX_COPIES_IN_FLIGHT) this.releaseReaders();
  }

  private releaseReaders(): void {
    const waiting = this.catchingUp;
    this.catchingUp = [];
    for (const resolve of waiting) resolve();
  }

  private copyBuffer(length: number): ArrayBuffer {
    for (let i = this.pool.length - 1; i >= 0; i--) {
      if (this.pool[i]!.byteLength >= length) return this.pool.splice(i, 1)[0]!;
    }
    return new ArrayBuffer(Math.max(length, COPY_BUFFER_BYTES));
  }

  end(id: number): Promise<string> {
    const promise = new Promise<string>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.thread().postMessage({ id, op: 'end' });
    return promise;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new (workerClass())(THREAD_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => {
      if (reply.op === 'digest') {
        this.settle(reply);
        return;
      }
      if (this.pool.length < MAX_POOLED_BUFFERS) this.pool.push(reply.buffer);
      this.copyReturned();
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.worker = undefined;
      this.failAll(new Error('hash thread exited'));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: { id: number; sha256: string }): void {
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (--this.active === 0) this.worker?.unref();
    waiter?.resolve(reply.sha256);
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.active = 0;
    // The digest reports the failure; readers go on without waiting for a thread that is gone.
    this.inFlight = 0;
    this.releaseReaders();
  }
}

const shared = new HashThread();

/**
 * Hashes a file's bytes in the order they are read. Readers may read a range
 * twice (the gzip reader re-reads a member's tail); bytes already hashed are
 * skipped, so each byte counts once, as first read.
 */
export class ReadDigest {
  /** Bytes hashed so far: everything before this offset. */
  position = 0;
  private readonly inline: Hash | undefined;
  private readonly threadId: number | undefined;

  constructor(expectedSize: number) {
    if (expectedSize > INLINE_HASH_MAX_BYTES) this.threadId = shared.start();
    else this.inline = createHash('sha256');
  }

  /** `chunk` was read from file offset `at`. */
  update(chunk: Uint8Array, at: number): void {
    const end = at + chunk.length;
    if (end <= this.position) return;
    if (at > this.position) throw new Error(`read digest: bytes ${this.position}..${at} were skipped`);
    const fresh = at === this.position ? chunk : chunk.subarray(this.position - at);
    this.position = end;
    if (this.inline) this.inline.update(fresh);
    else shared.update(this.threadId!, fresh);
  }

  /** Before reading on: resolves once the hash thread has caught up enough (undefined when it has, or hashing is inline). */
  caughtUp(): Promise<void> | undefined {
    return this.threadId === undefined ? undefined : shared.caughtUp();
  }

  /** Reading was abandoned: release the thread's state (it would otherwise keep the process alive). */
  abandon(): void {
    if (this.threadId !== undefined) shared.end(this.threadId).catch(() => undefined);
  }

  async digest(): Promise<FileDigest> {
    const sha256 = this.inline ? this.inline.digest('hex') : await shared.end(this.threadId!);
    return { sha256, hashed: this.position };
  }
}
