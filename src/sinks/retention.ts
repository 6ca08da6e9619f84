/**
 * Store retention: rows older than their table's limit are deleted in small
 * batches, each its own short transaction, a bounded amount per tick (rows
 * and milliseconds, plus one batch per table), then `PRAGMA incremental_vacuum(N)` hands freed pages
 * back so the file shrinks. The daemon calls tick() from a timer, never from
 * the packet path; better-sqlite3 is synchronous, so a tick holds the event
 * loop for at most its time budget while the capture worker's pipe and the
 * kernel ring hold the packets.
 *
 * Which time decides: flows by ts_start, DNS by ts, stats by ts, capture gaps
 * by ts_start; alerts by ts and last_seen both (an alert still repeating is
 * kept), and an alert's acknowledgements go with it; delivered outbox rows by
 * delivered_at under the alerts' limit, pending ones never; flow and DNS record
 * blocks once their rows are gone. Runs are kept (one row
 * per start, the provenance of everything else). Limits are wall-clock days
 * before `now`; 0 keeps that table forever.
 */
import type { Counters } from '../counters.js';
import type { EntryKind } from '../integrity/entries.js';
import { hasIntegrityLog } from '../integrity/log-store.js';
import { logRetention } from '../integrity/retention-entry.js';
import type { BlockKind } from './record-blocks.js';
import { isoFromSecNsec } from '../records/time.js';
import type { StoreDb } from './sqlite-store.js';

export interface RetentionPolicy {
  /** Flows and DNS rows. */
  flowsDays: number;
  /** Stats records and capture gaps. */
  statsDays: number;
  /** Alerts and their acknowledgements. */
  alertsDays: number;
}

/**
 * A quarter of flows to go back to when an alert is questioned late, a month of
 * health history, and two years of alerts, the evidence itself (they are few and small).
 */
export const DEFAULT_RETENTION: RetentionPolicy = { flowsDays: 90, statsDays: 30, alertsDays: 730 };

export interface RetentionBudget {
  /** Rows per transaction. */
  batchRows: number;
  /** A tick stops starting batches after this long. */
  maxMillis: number;
  /** Pages returned to the file system per tick (4 KiB each). */
  vacuumPages: number;
}

/** Measured (docs/monitor.md): ~15,000 real rows/s deleted on a loaded 2-core box, so a batch is ~13 ms and a tick ~50-100 ms. */
export const DEFAULT_RETENTION_BUDGET: RetentionBudget = { batchRows: 200, maxMillis: 50, vacuumPages: 1024 };

export type RetainedTable = 'flows' | 'dns' | 'stats' | 'capture_gaps' | 'alerts';

export interface TickResult {
  deleted: Record<RetainedTable | 'alert_acks', number>;
  vacuumedPages: number;
  /** Nothing older than the limits is left (a caller may stop ticking early). */
  caughtUp: boolean;
}

interface Target {
  table: Exclude<RetainedTable, 'alerts'>;
  /** The record blocks (record-blocks.ts) its rows point into, deleted once the rows are. */
  blocks?: BlockKind;
  days: (p: RetentionPolicy) => number;
  column: string;
  /** The integrity log's kind for the table's rows (docs/integrity.md), when they are logged. */
  logged?: EntryKind;
}

const TARGETS: readonly Target[] = [
  { table: 'flows', days: (p) => p.flowsDays, column: 'ts_start', blocks: 'flow' },
  { table: 'dns', days: (p) => p.flowsDays, column: 'ts', blocks: 'dns' },
  { table: 'stats', days: (p) => p.statsDays, column: 'ts', logged: 'stats' },
  { table: 'capture_gaps', days: (p) => p.statsDays, column: 'ts_start', logged: 'capture_gap' },
];

const COUNTER_OF = {
  flows: 'retention.flows_deleted',
  dns: 'retention.dns_deleted',
  stats: 'retention.stats_deleted',
  capture_gaps: 'retention.gaps_deleted',
  alerts: 'retention.alerts_deleted',
  alert_acks: 'retention.acks_deleted',
} as const;

