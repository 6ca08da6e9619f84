/**
 * NDJSON sink: one ECS record per line, exactly the record (JSON.stringify of
 * it, no logger envelope), written through pino's SonicBoom destination so
 * writes are asynchronous. Strings keep their exact bytes; JSON escaping is the
 * only transformation.
 *
 * Lines are handed to the destination in batches of at least BATCH_CHARS (and
 * at the end of each synchronous burst of writes): SonicBoom appends each
 * write to its last buffered string and measures that string's UTF-8 length,
 * so a line at a time cost a copy of up to 16 KB per line (on a 57 MB replay,
 * 40 % of everything the process allocated).
 */
import pino from 'pino';
import type { Counters } from '../counters.js';
import type { GroundwatchRecord } from '../records/ecs.js';
import { LineLedger } from './line-ledger.js';
import { recordJson, type RecordText } from './record-text.js';
import type { Sink } from './sink.js';

export const DEFAULT_NDJSON_BUFFER_BYTES = 64 * 1024 * 1024;
/** Lines in flight before needsFlush() asks the producer to wait. */
export const NDJSON_FLUSH_LINES = 4096;
/** Characters of lines collected before they go to the destination together (SonicBoom's own write size is 16 KiB). */
const BATCH_CHARS = 16 * 1024;

export interface NdjsonSinkOptions {
  /** File descriptor (1 = stdout) or a file path (parent directories are created). */
  dest: number | string;
  counters?: Counters;
  name?: string;
  /** Bytes buffered before lines are dropped (counted as sink.<name>.dropped). */
  maxBufferBytes?: number;
  /** Lines were dropped; called with each loss. */
  onDrop?: (count: number) => void;
}

type Destination = ReturnType<typeof pino.destination>;

export class NdjsonSink implements Sink {
  readonly name: string;
  private readonly target: number | string;
  private readonly maxBufferBytes: number;
  private dest: Destination;
  private readonly counters: Counters | undefined;
  private readonly onDrop: ((count: number) => void) | undefined;
  private failure: unknown;
  /** Lines handed to the destination and not yet (entirely) in the file. */
  private readonly ledger = new LineLedger();
  private opened = false;
  private closed = false;
  /** Lines written and not yet handed to the destination (see BATCH_CHARS). */
  private batch: string[] = [];
  private batchChars = 0;
  private handOverQueued = false;
  /** Lines in the hand-over under way: the destination drops a write whole. */
  private handingOver = 0;
  private readonly handOverSoon = (): void => {
    this.handOverQueued = false;
    this.handOver();
  };

  constructor(opts: NdjsonSinkOptions) {
    this.name = opts.name ?? 'ndjson';
    this.counters = opts.counters;
    this.onDrop = opts.onDrop;
    this.target = opts.dest;
    this.maxBufferBytes = opts.maxBufferBytes ?? DEFAULT_NDJSON_BUFFER_BYTES;
    this.dest = this.openDestination();
  }

  write(rec: GroundwatchRecord, text?: RecordText): void {
    if (this.failure !== undefined) throw this.failure;
    const line = `${recordJson(rec, text)}\n`;
    this.batch.push(line);
    this.batchChars += line.length;
    if (this.batchChars >= BATCH_CHARS) this.handOver();
    else if (!this.handOverQueued) {
      // Lines never wait past the current burst of writes (what the destination holds is written at exit).
      this.handOverQueued = true;
      queueMicrotask(this.handOverSoon);
    }
  }

  /** Enough lines are waiting that the producer should await flush() (backpressure for fast replays). */
  needsFlush(): boolean {
    return this.ledger.unwritten + this.batch.length >= NDJSON_FLUSH_LINES;
  }

