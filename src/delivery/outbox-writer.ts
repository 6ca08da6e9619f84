/**
 * The store's side of the outbox: for each record written, the outbox rows (one per
 * destination that accepts it) that must commit in the same transaction as the
 * record's own row, so an alert in the store is always also in the outbox. The
 * SQLite sink calls `rowsFor` when it queues a record and `afterRows` at the end of
 * each transaction (the byte bound is enforced there).
 */
import type { Statement } from 'better-sqlite3';
import type { Counters } from '../counters.js';
import type { GroundwatchRecord } from '../records/ecs.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { enforceOutboxLimit } from './outbox-limit.js';
import { OUTBOX_INSERT_SQL, OutboxStore, outboxInsertParams } from './outbox-store.js';
import { messageForRecord } from './outgoing.js';
import { routeAccepts, type Route } from './route.js';
import type { OutgoingMessage } from './transport.js';

export interface OutboxRows {
  rowsFor(rec: GroundwatchRecord): { stmt: Statement; params: Record<string, string | number | Buffer> }[];
  /** Inside the transaction, after its rows: enforce the byte bound. */
  afterRows(): void;
}

export interface OutboxWriterOptions {
  routes: readonly Route[];
  maxBytes: number;
  counters: Counters;
  /** Tests pin the clock. */
  now?: () => Date;
  /** Called with each record queued (the heartbeat counts open gaps from these). */
  onMessage?: (message: OutgoingMessage) => void;
}

export class OutboxWriter implements OutboxRows {
  private readonly insert: Statement;
  private readonly store: OutboxStore;
  private readonly now: () => Date;
  private queuedSinceLimit = false;
  /**
   * An upper bound of the pending bytes: the last exact sum plus what was queued since
   * (deliveries, on the dispatcher's connection, only lower the truth). While it is under
   * the limit no SUM over the pending rows is needed: with a destination down for days the
   * pending rows grow, and summing them on every commit would make the store's cost grow too.
   */
  private pendingBytesBound: number | undefined;

  constructor(db: StoreDb, private readonly opts: OutboxWriterOptions) {
    this.insert = db.prepare(OUTBOX_INSERT_SQL);
    this.store = new OutboxStore(db);
    this.now = opts.now ?? (() => new Date());
  }

  rowsFor(rec: GroundwatchRecord): { stmt: Statement; params: Record<string, string | number | Buffer> }[] {
    const message = messageForRecord(rec);
    if (!message) return [];
    this.opts.onMessage?.(message);
    const nowMs = this.now().getTime();
    const rows = this.opts.routes.filter((r) => routeAccepts(r, message)).map((r) => ({ stmt: this.insert, params: outboxInsertParams(r.label, message, nowMs) }));
    if (rows.length) {
      this.opts.counters.inc('delivery.queued', rows.length);
      this.queuedSinceLimit = true;
      if (this.pendingBytesBound !== undefined) this.pendingBytesBound += rows.reduce((a, r) => a + (r.params['size_bytes'] as number), 0);
    }
    return rows;
  }

  /**
   * A message that is not a stored record's (an integrity checkpoint): queued to every
   * destination that accepts it in one transaction of its own, under the same byte bound.
   */
  enqueueMessage(message: OutgoingMessage): number {
    const nowMs = this.now().getTime();
    const routes = this.opts.routes.filter((r) => routeAccepts(r, message));
    if (routes.length === 0) return 0;
    let queued = 0;
    this.store.db.transaction(() => {
      for (const r of routes) queued += this.insert.run(outboxInsertParams(r.label, message, nowMs)).changes;
      if (queued > 0) {
        this.opts.counters.inc('delivery.queued', queued);
        this.queuedSinceLimit = true;
        if (this.pendingBytesBound !== undefined) this.pendingBytesBound += queued * Buffer.byteLength(message.json);
      }
      this.afterRows();
    })();
    return queued;
  }

  afterRows(): void {
    if (!this.queuedSinceLimit) return;
    this.queuedSinceLimit = false;
    if (this.pendingBytesBound !== undefined && this.pendingBytesBound <= this.opts.maxBytes) return;
    enforceOutboxLimit(this.store, this.opts.maxBytes, this.now(), this.opts.counters);
    this.pendingBytesBound = this.store.pendingTotals().bytes;
  }
}
