/**
 * What `groundwatch status` reads from the store (read-only): the latest
 * monitor run, its last two stats records, its capture gaps still open, and
 * the delivery outbox's backlog when the store has one.
 */
import type { StoreDb } from './sqlite-store.js';
import { decodeRecord } from './stored-record.js';

export interface RunRow {
  id: string;
  mode: string;
  started_at: string;
  ended_at: string | null;
  interface: string | null;
  rules: string | null;
  tool_version: string;
}

export interface StatsSnapshot {
  ts: string;
  stats: Record<string, unknown>;
}

export interface OpenGap {
  start: string;
  reason: string;
  interface: string | null;
}

/** One destination's rows in the delivery outbox (migration 4's columns). */
export interface OutboxBacklog {
  destination: string;
  pending: number;
  /** The oldest pending row's created_at, milliseconds since the epoch; null when none is pending. */
  oldest_pending_ms: number | null;
  disabled: number;
  /** The destination's most recent error, kept on its rows until one is delivered. */
  last_error: string | null;
}

/** The latest monitor run (the daemon's), else the latest run of any mode. */
export function latestRun(db: StoreDb): RunRow | undefined {
  const q = 'SELECT id, mode, started_at, ended_at, interface, rules, tool_version FROM runs';
  return (db.prepare(`${q} WHERE mode = 'monitor' ORDER BY started_at DESC LIMIT 1`).get() ??
    db.prepare(`${q} ORDER BY started_at DESC LIMIT 1`).get()) as RunRow | undefined;
}

/** The run's last `n` stats records, newest first. */
export function latestStats(db: StoreDb, runId: string, n = 2): StatsSnapshot[] {
  const rows = db.prepare('SELECT ts, record FROM stats WHERE run_id = ? ORDER BY rowid DESC LIMIT ?').all(runId, n) as { ts: string; record: unknown }[];
  return rows.map((r) => ({ ts: r.ts, stats: decodeRecord<{ groundwatch?: { stats?: Record<string, unknown> } }>(r.record).groundwatch?.stats ?? {} }));
}

/**
 * Gaps of the run written open (no end) and not written again closed: a
 * no_traffic gap is written when it opens and once more when it closes.
 */
export function openGaps(db: StoreDb, runId: string): OpenGap[] {
  return db
    .prepare(
      `SELECT g.ts_start AS start, g.reason AS reason, g.interface AS interface FROM capture_gaps g
       WHERE g.run_id = @run AND g.ts_end IS NULL AND NOT EXISTS (
         SELECT 1 FROM capture_gaps c WHERE c.run_id = g.run_id AND c.ts_start = g.ts_start
           AND c.reason IS g.reason AND c.ts_end IS NOT NULL)
       ORDER BY g.ts_start`,
    )
    .all({ run: runId }) as OpenGap[];
}

/**
 * The delivery outbox's backlog per destination (src/delivery/outbox-store.ts
 * writes it): state is 'pending' | 'delivered' | 'disabled', created_at in ms.
 * Undefined when the store predates the outbox (schema older than 4, opened
 * read-only so not migrated).
 */
export function outboxBacklog(db: StoreDb): OutboxBacklog[] | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
  if (!table) return undefined;
  return db
    .prepare(
      `SELECT destination,
         SUM(state = 'pending') AS pending,
         MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest_pending_ms,
         SUM(state = 'disabled') AS disabled,
         (SELECT last_error FROM outbox o2 WHERE o2.destination = outbox.destination AND o2.last_error IS NOT NULL
            ORDER BY o2.rowid DESC LIMIT 1) AS last_error
       FROM outbox GROUP BY destination ORDER BY destination`,
    )
    .all() as OutboxBacklog[];
}
