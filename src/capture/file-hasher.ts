/**
 * SHA-256 of capture files. A large file is hashed on a worker thread:
 * 250 MB cost ~120 ms of CPU, which then runs beside the parser on the second
 * core. A small one is hashed here: starting the thread (~40 ms) would cost
 * more than hashing it. One thread serves every large file of a run, and it
 * never keeps the process alive while idle.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Files up to this size are hashed on the calling thread (~4 ms at 8 MiB). */
export const INLINE_HASH_MAX_BYTES = 8 * 1024 * 1024;

type FsCalls = Pick<typeof import('node:fs'), 'openSync' | 'readSync' | 'closeSync'>;
type CryptoCalls = Pick<typeof import('node:crypto'), 'createHash'>;

/**
 * The one hashing loop: run here for small files and, as source text, on the
 * thread for large ones, so it uses nothing but its arguments and Buffer.
 */
function hashFileSync(path: string, size: number, fs: FsCalls, crypto: CryptoCalls): FileDigest {
  const fd = fs.openSync(path, 'r');
  try {
    const hash = crypto.createHash('sha256');
    const buffer = Buffer.allocUnsafe(Math.min(size, 1024 * 1024) || 1);
    let position = 0;
    while (position < size) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - position), position);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    return { sha256: hash.digest('hex'), hashed: position };
  } finally {
    fs.closeSync(fd);
  }
}

/** CommonJS source for the thread: needs no file path, so it runs the same from src/ (tests) and dist/. */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const hashFileSync = ${hashFileSync.toString()};
parentPort.on('message', ({ id, path, size }) => {
  try {
    parentPort.postMessage({ id, ...hashFileSync(path, size, fs, crypto) });
  } catch (err) {
    parentPort.postMessage({ id, error: { code: err && err.code, message: String((err && err.message) || err) } });
  }
});
`;

interface Reply {
  id: number;
  sha256?: string;
  hashed?: number;
  error?: { code?: string; message: string };
}

export interface FileDigest {
  sha256: string;
  /** Bytes hashed: `size` unless the file shrank meanwhile. */
  hashed: number;
}

type Waiter = { resolve(d: FileDigest): void; reject(e: Error): void };

class FileHasher {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiter>();

  /** SHA-256 of the file's first `size` bytes (the file as validated before the run). */
  hash(path: string, size: number): Promise<FileDigest> {
    const worker = this.start();
    const id = this.nextId++;
    worker.ref();
    worker.postMessage({ id, path, size });
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.worker = undefined;
      this.failAll(new Error('hash thread exited'));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (!waiter) return;
    if (reply.error) waiter.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    else waiter.resolve({ sha256: reply.sha256 ?? '', hashed: reply.hashed ?? 0 });
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

const shared = new FileHasher();

export function hashFile(path: string, size: number): Promise<FileDigest> {
  if (size > INLINE_HASH_MAX_BYTES) return shared.hash(path, size);
  try {
    return Promise.resolve(hashFileSync(path, size, { openSync, readSync, closeSync }, { createHash }));
  } catch (err) {
    return Promise.reject(err);
  }
}
