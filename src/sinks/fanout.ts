/**
 * Fans every record out to all sinks. A failing sink is isolated: its error is
 * reported once per failure episode, counted, and the operations it missed
 * are queued (bounded, oldest dropped and counted) and replayed on the next
 * flush. Nothing here throws into the capture path.
 */
import type { Counters } from '../counters.js';
import type { CaptureRun, GroundwatchRecord } from '../records/ecs.js';
import { BoundedQueue } from './bounded-queue.js';
import type { Sink } from './sink.js';

export const DEFAULT_SINK_QUEUE_LIMIT = 10_000;

export interface SinkFanoutOptions {
  counters: Counters;
  onError: (sink: string, err: unknown) => void;
  /** Operations kept per failing sink until it recovers. */
  queueLimit?: number;
}

type SinkOp = (sink: Sink) => void;

class SinkSlot {
  failing = false;
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
  private flushing: Promise<void> = Promise.resolve();

  constructor(sinks: Sink[], opts: SinkFanoutOptions) {
    const limit = opts.queueLimit ?? DEFAULT_SINK_QUEUE_LIMIT;
    this.slots = sinks.map((s) => new SinkSlot(s, limit));
    this.counters = opts.counters;
    this.onError = opts.onError;
  }

  get flushIntervalMs(): number | undefined {
    const intervals = this.slots.map((s) => s.sink.flushIntervalMs).filter((v): v is number => v !== undefined);
    return intervals.length > 0 ? Math.min(...intervals) : undefined;
  }

  write(rec: GroundwatchRecord): void {
    this.dispatch((s) => s.write(rec));
  }

  startRun(run: CaptureRun): void {
    this.dispatch((s) => s.startRun?.(run));
  }

  endRun(run: CaptureRun): void {
    this.dispatch((s) => s.endRun?.(run));
  }

  updateAlertRepeats(alertId: string, repeats: number, lastSeen: string): void {
    this.dispatch((s) => s.updateAlertRepeats?.(alertId, repeats, lastSeen));
  }

  needsFlush(): boolean {
    return this.slots.some((slot) => slot.queue.length > 0 || this.safeNeedsFlush(slot));
  }

  /** Queued operations waiting for a failing sink, per sink name. */
  queued(): Record<string, number> {
    return Object.fromEntries(this.slots.map((s) => [s.sink.name, s.queue.length]));
  }

  /** Retries queued operations, then flushes each sink. Never rejects. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushAll());
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    for (const slot of this.slots) {
      try {
        await slot.sink.close();
      } catch (err) {
        this.fail(slot, err);
      }
    }
  }

  private async flushAll(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.flushSlot(slot)));
  }

  private async flushSlot(slot: SinkSlot): Promise<void> {
    try {
      // A failing sink gets its own chance to recover (reopen, retry its buffer) before the replay.
      if (slot.failing) await slot.sink.flush();
      this.replayQueue(slot);
      await slot.sink.flush();
      slot.failing = false;
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
    if (dropped > 0) this.counters.inc(`sink.${slot.sink.name}.dropped`, dropped);
  }

  private fail(slot: SinkSlot, err: unknown): void {
    this.counters.inc(`sink.${slot.sink.name}.errors`);
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
