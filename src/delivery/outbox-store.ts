/**
 * The outbox table's statements (migration 4 in sinks/sqlite-schema.ts). One row per
 * (destination, message); `destination` is the URL label without secrets, so a later
 * `outbox flush` can match rows to the destinations it is given again. A re-run that
 * produces the same message id for the same destination adds nothing (ON CONFLICT DO
 * NOTHING): deterministic alert ids make the outbox idempotent too. The payload is
 * stored compressed like the records (sinks/stored-record.ts; rows of older stores hold
 * it as text); `size_bytes` is the message's own size, what the byte bound counts.
 */
import type { Statement } from 'better-sqlite3';
import { SEVERITY_NUMBER } from '../records/ecs.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { writeWithoutWaiting } from '../sinks/without-waiting.js';
import { decodeStoredText, encodeStored, type StoredKind } from '../sinks/stored-record.js';
import type { Severity } from '../types.js';
import type { OutgoingKind, OutgoingMessage } from './transport.js';

export type OutboxState = 'pending' | 'delivered' | 'disabled';

export interface OutboxRow {
  readonly rowid: number;
  readonly destination: string;
  readonly message_id: string;
  readonly kind: OutgoingKind;
  readonly severity: Severity;
  readonly size_bytes: number;
  readonly ts: string;
  /** Compressed (stored-record.ts), or text in rows of older stores: read it with messageOfRow. */
  readonly payload: string | Buffer;
  readonly summary: string;
  readonly state: OutboxState;
  readonly created_at: number;
  readonly next_attempt_at: number;
  readonly attempts: number;
  readonly last_error: string | null;
}

export interface DestinationBacklog {
  readonly destination: string;
  readonly pending: number;
  readonly pending_bytes: number;
  readonly oldest_created_at: number | null;
  readonly delivered: number;
  readonly disabled: number;
  readonly last_error: string | null;
}

/** Parameters of one outbox insert; the SQLite sink runs it in the alert row's transaction. */
export function outboxInsertParams(destination: string, message: OutgoingMessage, nowMs: number): Record<string, string | number | Buffer> {
  return {
    destination,
    message_id: message.id,
    kind: message.kind,
    severity: message.severity,
    severity_num: SEVERITY_NUMBER[message.severity] ?? 0,
    size_bytes: Buffer.byteLength(message.json),
    ts: message.timestamp,
    payload: encodeStored(PAYLOAD_DICTIONARY[message.kind], message.json),
    summary: JSON.stringify(message.summary),
    created_at: nowMs,
    next_attempt_at: nowMs,
  };
}

/** An alert's payload is its record; the small delivery records share the gap dictionary's ECS skeleton. */
const PAYLOAD_DICTIONARY: Record<OutgoingKind, StoredKind> = {
  alert: 'alert',
  capture_gap: 'capture_gap',
  heartbeat: 'capture_gap',
  delivery_dropped: 'capture_gap',
  checkpoint: 'capture_gap',
};

export const OUTBOX_INSERT_SQL = `INSERT INTO outbox
  (destination, message_id, kind, severity, severity_num, size_bytes, ts, payload, summary, created_at, next_attempt_at)
  VALUES (@destination, @message_id, @kind, @severity, @severity_num, @size_bytes, @ts, @payload, @summary, @created_at, @next_attempt_at)
  ON CONFLICT (destination, message_id) DO NOTHING`;

export function messageOfRow(row: OutboxRow): OutgoingMessage {
  return {
    id: row.message_id,
    kind: row.kind,
    severity: row.severity,
    timestamp: row.ts,
    json: decodeStoredText(row.payload),
    summary: JSON.parse(row.summary) as Record<string, string>,
  };
}

export class OutboxStore {
  private readonly insertStmt: Statement;
  private readonly dueStmt: Statement;
  private readonly deliveredStmt: Statement;
  private readonly retryLaterStmt: Statement;
  private readonly disableStmt: Statement;
  private readonly pendingBytesStmt: Statement;
  private readonly oldestPendingStmt: Statement;
  private readonly nextDueStmt: Statement;
  private readonly markDeliveredBatch: (marks: readonly (readonly [rowid: number, deliveredAtMs: number])[]) => void;
  /**
   * Rows acknowledged but not yet marked delivered (rowid -> when): the store's writer thread held
   * the write lock. They are marked at the next chance, never sent again meanwhile (due() leaves
   * them out), and before anything counts what is undelivered (settleMarks).
   */
  private readonly unmarked = new Map<number, number>();

