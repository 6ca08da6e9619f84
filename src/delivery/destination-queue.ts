/**
 * One destination's queue: its own loop, backoff and state, so a dead webhook never
 * delays syslog. Rows are read from the outbox in order and each is marked delivered
 * only on an 'acknowledged' outcome; a 'retry' keeps it pending with its next attempt
 * time and error, and holds the whole destination back (it is down, not the row);
 * 'disabled' (HTTP 410) stops the destination and keeps its rows as 'disabled'.
 */
import type { Counters } from '../counters.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { messageOfRow, type OutboxStore } from './outbox-store.js';
import type { Route } from './route.js';
import type { DeliveryOutcome, Transport } from './transport.js';
import { Waker } from './waker.js';

export interface DeliveryTarget {
  readonly route: Route;
  readonly transport: Transport;
}

export interface QueueOptions {
  readonly counters: Counters;
  readonly warn: (line: string) => void;
  readonly backoff: BackoffPolicy;
  /** Rows read per round. */
  readonly batch: number;
  /** Longest sleep between looks at the outbox (new rows from the store are found within it). */
  readonly pollMs: number;
  readonly now: () => number;
  readonly random?: () => number;
}

export class DestinationQueue {
  private failures = 0;
  private notBefore = 0;
  private stopped = false;
  private disabledReason: string | undefined;
  private readonly waker = new Waker();
  private loop: Promise<void> | undefined;
  /** True while a send is outstanding (drain waits for it). */
  busy = false;

  constructor(
    private readonly store: OutboxStore,
    readonly destination: DeliveryTarget,
    private readonly opts: QueueOptions,
  ) {}

  get label(): string {
    return this.destination.route.label;
  }

  get disabled(): boolean {
    return this.disabledReason !== undefined;
  }

  /** Consecutive failed attempts since the last acknowledgement. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  start(): void {
    this.loop ??= this.run();
  }

  kick(): void {
    this.waker.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waker.kick();
    await this.destination.transport.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped && !this.disabled) {
      const sent = await this.pumpOnce();
      if (this.stopped || this.disabled) break;
      if (!sent) await this.waker.sleep(this.sleepMs());
    }
  }

  private sleepMs(): number {
    const now = this.opts.now();
    if (now < this.notBefore) return Math.min(this.notBefore - now, this.opts.pollMs);
    return this.opts.pollMs;
  }

  /** Sends what is due; false when nothing was (so the loop sleeps). */
  async pumpOnce(): Promise<boolean> {
    const now = this.opts.now();
    if (this.disabled || now < this.notBefore) return false;
    const rows = this.store.due(this.label, now, this.opts.batch);
    if (rows.length === 0) return false;
    // Marked delivered together at the end of the batch, one transaction instead of one commit per message
    // (issue 18: a commit each was 2 % of a replay). A crash before that resends them, as a crash between
    // a send and its mark always could: delivery is at least once, and the message id lets receivers drop repeats.
    const delivered: number[] = [];
    try {
      for (const row of rows) {
        if (this.stopped) return true;
        this.busy = true;
        const outcome = await this.send(row.message_id, () => this.destination.transport.send(messageOfRow(row)));
        this.busy = false;
        if (this.stopped && outcome.kind !== 'acknowledged') return true;
        if (outcome.kind === 'acknowledged') {
          delivered.push(row.rowid);
          this.opts.counters.inc('delivery.delivered');
          this.failures = 0;
          continue;
        }
        if (outcome.kind === 'retry') {
          this.failures++;
          const at = this.opts.now() + backoffDelay(this.opts.backoff, this.failures, outcome.retryAfterMs, this.opts.random);
          this.notBefore = at;
          this.store.retryLater(row.rowid, at, outcome.reason);
          this.opts.counters.inc('delivery.retried');
          return true;
        }
        this.markDelivered(delivered);
        this.disable(outcome.reason);
        return true;
      }
      return true;
    } finally {
      this.markDelivered(delivered);
    }
  }

  private markDelivered(rowids: number[]): void {
    if (rowids.length === 0) return;
    this.store.markDelivered(rowids.splice(0), this.opts.now());
  }

  /** A transport must resolve, never reject; one that throws is a bug, treated as a failed attempt. */
  private async send(id: string, attempt: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
    try {
      return await attempt();
    } catch (err) {
      return { kind: 'retry', reason: `transport error sending ${id}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private disable(reason: string): void {
    this.disabledReason = reason;
    const kept = this.store.disable(this.label, reason);
    this.opts.counters.inc('delivery.disabled');
    this.opts.warn(
      `groundwatch: DELIVERY_DISABLED: ${this.label}: ${reason}; no more deliveries to it in this run ` +
        `(${kept} messages kept as disabled: \`groundwatch outbox retry\` or \`outbox purge\`)`,
    );
  }
}