/** The stored-time form (sinks/timestamps.ts) of `days` before `now`, compared as text. */
export function cutoffIso(now: Date, days: number): string {
  const ms = now.getTime() - days * 86_400_000;
  return isoFromSecNsec(Math.floor(ms / 1000), (ms % 1000) * 1_000_000);
}

export class StoreRetention {
  private readonly deleteOld: Map<string, (cutoff: string, n: number) => number>;
  private readonly deleteOldAlerts: (cutoff: string, n: number) => { alerts: number; acks: number };
  private readonly deleteOldBlocks: (kind: BlockKind, cutoff: string, n: number) => number;
  private readonly deleteDeliveredOutbox: (cutoffMs: number, n: number) => number;

  constructor(
    private readonly db: StoreDb,
    readonly policy: RetentionPolicy = DEFAULT_RETENTION,
    private readonly counters?: Counters,
    private readonly budget: RetentionBudget = DEFAULT_RETENTION_BUDGET,
    private readonly clock: () => number = () => performance.now(),
  ) {
    // Logged rows (alerts, acknowledgements, stats, gaps) leave a retention entry naming them in
    // the same transaction as their DELETE, so `verify` tells retention from tampering.
    const logs = hasIntegrityLog(db);
    this.deleteOld = new Map(
      TARGETS.map((t) => {
        const pickRows = db.prepare(`SELECT rowid FROM ${t.table} WHERE ${t.column} < ? ORDER BY rowid LIMIT ?`).pluck();
        const del = db.prepare(`DELETE FROM ${t.table} WHERE rowid IN (SELECT value FROM json_each(?))`);
        return [t.table, db.transaction((cutoff: string, n: number) => {
          const rowids = pickRows.all(cutoff, n) as number[];
          if (rowids.length === 0) return 0;
          const changes = del.run(JSON.stringify(rowids)).changes;
          if (logs && t.logged) logRetention(db, t.table, cutoff, { [t.logged]: rowids });
          return changes;
        })] as const;
      }),
    );
    // A block's ts_max is its newest record's time in the same column: older than the cutoff, no row points into it.
    const blocks = db.prepare('DELETE FROM record_blocks WHERE id IN (SELECT id FROM record_blocks WHERE kind = ? AND ts_max < ? ORDER BY id LIMIT ?)');
    this.deleteOldBlocks = (kind, cutoff, n) => blocks.run(kind, cutoff, n).changes;
    // A delivered outbox row only keeps its message from being queued again (its unique key): kept as long as
    // alerts are, so a re-replayed capture never sends an alert twice while the store still holds it.
    const outbox = db.prepare(`DELETE FROM outbox WHERE rowid IN (SELECT rowid FROM outbox WHERE state = 'delivered' AND delivered_at < ? ORDER BY rowid LIMIT ?)`);
    this.deleteDeliveredOutbox = (cutoffMs, n) => outbox.run(cutoffMs, n).changes;
    const pick = db.prepare('SELECT id FROM alerts WHERE ts < @cutoff AND COALESCE(last_seen, ts) < @cutoff ORDER BY id LIMIT @n').pluck();
    const pickAcks = db.prepare('SELECT rowid FROM alert_acks WHERE alert_id IN (SELECT value FROM json_each(?)) ORDER BY rowid').pluck();
    const acks = db.prepare('DELETE FROM alert_acks WHERE rowid IN (SELECT value FROM json_each(?))');
    const alerts = db.prepare('DELETE FROM alerts WHERE id IN (SELECT value FROM json_each(?))');
    this.deleteOldAlerts = db.transaction((cutoff: string, n: number) => {
      const alertIds = (pick.all({ cutoff, n }) as string[]).sort();
      if (alertIds.length === 0) return { alerts: 0, acks: 0 };
      const ids = JSON.stringify(alertIds);
      const ackRowids = pickAcks.all(ids) as number[];
      const ackCount = acks.run(JSON.stringify(ackRowids)).changes;
      const alertCount = alerts.run(ids).changes;
      if (logs) logRetention(db, 'alerts', cutoff, { alert: alertIds, alert_ack: ackRowids });
      return { alerts: alertCount, acks: ackCount };
    });
  }

