/**
 * The SQLite store as a sink whose writing runs on a worker thread (store-worker.ts; issue 18):
 * the pipeline's thread only batches each Sink call (records as their JSON text) and posts one
 * message per flush. flush() does not wait for the commit, or nothing would run in parallel: it
 * waits only when more than MAX_BATCHES_IN_FLIGHT batches are unanswered, which bounds the memory
 * the two threads hold between them (backpressure).
 *
 * The fan-out's semantics stay those of the in-thread SqliteSink:
 *  - a failed commit surfaces as a rejection of a later flush(), whenWritten() or close(); while the
 *    store is failing each flush waits for its retry's outcome, so the fan-out's backoff sees it;
 *  - the rows stay pending in the writer's sink under its bound (oldest dropped and counted there);
 *  - whenWritten() (the fan-out settling or closing) waits for every reply, so the final stats record
 *    has every count the writer made (each reply carries its counters' gains);
 *  - a writer thread that dies (an exception, a crash) is STORE_WORKER_FAILED: every later flush
 *    rejects with it and the session ends with it, never a wait for a reply that cannot come.
 */
import { Worker } from 'node:worker_threads';
import type { CounterName, Counters } from '../counters.js';
import { GroundwatchError } from '../errors.js';
import type { StoredCheckpoint } from '../integrity/log-store.js';
import type { CaptureRun, FoldedFlows, GroundwatchRecord } from '../records/ecs.js';
import type { RecordText } from '../sinks/record-text.js';
import type { Sink } from '../sinks/sink.js';
import { DEFAULT_SQLITE_BATCH, DEFAULT_SQLITE_FLUSH_MS, DEFAULT_SQLITE_MAX_PENDING } from '../sinks/sqlite-sink-defaults.js';
import { checkpointFromWire, fromWire, type FromWorker, type StoreOp, type StoreRequest, type StoreWorkerSetup, type ToWorker } from './store-messages.js';

/** Batches posted and not yet answered before flush() waits: two keep both threads busy. */
export const MAX_BATCHES_IN_FLIGHT = 2;
/**
 * The writer thread's code: the build's one-file bundle of it (scripts/bundle-cli.mjs), else tsc's
 * module; run from source, neither exists (engine/store-open.ts then keeps the store in-thread).
 */
export const STORE_WORKER_URLS = [new URL('./store-worker.cjs', import.meta.url), new URL('./store-worker.js', import.meta.url)];

/** A writer thread started before its session opens (prestartStoreWorker), not yet claimed. */
let prestarted: { href: string; worker: Worker; dead: boolean } | undefined;

/**
 * Starts the writer thread early (a replay: before its inputs are checked), so that its start and
 * code loading overlap the run's own; it opens no store until a StoreThread claims it. Unclaimed
 * (the run ends with a bad input), it never keeps the process alive.
 */
export function prestartStoreWorker(url: URL): void {
  if (prestarted) return;
  const entry = { href: url.href, worker: new Worker(url, workerOptions()), dead: false };
  entry.worker.unref();
  const dead = (): void => {
    entry.dead = true;
  };
  entry.worker.once('error', dead).once('exit', dead);
  prestarted = entry;
}

function claimPrestarted(url: URL): Worker | undefined {
  const entry = prestarted;
  if (!entry || entry.href !== url.href) return undefined;
  prestarted = undefined;
  entry.worker.removeAllListeners();
  // Died before it was needed: a fresh one (the new StoreThread reports it if that one fails too).
  if (entry.dead) return undefined;
  return entry.worker;
}

export interface StoreThreadOptions {
  readonly setup: StoreWorkerSetup;
  readonly counters: Counters;
  /** Rows the store dropped (as SqliteSink's onDrop). */
  readonly onDrop: (count: number) => void;
  readonly warn: (line: string) => void;
  /** An integrity checkpoint was written (already queued to the outbox, with delivery). */
  readonly onCheckpoint: (cp: StoredCheckpoint) => void;
  readonly workerUrl: URL;
}

