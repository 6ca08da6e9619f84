/**
 * Runs one DestinationQueue per destination off the capture path: sends are async,
 * and the only synchronous work is a few indexed outbox statements per message, so
 * capture and the store never wait on a destination. `drain` is the bounded wait
 * replay and `outbox flush` use before they exit.
 */
import type { Counters } from '../counters.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { DestinationQueue, type DeliveryTarget } from './destination-queue.js';
import type { OutboxStore } from './outbox-store.js';

export interface DispatcherOptions {
  readonly counters: Counters;
  readonly warn: (line: string) => void;
  readonly backoff?: BackoffPolicy;
  readonly batch?: number;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

export const DEFAULT_POLL_MS = 200;

export interface DrainResult {
  /** Rows still pending for the destinations of this run when the wait ended. */
  readonly undelivered: number;
  readonly timedOut: boolean;
}

export class Dispatcher {
  readonly queues: DestinationQueue[];
  private readonly now: () => number;
  private started = false;

  constructor(
    readonly store: OutboxStore,
    destinations: readonly DeliveryTarget[],
    private readonly opts: DispatcherOptions,
  ) {
    this.now = opts.now ?? Date.now;
    const queueOpts = {
      counters: opts.counters,
      warn: opts.warn,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      batch: opts.batch ?? 100,
      pollMs: opts.pollMs ?? DEFAULT_POLL_MS,
      now: this.now,
      ...(opts.random ? { random: opts.random } : {}),
    };
    this.queues = destinations.map((d) => new DestinationQueue(store, d, queueOpts));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const q of this.queues) q.start();
  }

  /** New rows were committed: look now instead of at the next poll. */
  kick(): void {
    for (const q of this.queues) q.kick();
  }

  /** Rows pending for this run's destinations that are not disabled. */
  undelivered(): number {
    this.store.settleMarks();
    let n = 0;
    const stmt = this.store.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE destination = ? AND state = 'pending'`);
    for (const q of this.queues) if (!q.disabled) n += (stmt.get(q.label) as { n: number }).n;
    return n;
  }

  /** Rows not delivered (pending or disabled) per destination of this run. */
  undeliveredByDestination(): Map<string, number> {
    this.store.settleMarks();
    const stmt = this.store.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE destination = ? AND state != 'delivered'`);
    return new Map(this.queues.map((q) => [q.label, (stmt.get(q.label) as { n: number }).n]));
  }

  /** Waits until every active destination's rows are delivered, or `timeoutMs` passed. */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.start();
    this.kick();
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const undelivered = this.undelivered();
      const busy = this.queues.some((q) => q.busy);
      if (undelivered === 0 && !busy) return { undelivered: 0, timedOut: false };
      if (this.now() >= deadline) return { undelivered, timedOut: true };
      await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - this.now()))));
    }
  }

  /** Updates the gauges in the counters (oldest pending age, pending rows). */
  updateGauges(): void {
    const oldest = this.store.oldestPendingMs();
    const ageS = oldest === undefined ? 0 : Math.max(0, Math.round((this.now() - oldest) / 1000));
    setGauge(this.opts.counters, 'delivery.oldest_pending_s', ageS);
    setGauge(this.opts.counters, 'delivery.pending', this.store.pendingTotals().rows);
  }

  /** Stops every queue; a send in flight resolves as 'retry' (transport.close) and its row stays pending. */
  async stop(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.stop()));
    this.store.settleMarks();
  }
}

/** Counters only add: a gauge is set by adding the difference to its last value. */
function setGauge(counters: Counters, name: 'delivery.oldest_pending_s' | 'delivery.pending', value: number): void {
  counters.inc(name, value - counters.get(name));
}
