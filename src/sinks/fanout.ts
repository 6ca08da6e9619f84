/**
 * Fans every record out to all sinks. A failing sink is isolated: its error is
 * reported once per failure episode, counted, and the operations it missed
 * are queued (bounded, oldest dropped, counted and reported once) and
 * replayed when it is retried. Retries back off exponentially (250 ms
 * doubling to 30 s, from the first failure): a full disk costs one failed
 * attempt now and then, not one per batch, so capture keeps its rate. Nothing
 * here throws into the capture path.
 */
import type { Counters } from '../counters.js';
import type { CaptureRun, Dataset, FoldedFlows, GroundwatchRecord } from '../records/ecs.js';
import { Backoff } from '../util/backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import { RecordText } from './record-text.js';
import type { Sink } from './sink.js';

export const DEFAULT_SINK_QUEUE_LIMIT = 10_000;
export const SINK_RETRY_FIRST_MS = 250;
export const SINK_RETRY_MAX_MS = 30_000;

export interface SinkFanoutOptions {
  counters: Counters;
  onError: (sink: string, err: unknown) => void;
  /** Records of a failing sink were dropped (its queue was full); called with each loss. */
  onDrop?: (sink: string, count: number) => void;
  /** Operations kept per failing sink until it recovers. */
  queueLimit?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

type SinkOp = (sink: Sink) => void;

class SinkSlot {
  failing = false;
  /** While failing: no retry before this time (ms). */
  retryAt = 0;
  readonly backoff = new Backoff(SINK_RETRY_FIRST_MS, SINK_RETRY_MAX_MS);
  readonly queue: BoundedQueue<SinkOp>;
  constructor(readonly sink: Sink, queueLimit: number) {
    this.queue = new BoundedQueue(queueLimit);
  }
}

export class SinkFanout implements Sink {
  readonly name = 'fanout';
  private readonly slots: SinkSlot[];
  private readonly counters: Counters;
  private readonly onError: (sink: string, err: unknown) => void;
  private readonly onDrop: ((sink: string, count: number) => void) | undefined;
  private readonly now: () => number;
  private flushing: Promise<void> = Promise.resolve();
  private readonly taken = new Map<Dataset, boolean>();

  constructor(sinks: Sink[], opts: SinkFanoutOptions) {
    const limit = opts.queueLimit ?? DEFAULT_SINK_QUEUE_LIMIT;
    this.slots = sinks.map((s) => new SinkSlot(s, limit));
    this.counters = opts.counters;
    this.onError = opts.onError;
    this.onDrop = opts.onDrop;
    this.now = opts.now ?? Date.now;
  }

  get flushIntervalMs(): number | undefined {
    const intervals = this.slots.map((s) => s.sink.flushIntervalMs).filter((v): v is number => v !== undefined);
    return intervals.length > 0 ? Math.min(...intervals) : undefined;
  }

  /** Some sink takes records of this dataset (sinks are fixed at construction, so the answer is kept). */
  accepts(dataset: Dataset): boolean {
    let taken = this.taken.get(dataset);
    if (taken === undefined) {
      taken = this.slots.some((slot) => slot.sink.accepts?.(dataset) ?? true);
      this.taken.set(dataset, taken);
    }
    return taken;
  }

  write(rec: GroundwatchRecord): void {
    const text = new RecordText(rec);
    this.dispatch((s) => s.write(rec, text));
  }

  startRun(run: CaptureRun): void {
    this.dispatch((s) => s.startRun?.(run));
  }

  endRun(run: CaptureRun): void {
    this.dispatch((s) => s.endRun?.(run));
  }

  updateAlertRepeats(alertId: string, repeats: number, lastSeen: string, folded?: FoldedFlows): void {
    this.dispatch((s) => s.updateAlertRepeats?.(alertId, repeats, lastSeen, folded));
  }

  /** A sink backing off does not count: it is not retried before its time anyway. */
  needsFlush(): boolean {
    return this.slots.some((slot) => !this.backingOff(slot) && (slot.queue.length > 0 || this.safeNeedsFlush(slot)));
  }

  /** Queued operations waiting for a failing sink, per sink name. */
  queued(): Record<string, number> {
    return Object.fromEntries(this.slots.map((s) => [s.sink.name, s.queue.length]));
  }

