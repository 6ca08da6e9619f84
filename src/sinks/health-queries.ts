/**
 * What `groundwatch status` reads from the store (read-only): the latest
 * monitor run, its last two stats records, its capture gaps still open, and
 * the delivery outbox's backlog when the store has one.
 */
import type { StoreDb } from './sqlite-store.js';

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

export interface OutboxBacklog {
  pending: number;
  /** Oldest pending row's time, when the table has a created_at column. */
  oldest?: string;
  /** The condition that made a row count as pending (from the columns the table has). */
  counted: string;
}

/** The latest monitor run (the daemon's), else the latest run of any mode. */
export function latestRun(db: StoreDb): RunRow | undefined {
  const q = 'SELECT id, mode, started_at, ended_at, interface, rules, tool_version FROM runs';
  return (db.prepare(`${q} WHERE mode = 'monitor' ORDER BY started_at DESC LIMIT 1`).get() ??
    db.prepare(`${q} ORDER BY started_at DESC LIMIT 1`).get()) as RunRow | undefined;
}

/** The run's last `n` stats records, newest first. */
export function latestStats(db: StoreDb, runId: string, n = 2): StatsSnapshot[] {
  const rows = db.prepare('SELECT ts, record FROM stats WHERE run_id = ? ORDER BY rowid DESC LIMIT ?').all(runId, n) as { ts: string; record: string }[];
  return rows.map((r) => ({ ts: r.ts, stats: (JSON.parse(r.record) as { groundwatch?: { stats?: Record<string, unknown> } }).groundwatch?.stats ?? {} }));
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
 * The delivery outbox (another part of groundwatch adds it): undefined when
 * the store has no `outbox` table. Pending = not delivered, read from the
 * columns the table has (delivered_at, else status, else every row).
 */
export function outboxBacklog(db: StoreDb): OutboxBacklog | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
  if (!table) return undefined;
  const columns = new Set((db.prepare("SELECT name FROM pragma_table_info('outbox')").all() as { name: string }[]).map((c) => c.name));
  const where = columns.has('delivered_at') ? 'delivered_at IS NULL' : columns.has('status') ? "status NOT IN ('delivered', 'done', 'sent')" : '1';
  const oldest = columns.has('created_at') ? ', min(created_at) AS oldest' : '';
  const row = db.prepare(`SELECT count(*) AS pending${oldest} FROM outbox WHERE ${where}`).get() as { pending: number; oldest?: string | null };
  return { pending: row.pending, ...(row.oldest ? { oldest: String(row.oldest) } : {}), counted: where === '1' ? 'every row' : where };
}
