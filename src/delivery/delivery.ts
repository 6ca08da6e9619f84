/**
 * Delivery for one run (replay or monitor): the outbox writer the store commits with,
 * the dispatcher and its queues, and the heartbeats. With a store, the dispatcher has
 * its own connection to the same file (WAL: it reads what the sink committed, and the
 * sink's connection can close at the end of the run while delivery drains). Without
 * one, the outbox is an in-memory database fed by OutboxOnlySink.
 */
import type { Counters } from '../counters.js';
import type { Sink } from '../sinks/sink.js';
import { closeStore, openStore, type StoreDb } from '../sinks/sqlite-store.js';
import type { DeliveryTarget } from './destination-queue.js';
import { Dispatcher, type DrainResult } from './dispatcher.js';
import { HeartbeatTimer } from './heartbeat-timer.js';
import { OutboxOnlySink } from './outbox-only-sink.js';
import { OutboxStore } from './outbox-store.js';
import { OutboxWriter } from './outbox-writer.js';
import type { BackoffPolicy } from './backoff.js';
import type { Route } from './route.js';

export interface DeliverySetup {
  readonly destinations: readonly DeliveryTarget[];
  readonly outboxMaxBytes: number;
  /** 0 turns heartbeats off. */
  readonly heartbeatIntervalMs: number;
  readonly backoff?: BackoffPolicy;
  readonly pollMs?: number;
}

export interface DeliveryRunContext {
  readonly dbPath: string | null;
  readonly counters: Counters;
  readonly warn: (line: string) => void;
  readonly runId: string;
  readonly mode: 'replay' | 'monitor';
  readonly interfaceName?: string;
}

export interface DeliveryReport {
  readonly destinations: readonly { label: string; undelivered: number; disabled: boolean }[];
  readonly undelivered: number;
  readonly timedOut: boolean;
  readonly waitedMs: number;
  /** False with --no-db: what was not delivered is gone with the process. */
  readonly durable: boolean;
}

/** What an outbox writer needs of the setup, as plain data (the store's writer thread gets a copy). */
export function outboxSettings(setup: DeliverySetup): { routes: Route[]; maxBytes: number } {
  return { routes: setup.destinations.map((d) => ({ label: d.route.label, minSeverity: d.route.minSeverity })), maxBytes: setup.outboxMaxBytes };
}

export class Delivery {
  readonly dispatcher: Dispatcher;
  private readonly heartbeat: HeartbeatTimer;
  private readonly db: StoreDb;
  private openGaps: () => number = () => 0;
  private stopped = false;
  private waitedMs = 0;
  private timedOut = false;

  constructor(
    private readonly setup: DeliverySetup,
    private readonly ctx: DeliveryRunContext,
  ) {
    this.db = openStore(ctx.dbPath ?? ':memory:');
    const store = new OutboxStore(this.db);
    this.dispatcher = new Dispatcher(store, setup.destinations, {
      counters: ctx.counters,
      warn: ctx.warn,
      ...(setup.backoff ? { backoff: setup.backoff } : {}),
      ...(setup.pollMs !== undefined ? { pollMs: setup.pollMs } : {}),
    });
    this.heartbeat = new HeartbeatTimer(store, this.dispatcher.queues, {
      intervalMs: setup.heartbeatIntervalMs,
      runId: ctx.runId,
      mode: ctx.mode,
      counters: ctx.counters,
      maxBytes: setup.outboxMaxBytes,
      openGaps: () => this.openGaps(),
      atStart: ctx.mode === 'monitor',
      ...(ctx.interfaceName ? { interfaceName: ctx.interfaceName } : {}),
    });
  }

  get durable(): boolean {
    return this.ctx.dbPath !== null;
  }

  /** The writer the SQLite sink commits outbox rows with (prepared on the sink's own connection). */
  writerFor(storeDb: StoreDb): OutboxWriter {
    return new OutboxWriter(storeDb, { ...outboxSettings(this.setup), counters: this.ctx.counters });
  }

  /** Without a store: a sink that feeds the in-memory outbox. */
  outboxOnlySink(): Sink {
    return new OutboxOnlySink(this.db, this.writerFor(this.db), () => this.dispatcher.kick());
  }

  /** The monitor tells how many capture gaps are open (for the heartbeat). */
  setOpenGaps(fn: () => number): void {
    this.openGaps = fn;
  }

  start(): void {
    this.dispatcher.start();
    this.heartbeat.start();
  }

  kick(): void {
    this.dispatcher.kick();
  }

  updateGauges(): void {
    if (!this.stopped) this.dispatcher.updateGauges();
  }

  /** Waits up to `timeoutMs` for this run's destinations to acknowledge everything pending (time and outcome are reported by finish). */
  async wait(timeoutMs: number): Promise<DrainResult> {
    const started = Date.now();
    const result = await this.dispatcher.drain(timeoutMs);
    this.waitedMs += Date.now() - started;
    this.timedOut ||= result.timedOut;
    return result;
  }

  /** Waits up to `timeoutMs` more for the outbox to empty, then stops; what is left stays in the outbox. */
  async finish(timeoutMs: number): Promise<DeliveryReport> {
    try {
      if (timeoutMs > 0) await this.wait(timeoutMs);
    } finally {
      this.heartbeat.stop();
      await this.dispatcher.stop();
    }
    this.dispatcher.updateGauges();
    const by = this.dispatcher.undeliveredByDestination();
    const destinations = this.dispatcher.queues.map((q) => ({ label: q.label, undelivered: by.get(q.label) ?? 0, disabled: q.disabled }));
    this.stopped = true;
    // The last connection to close returns the store to one file (journal_mode DELETE) for readers.
    closeStore(this.db);
    return {
      destinations,
      undelivered: destinations.reduce((a, d) => a + d.undelivered, 0),
      timedOut: this.timedOut,
      waitedMs: this.waitedMs,
      durable: this.durable,
    };
  }
}