  /** Resolves once every line written so far reached the destination (the kernel); rejects on a write error. */
  async flush(): Promise<void> {
    this.handOver();
    if (this.failure !== undefined) await this.retryAfterFailure();
    if (this.ledger.unwritten === 0) return;
    const dest = this.dest;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        dest.off('error', onError);
        resolve();
      };
      const onError = (err: unknown): void => {
        dest.off('drain', onDrain);
        reject(err);
      };
      dest.once('drain', onDrain);
      dest.once('error', onError);
    });
  }

  /** Resolves when the destination is open, rejects with the open error: lets a caller fail fast at startup. */
  ready(): Promise<void> {
    if (this.opened) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return settleOn(this.dest, 'ready');
  }

  /**
   * After logrotate renamed the file: lines already handed over are written to
   * the renamed file (SonicBoom finishes them on the old descriptor first), and
   * the next ones go to a new file at the original path. Nothing for stdout.
   */
  async reopen(): Promise<void> {
    if (typeof this.target !== 'string' || this.closed) return;
    if (this.failure !== undefined) await this.retryAfterFailure();
    this.handOver();
    const dest = this.dest;
    const reopened = settleOn(dest, 'ready');
    dest.reopen();
    await reopened;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush().catch(() => undefined);
    if (this.failure === undefined) {
      await new Promise<void>((resolve) => {
        this.dest.once('close', () => resolve());
        this.dest.once('error', () => resolve());
        this.dest.end();
      });
    }
    if (this.failure !== undefined) this.abandon();
  }

  /** The run ends while the file fails: what it holds unwritten is lost and counted. */
  abandonUnwritten(): void {
    if (this.failure !== undefined && !this.closed) {
      this.closed = true;
      this.abandon();
    }
  }

  /**
   * The file still fails at close (disk full): what it holds unwritten is lost and counted.
   * Destroyed, the destination's exit hook leaves it alone: SonicBoom 4's flushSync retries
   * any error but EAGAIN every 100 ms forever, so a full disk would hang the exit.
   */
  private abandon(): void {
    const lost = this.ledger.unwritten + this.batch.length;
    this.batch = [];
    this.batchChars = 0;
    if (lost > 0) {
      this.counters?.inc(`sink.${this.name}.dropped`, lost);
      this.onDrop?.(lost);
    }
    this.ledger.clear();
    this.dest.destroy();
  }

  private openDestination(): Destination {
    const dest = pino.destination({
      dest: this.target,
      sync: false,
      mkdir: typeof this.target === 'string',
      // minLength 0: every line goes to the fd at once, and 'drain' means the buffer is empty
      // (with minLength > 0 SonicBoom drains while up to minLength bytes still wait).
      minLength: 0,
      maxLength: this.maxBufferBytes,
    });
    dest.once('ready', () => {
      if (dest === this.dest) this.opened = true;
    });
    dest.on('error', (err: unknown) => {
      if (dest === this.dest) this.failure = err;
    });
    dest.on('write', (bytes: number) => {
      if (dest === this.dest) this.ledger.written(bytes);
    });
    dest.on('drain', () => {
      if (dest === this.dest) this.ledger.clear();
    });
    dest.on('drop', () => {
      const lines = this.handingOver;
      this.ledger.droppedNewest(lines);
      this.counters?.inc(`sink.${this.name}.dropped`, lines);
      this.onDrop?.(lines);
    });
    return dest;
  }

  /** Hands the collected lines to the destination as one write, each line's length in bytes to the ledger. */
  private handOver(): void {
    const lines = this.batch;
    if (lines.length === 0) return;
    this.batch = [];
    this.batchChars = 0;
    const text = lines.length === 1 ? lines[0]! : lines.join('');
    // Pure ASCII (nearly always): a line's bytes are its characters, measured once for the batch.
    const ascii = Buffer.byteLength(text) === text.length;
    for (const line of lines) this.ledger.added(ascii ? line.length : Buffer.byteLength(line));
    this.handingOver = lines.length;
    try {
      this.dest.write(text);
    } finally {
      this.handingOver = 0;
    }
  }

  private async retryAfterFailure(): Promise<void> {
    const failure = this.failure;
    this.failure = undefined;
    if (typeof this.target === 'string' && !this.opened) {
      // The file never opened (missing or unwritable directory): open it afresh. Lines buffered
      // in the dead destination cannot be recovered and are counted as dropped.
      this.abandon();
      this.dest = this.openDestination();
      try {
        await settleOn(this.dest, 'ready');
      } catch (err) {
        this.failure = err ?? failure;
        throw this.failure;
      }
      return;
    }
    // The destination stopped at the error and kept the unwritten bytes: an empty write retries them.
    this.dest.write('');
  }
}

function settleOn(dest: Destination, event: 'ready'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEvent = (): void => {
      dest.off('error', onError);
      resolve();
    };
    const onError = (err: unknown): void => {
      dest.off(event, onEvent);
      reject(err);
    };
    dest.once(event, onEvent);
    dest.once('error', onError);
  });
}