  /** Retries queued operations (of sinks whose backoff is over), then flushes each sink. Never rejects. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushAll(false));
    return this.flushing;
  }

  /**
   * Before the final stats record: every failing sink is tried once more,
   * backoff or not; what a sink that still fails holds is given up and
   * counted as dropped, so the final record accounts for every loss.
   */
  async settle(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushAll(true));
    await this.flushing;
    for (const slot of this.slots) {
      if (!slot.failing) continue;
      const lost = slot.queue.drain().length;
      if (lost > 0) this.countDropped(slot, lost);
      try {
        slot.sink.abandonUnwritten?.();
      } catch (err) {
        this.fail(slot, err);
      }
    }
  }

  /**
   * Reopens every sink that writes a file by path (after log rotation), in
   * turn with flushes so no write interleaves. False if one failed (counted
   * and reported like any sink failure; it is retried on the next flush).
   */
  async reopenFiles(): Promise<boolean> {
    let ok = true;
    this.flushing = this.flushing.then(async () => {
      for (const slot of this.slots) {
        try {
          await slot.sink.reopen?.();
        } catch (err) {
          ok = false;
          this.fail(slot, err);
        }
      }
    });
    await this.flushing;
    return ok;
  }

  /** Closing is the last chance: every failing sink is tried once more, backoff or not. */
  async close(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushAll(true));
    await this.flushing;
    for (const slot of this.slots) {
      // Still failing at the end: what waited for it is lost, and counted as such.
      const lost = slot.queue.drain().length;
      if (lost > 0) this.countDropped(slot, lost);
      try {
        await slot.sink.close();
      } catch (err) {
        this.fail(slot, err);
      }
    }
  }

  private async flushAll(force: boolean): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.flushSlot(slot, force)));
  }

  private backingOff(slot: SinkSlot): boolean {
    return slot.failing && this.now() < slot.retryAt;
  }

  private async flushSlot(slot: SinkSlot, force: boolean): Promise<void> {
    if (!force && this.backingOff(slot)) return;
    try {
      // A failing sink gets its own chance to recover (reopen, retry its buffer) before the replay.
      if (slot.failing) await slot.sink.flush();
      this.replayQueue(slot);
      await slot.sink.flush();
      // Settling or closing: what the sink still writes elsewhere must be done (and counted) now.
      if (force) await slot.sink.whenWritten?.();
      slot.failing = false;
      slot.backoff.reset();
    } catch (err) {
      this.fail(slot, err);
    }
  }

  /** Replays queued operations in order; throws (keeping the rest queued) if the sink fails again. */
  private replayQueue(slot: SinkSlot): void {
    for (let op = slot.queue.peek(); op !== undefined; op = slot.queue.peek()) {
      op(slot.sink);
      slot.queue.shift();
    }
  }

  private dispatch(op: SinkOp): void {
    for (const slot of this.slots) {
      if (slot.queue.length > 0) {
        this.enqueue(slot, op);
        continue;
      }
      try {
        op(slot.sink);
      } catch (err) {
        this.fail(slot, err);
        this.enqueue(slot, op);
      }
    }
  }

  private enqueue(slot: SinkSlot, op: SinkOp): void {
    const dropped = slot.queue.push(op);
    if (dropped > 0) this.countDropped(slot, dropped);
  }

  private countDropped(slot: SinkSlot, dropped: number): void {
    this.counters.inc(`sink.${slot.sink.name}.dropped`, dropped);
    try {
      this.onDrop?.(slot.sink.name, dropped);
    } catch {
      // A broken reporter must not take the capture down with it.
    }
  }

  private fail(slot: SinkSlot, err: unknown): void {
    this.counters.inc(`sink.${slot.sink.name}.errors`);
    slot.retryAt = this.now() + slot.backoff.delay();
    if (slot.failing) return;
    slot.failing = true;
    try {
      this.onError(slot.sink.name, err);
    } catch {
      // A broken error reporter must not take the capture down with it.
    }
  }

  private safeNeedsFlush(slot: SinkSlot): boolean {
    try {
      return slot.sink.needsFlush?.() ?? false;
    } catch {
      return true;
    }
  }
}