  constructor(readonly db: StoreDb) {
    this.insertStmt = db.prepare(OUTBOX_INSERT_SQL);
    this.dueStmt = db.prepare(
      `SELECT * FROM outbox WHERE destination = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY rowid LIMIT ?`,
    );
    this.deliveredStmt = db.prepare(`UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE rowid = ?`);
    this.retryLaterStmt = db.prepare(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE rowid = ? AND state = 'pending'`);
    this.disableStmt = db.prepare(`UPDATE outbox SET state = 'disabled', last_error = ? WHERE destination = ? AND state = 'pending'`);
    this.pendingBytesStmt = db.prepare(`SELECT COALESCE(SUM(size_bytes), 0) AS bytes, COUNT(*) AS n FROM outbox WHERE state = 'pending'`);
    this.oldestPendingStmt = db.prepare(`SELECT MIN(created_at) AS oldest FROM outbox WHERE state = 'pending'`);
    this.nextDueStmt = db.prepare(`SELECT MIN(next_attempt_at) AS next FROM outbox WHERE destination = ? AND state = 'pending'`);
    this.markDeliveredBatch = db.transaction((marks: readonly (readonly [number, number])[]) => {
      for (const [rowid, deliveredAtMs] of marks) this.deliveredStmt.run(deliveredAtMs, rowid);
    });
  }

  /** Queues one message for one destination in its own transaction (heartbeats, dropped events, checkpoints). */
  enqueue(destination: string, message: OutgoingMessage, nowMs: number): boolean {
    return this.insertStmt.run(outboxInsertParams(destination, message, nowMs)).changes > 0;
  }

  due(destination: string, nowMs: number, limit: number): OutboxRow[] {
    this.markWithoutWaiting();
    const rows = this.dueStmt.all(destination, nowMs, limit + this.unmarked.size) as OutboxRow[];
    return this.unmarked.size === 0 ? rows : rows.filter((r) => !this.unmarked.has(r.rowid)).slice(0, limit);
  }

  /** The earliest next attempt of a destination's pending rows (ms), or undefined when none is pending. */
  nextDue(destination: string): number | undefined {
    const r = this.nextDueStmt.get(destination) as { next: number | null };
    return r.next ?? undefined;
  }

  /**
   * Rows a destination acknowledged, in one transaction; while another connection (the store's
   * writer thread) holds the write lock, later instead of waiting for it (see `unmarked`).
   */
  markDelivered(rowids: readonly number[], nowMs: number): void {
    for (const rowid of rowids) this.unmarked.set(rowid, nowMs);
    this.markWithoutWaiting();
  }

  /** Marks every acknowledged row still unmarked, waiting for the write lock if need be: before counting what is undelivered. */
  settleMarks(): void {
    if (this.unmarked.size === 0) return;
    this.markDeliveredBatch([...this.unmarked]);
    this.unmarked.clear();
  }

  /** Acknowledged rows not yet marked delivered (the write lock was held each time). */
  get unmarkedCount(): number {
    return this.unmarked.size;
  }

  private markWithoutWaiting(): void {
    if (this.unmarked.size === 0) return;
    if (writeWithoutWaiting(this.db, () => this.markDeliveredBatch([...this.unmarked]))) this.unmarked.clear();
  }

  retryLater(rowid: number, nextAttemptMs: number, error: string): void {
    this.retryLaterStmt.run(nextAttemptMs, error.slice(0, 500), rowid);
  }

  /** Every pending row of the destination becomes 'disabled' (kept; `outbox retry` makes one pending again). */
  disable(destination: string, reason: string): number {
    return this.disableStmt.run(reason.slice(0, 500), destination).changes;
  }

  pendingTotals(): { bytes: number; rows: number } {
    this.settleMarks();
    const r = this.pendingBytesStmt.get() as { bytes: number; n: number };
    return { bytes: r.bytes, rows: r.n };
  }

  oldestPendingMs(): number | undefined {
    this.settleMarks();
    const r = this.oldestPendingStmt.get() as { oldest: number | null };
    return r.oldest ?? undefined;
  }

  backlog(): DestinationBacklog[] {
    this.settleMarks();
    return this.db
      .prepare(
        `SELECT destination,
           SUM(state = 'pending') AS pending,
           COALESCE(SUM(CASE WHEN state = 'pending' THEN size_bytes END), 0) AS pending_bytes,
           MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest_created_at,
           SUM(state = 'delivered') AS delivered,
           SUM(state = 'disabled') AS disabled,
           (SELECT last_error FROM outbox o2 WHERE o2.destination = outbox.destination AND o2.last_error IS NOT NULL
              ORDER BY o2.rowid DESC LIMIT 1) AS last_error
         FROM outbox GROUP BY destination ORDER BY destination`,
      )
      .all() as DestinationBacklog[];
  }
}