  /** One bounded round: batches until the time budget is spent or nothing old is left, then some vacuum. */
  tick(now: Date = new Date()): TickResult {
    const started = this.clock();
    const deleted: TickResult['deleted'] = { flows: 0, dns: 0, stats: 0, capture_gaps: 0, alerts: 0, alert_acks: 0 };
    let blocksDeleted = 0;
    let outboxDeleted = 0;
    let caughtUp = true;
    for (const t of TARGETS) {
      const days = t.days(this.policy);
      if (days <= 0) continue;
      const run = this.deleteOld.get(t.table)!;
      const cutoff = cutoffIso(now, days);
      if (!this.drain(started, () => run(cutoff, this.budget.batchRows), (n) => (deleted[t.table] += n))) {
        caughtUp = false;
        continue;
      }
      // Only once the table's old rows are all gone: until then some still point into the old blocks.
      const kind = t.blocks;
      if (kind && !this.drain(started, () => this.deleteOldBlocks(kind, cutoff, this.budget.batchRows), (n) => (blocksDeleted += n))) caughtUp = false;
    }
    if (this.policy.alertsDays > 0) {
      const cutoff = cutoffIso(now, this.policy.alertsDays);
      const done = this.drain(started, () => {
        const r = this.deleteOldAlerts(cutoff, this.budget.batchRows);
        deleted.alert_acks += r.acks;
        return r.alerts;
      }, (n) => (deleted.alerts += n));
      if (!done) caughtUp = false;
      const cutoffMs = now.getTime() - this.policy.alertsDays * 86_400_000;
      if (!this.drain(started, () => this.deleteDeliveredOutbox(cutoffMs, this.budget.batchRows), (n) => (outboxDeleted += n))) caughtUp = false;
    }
    for (const [table, n] of Object.entries(deleted)) if (n > 0) this.counters?.inc(COUNTER_OF[table as keyof typeof COUNTER_OF], n);
    if (blocksDeleted > 0) this.counters?.inc('retention.record_blocks_deleted', blocksDeleted);
    if (outboxDeleted > 0) this.counters?.inc('retention.outbox_deleted', outboxDeleted);
    const vacuumedPages = this.vacuum();
    return { deleted, vacuumedPages, caughtUp };
  }

  /** Ticks until nothing older than the limits is left (tests, a one-off prune); each tick stays bounded. */
  runUntilCaughtUp(now: Date = new Date()): TickResult[] {
    const results: TickResult[] = [];
    for (;;) {
      const r = this.tick(now);
      results.push(r);
      if (r.caughtUp && r.vacuumedPages === 0) return results;
    }
  }

  /**
   * Batches of one table until a short batch (nothing left) or the budget is spent; true when drained.
   * Each table gets one batch per tick even when the budget is spent, so a slow table early in the
   * list cannot starve the later ones: a tick is at most the time budget plus one batch per table.
   */
  private drain(started: number, batch: () => number, add: (n: number) => void): boolean {
    for (;;) {
      const n = batch();
      add(n);
      if (n < this.budget.batchRows) return true;
      if (this.clock() - started >= this.budget.maxMillis) return false;
    }
  }

  private vacuum(): number {
    const before = this.freePages();
    // incremental_vacuum(0) would free every page at once: an unbounded tick.
    if (before === 0 || this.budget.vacuumPages <= 0) return 0;
    this.db.pragma(`incremental_vacuum(${Math.trunc(this.budget.vacuumPages)})`);
    const returned = before - this.freePages();
    if (returned > 0) this.counters?.inc('retention.vacuumed_pages', returned);
    return returned;
  }

  private freePages(): number {
    return this.db.pragma('freelist_count', { simple: true }) as number;
  }
}
