/**
 * Queues a heartbeat for every active destination at a fixed wall-clock interval, so a
 * receiver can alarm on silence: a box that stopped capturing (received flat, gaps
 * open) or stopped talking (no heartbeat) shows centrally. Heartbeats go through the
 * outbox like alerts: a destination that was down gets the ones it missed, in order.
 */
import { hostname } from 'node:os';
import type { Counters } from '../counters.js';
import { heartbeatMessage, type CaptureHealth } from './delivery-records.js';
import type { DestinationQueue } from './destination-queue.js';
import { enforceOutboxLimit } from './outbox-limit.js';
import type { OutboxStore } from './outbox-store.js';

/** Five minutes: a silent box is noticed within ten, and thirty boxes add ~360 records an hour. */
export const DEFAULT_HEARTBEAT_INTERVAL_S = 300;

export interface HeartbeatTimerOptions {
  readonly intervalMs: number;
  readonly runId: string;
  readonly mode: string;
  readonly interfaceName?: string;
  readonly counters: Counters;
  readonly maxBytes: number;
  /** Capture gaps open now (the monitor knows; replay has none). */
  readonly openGaps: () => number;
  /** Also one heartbeat at start (monitor: "the box is up"). */
  readonly atStart: boolean;
}

export class HeartbeatTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly queues: readonly DestinationQueue[],
    private readonly opts: HeartbeatTimerOptions,
  ) {}

  start(): void {
    if (this.opts.intervalMs <= 0) return;
    if (this.opts.atStart) this.beat();
    this.timer = setInterval(() => this.beat(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Queues one heartbeat per active destination (in one transaction) and wakes the queues. */
  beat(now = new Date()): void {
    const active = this.queues.filter((q) => !q.disabled);
    if (!active.length) return;
    const c = this.opts.counters;
    const totals = this.store.pendingTotals();
    const oldest = this.store.oldestPendingMs();
    const health: CaptureHealth = {
      received: c.get('packets.received'),
      dropped: c.get('capture.dropped'),
      open_gaps: this.opts.openGaps(),
      outbox_pending: totals.rows,
      outbox_pending_bytes: totals.bytes,
      outbox_oldest_pending_s: oldest === undefined ? 0 : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
    };
    const ctx = {
      runId: this.opts.runId,
      mode: this.opts.mode,
      hostname: hostname(),
      intervalSeconds: Math.round(this.opts.intervalMs / 1000),
      ...(this.opts.interfaceName ? { interfaceName: this.opts.interfaceName } : {}),
    };
    this.store.db.transaction(() => {
      for (const q of active) {
        if (this.store.enqueue(q.label, heartbeatMessage(ctx, health, now), now.getTime())) c.inc('delivery.heartbeats');
      }
      enforceOutboxLimit(this.store, this.opts.maxBytes, now, c);
    })();
    for (const q of active) q.kick();
  }
}
