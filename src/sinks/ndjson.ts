/**
 * NDJSON sink: one ECS record per line, exactly the record (JSON.stringify of
 * it, no logger envelope), written through pino's SonicBoom destination so
 * writes are batched and asynchronous. Strings keep their exact bytes; JSON
 * escaping is the only transformation.
 */
import pino from 'pino';
import type { Counters } from '../counters.js';
import type { GroundwatchRecord } from '../records/ecs.js';
import type { Sink } from './sink.js';

export const DEFAULT_NDJSON_BUFFER_BYTES = 64 * 1024 * 1024;

export interface NdjsonSinkOptions {
  /** File descriptor (1 = stdout) or a file path (parent directories are created). */
  dest: number | string;
  counters?: Counters;
  name?: string;
  /** Bytes buffered before lines are dropped (counted as sink.<name>.dropped). */
  maxBufferBytes?: number;
}

type Destination = ReturnType<typeof pino.destination>;

export class NdjsonSink implements Sink {
  readonly name: string;
  private readonly dest: Destination;
  private readonly counters: Counters | undefined;
  private failure: unknown;
  /** Lines handed to the destination that it has not confirmed as written. */
  private unwritten = false;
  private closed = false;

  constructor(opts: NdjsonSinkOptions) {
    this.name = opts.name ?? 'ndjson';
    this.counters = opts.counters;
    this.dest = pino.destination({
      dest: opts.dest,
      sync: false,
      mkdir: typeof opts.dest === 'string',
      // minLength 0: every line goes to the fd at once, and 'drain' means the buffer is empty
      // (with minLength > 0 SonicBoom drains while up to minLength bytes still wait).
      minLength: 0,
      maxLength: opts.maxBufferBytes ?? DEFAULT_NDJSON_BUFFER_BYTES,
    });
    this.dest.on('error', (err: unknown) => {
      this.failure = err;
    });
    this.dest.on('drain', () => {
      this.unwritten = false;
    });
    this.dest.on('drop', () => this.counters?.inc(`sink.${this.name}.dropped`));
  }

  write(rec: GroundwatchRecord): void {
    if (this.failure !== undefined) throw this.failure;
    this.unwritten = true;
    this.dest.write(`${JSON.stringify(rec)}\n`);
  }

  /** Resolves once every line written so far reached the destination (the kernel); rejects on a write error. */
  flush(): Promise<void> {
    if (!this.unwritten) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.dest.off('error', onError);
        resolve();
      };
      const onError = (err: unknown): void => {
        this.dest.off('drain', onDrain);
        reject(err);
      };
      this.dest.once('drain', onDrain);
      this.dest.once('error', onError);
      if (this.failure !== undefined) {
        // The destination stopped after the error and keeps the unwritten bytes: an empty write retries them.
        this.failure = undefined;
        this.dest.write('');
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.dest.once('close', () => resolve());
      this.dest.once('error', () => resolve());
      this.dest.end();
    });
  }
}