interface Pending {
  readonly done: Promise<void>;
  readonly resolve: () => void;
}

export class StoreThread implements Sink {
  readonly name: string;
  readonly flushIntervalMs = DEFAULT_SQLITE_FLUSH_MS;
  readonly integrity: { lastWritten: StoredCheckpoint | undefined; signer: { name: string } | undefined } = { lastWritten: undefined, signer: undefined };
  /** Resolves once the writer has the store open; rejects with why it could not (DB_OPEN_FAILED, KEY_INVALID...). */
  readonly opened: Promise<void>;
  private readonly worker: Worker;
  private ops: StoreOp[] = [];
  private nextId = 1;
  private readonly inFlight = new Map<number, Pending>();
  /** A failed commit (or close) not yet turned into a rejection. */
  private unreported: Error | undefined;
  /** The last reply said the commit failed: the rows are still pending there. */
  private failing = false;
  /** Rows pending in the writer's sink, as of the last reply. */
  private writerPending = 0;
  private fatal: GroundwatchError | undefined;
  private ending = false;
  private openedSettle: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(private readonly opts: StoreThreadOptions) {
    this.name = opts.setup.sinkName;
    this.opened = new Promise((resolve, reject) => (this.openedSettle = { resolve, reject }));
    // Awaited by Session.open, which may fail first (a bad rule file) and never get to it.
    this.opened.catch(() => undefined);
    this.worker = claimPrestarted(opts.workerUrl) ?? new Worker(opts.workerUrl, workerOptions());
    this.worker.ref();
    this.worker.postMessage({ type: 'open', setup: opts.setup } satisfies ToWorker);
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => this.die(err.message));
    this.worker.on('messageerror', (err) => this.die(`a message could not be read: ${err.message}`));
    this.worker.on('exit', (code) => {
      if (!this.ending) this.die(`it exited (code ${code})`);
    });
  }

  /** The writer thread failed for good: why (the session ends with it). */
  get failure(): GroundwatchError | undefined {
    return this.fatal;
  }

  write(rec: GroundwatchRecord, text?: RecordText): void {
    let json: string;
    try {
      json = text === undefined ? JSON.stringify(rec) : text.get();
    } catch {
      // Not serialisable: a bug upstream, counted as the in-thread sink counts it, never a stall.
      this.opts.counters.inc(`sink.${this.name}.invalid_records`);
      return;
    }
    this.push(['write', json]);
  }

  // Runs and folded flows are changed later by their owners: each call sends them as they are now.
  startRun(run: CaptureRun): void {
    this.push(['startRun', structuredClone(run)]);
  }

  endRun(run: CaptureRun): void {
    this.push(['endRun', structuredClone(run)]);
  }

  updateAlertRepeats(alertId: string, repeats: number, lastSeen: string, folded?: FoldedFlows): void {
    this.push(['repeats', alertId, repeats, lastSeen, folded === undefined ? undefined : structuredClone(folded)]);
  }

  needsFlush(): boolean {
    return this.ops.length >= DEFAULT_SQLITE_BATCH;
  }

  async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.ops.length > 0 || this.failing) this.postBatch(true);
    if (this.failing) {
      // A retry: its outcome is this flush's, so the fan-out backs off while the store fails.
      await this.drainQuietly();
    } else {
      while (this.inFlight.size > MAX_BATCHES_IN_FLIGHT) await this.inFlight.values().next().value?.done;
    }
    this.throwIfFailed();
  }

  async whenWritten(): Promise<void> {
    await this.drainQuietly();
    this.throwIfFailed();
  }

  /** The store still fails as the run ends: what it holds unwritten is lost, counted here at once (the final stats record follows). */
  abandonUnwritten(): void {
    const lost = this.ops.length + (this.failing && !this.fatal ? this.writerPending : 0);
    this.ops = [];
    if (this.failing && !this.fatal && this.writerPending > 0) {
      this.writerPending = 0;
      this.request({ type: 'abandon', id: this.nextId++ });
    }
    if (lost === 0) return;
    this.opts.counters.inc(`sink.${this.name}.dropped`, lost);
    this.opts.onDrop(lost);
  }

  /** The writer commits what is left, writes the run's last checkpoint and closes its connection; then the thread ends. */
  async close(): Promise<void> {
    if (this.ending) return;
    try {
      if (!this.fatal) {
        if (this.ops.length > 0) this.postBatch(true);
        await this.request({ type: 'close', id: this.nextId++ }).done;
      }
      this.ending = true;
      if (this.ops.length > 0) this.abandonUnwritten();
      this.throwIfFailed();
    } finally {
      this.ending = true;
      await this.worker.terminate();
    }
  }

  /** Session.open failed before the store was used: end the thread. */
  async abort(): Promise<void> {
    this.ending = true;
    await this.worker.terminate();
  }

  private push(op: StoreOp): void {
    this.ops.push(op);
    if (this.ops.length < DEFAULT_SQLITE_MAX_PENDING) return;
    if (this.fatal) {
      // Nowhere to go: the oldest is lost, and counted.
      this.ops.shift();
      this.opts.counters.inc(`sink.${this.name}.dropped`);
      this.opts.onDrop(1);
      return;
    }
    // The bound, between two flushes: on to the writer now (a healthy store commits there, a failing
    // one keeps them under its own bound, oldest dropped and counted), without waiting.
    this.postBatch(!this.failing);
  }

  private postBatch(commit: boolean): void {
    const ops = this.ops;
    this.ops = [];
    this.request({ type: 'batch', id: this.nextId++, ops, commit });
  }

  private request(message: StoreRequest): Pending {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const pending = { done, resolve };
    if (this.fatal) {
      resolve();
      return pending;
    }
    this.inFlight.set(message.id, pending);
    // Referenced only while a reply is awaited: an idle writer never keeps the process alive.
    this.worker.ref();
    this.worker.postMessage(message);
    return pending;
  }

  private async drainQuietly(): Promise<void> {
    await Promise.all([...this.inFlight.values()].map((p) => p.done));
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        if (m.signerName !== undefined) this.integrity.signer = { name: m.signerName };
        this.openedSettle?.resolve();
        if (this.inFlight.size === 0) this.worker.unref();
        return;
      case 'open-failed':
        this.ending = true;
        this.openedSettle?.reject(fromWire(m.error));
        return;
      case 'warn':
        this.opts.warn(m.line);
        return;
      case 'checkpoint': {
        const cp = checkpointFromWire(m.checkpoint);
        this.integrity.lastWritten = cp;
        this.opts.onCheckpoint(cp);
        return;
      }
      case 'done':
        for (const [name, gained] of Object.entries(m.counters)) this.opts.counters.inc(name as CounterName, gained);
        if (m.dropped > 0) this.opts.onDrop(m.dropped);
        this.writerPending = m.pending;
        this.failing = m.error !== undefined;
        if (m.error) this.unreported ??= fromWire(m.error);
        this.settle(m.id);
        return;
    }
  }

  private settle(id: number): void {
    this.inFlight.get(id)?.resolve();
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) this.worker.unref();
  }

  private die(reason: string): void {
    this.fatal ??= new GroundwatchError('STORE_WORKER_FAILED', `the store's writer thread failed: ${reason}; rows it had not committed are lost`);
    this.openedSettle?.reject(this.fatal);
    for (const id of [...this.inFlight.keys()]) this.settle(id);
  }

  private throwIfFailed(): void {
    if (this.fatal) throw this.fatal;
    const err = this.unreported;
    this.unreported = undefined;
    if (err) throw err;
  }
}

/**
 * The writer's young generation, in MiB: V8's default (two 16 MiB semi-spaces and more) is sized
 * for a main thread that allocates heavily, and cost the writer ~30 MB of resident memory on the
 * bench corpus; at 12 the full run's wall time was unchanged (issue 18, interleaved runs).
 */
const WRITER_YOUNG_GENERATION_MB = 12;

function workerOptions(): { resourceLimits: { maxYoungGenerationSizeMb: number } } {
  return { resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } };
}
