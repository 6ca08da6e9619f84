/**
 * SQLite sink: buffers rows and writes each flush as one transaction. A write
 * error (disk full, read-only file, lock held too long) rolls the batch back
 * and keeps it pending (bounded: the oldest are dropped and counted) for the
 * next flush; flush() rejects so the fan-out reports the failure. A row the
 * database rejects on its own merits (constraint) is dropped and counted so
 * one bad record cannot block the queue forever.
 */
import type { Statement } from 'better-sqlite3';
import { Counters } from '../counters.js';
import type {
  AlertRecord,
  CaptureGapRecord,
  CaptureRun,
  DnsRecord,
  FlowRecord,
  GroundwatchRecord,
  StatsRecord,
} from '../records/ecs.js';
import { BoundedQueue } from './bounded-queue.js';
import type { Sink } from './sink.js';
import { alertRow, dnsRow, flowRow, gapRow, runRow, statsRow, type Row } from './sqlite-rows.js';
import { prepareWriteStatements, type WriteStatements } from './sqlite-statements.js';
import type { StoreDb } from './sqlite-store.js';
import { storedTime } from './timestamps.js';

export const DEFAULT_SQLITE_BATCH = 1000;
export const DEFAULT_SQLITE_FLUSH_MS = 1000;
export const DEFAULT_SQLITE_MAX_PENDING = 10_000;

export interface SqliteSinkOptions {
  counters?: Counters;
  name?: string;
  /** needsFlush() turns true at this many pending rows. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Rows kept while the database cannot be written; beyond it the oldest are dropped. */
  maxPending?: number;
}

interface PendingRow {
  stmt: Statement;
  params: Row;
}

export class SqliteSink implements Sink {
  readonly name: string;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  private readonly counters: Counters;
  private readonly statements: WriteStatements;
  private readonly pending: BoundedQueue<PendingRow>;
  private readonly commit: (rows: PendingRow[]) => void;
  private runId: string | undefined;
  private readonly queuedRepeats = new Map<string, PendingRow>();

  constructor(readonly db: StoreDb, opts: SqliteSinkOptions = {}) {
    this.name = opts.name ?? 'sqlite';
    this.counters = opts.counters ?? new Counters();
    this.batchSize = opts.batchSize ?? DEFAULT_SQLITE_BATCH;
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_SQLITE_FLUSH_MS;
    this.pending = new BoundedQueue(opts.maxPending ?? DEFAULT_SQLITE_MAX_PENDING);
    this.statements = prepareWriteStatements(db);
    this.commit = db.transaction((rows: PendingRow[]) => {
      for (const r of rows) r.stmt.run(r.params);
    });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  write(rec: GroundwatchRecord): void {
    const row = this.toRow(rec);
    if (row) this.enqueue(row);
  }

  startRun(run: CaptureRun): void {
    this.runId = run.id;
    this.enqueue({ stmt: this.statements.run, params: runRow(run) });
  }

  endRun(run: CaptureRun): void {
    this.enqueue({ stmt: this.statements.run, params: runRow(run) });
  }

  /** Repeats of one alert between two flushes become one UPDATE (a chatty destination repeats thousands of times). */
  updateAlertRepeats(alertId: string, repeats: number, lastSeen: string): void {
    const queued = this.queuedRepeats.get(alertId);
    if (queued) {
      queued.params['repeats'] = repeats;
      queued.params['last_seen'] = storedTime(lastSeen);
      return;
    }
    const row: PendingRow = { stmt: this.statements.alertRepeats, params: { id: alertId, repeats, last_seen: storedTime(lastSeen) } };
    this.queuedRepeats.set(alertId, row);
    this.enqueue(row);
  }

  needsFlush(): boolean {
    return this.pending.length >= this.batchSize;
  }

  async flush(): Promise<void> {
    this.flushSync();
  }

  /** Commits everything pending in one transaction; throws (keeping it pending) on a write error. */
  flushSync(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending.toArray();
    this.queuedRepeats.clear();
    try {
      this.commit(rows);
    } catch (err) {
      if (!isRowRejection(err)) throw err;
      this.commitOneByOne(rows);
      return;
    }
    for (let i = 0; i < rows.length; i++) this.pending.shift();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    try {
      this.flushSync();
    } catch (err) {
      this.counters.inc(`sink.${this.name}.dropped`, this.pending.length);
      throw err;
    } finally {
      this.db.close();
    }
  }

  private commitOneByOne(rows: PendingRow[]): void {
    for (const row of rows) {
      try {
        this.commit([row]);
      } catch (err) {
        if (!isRowRejection(err)) throw err;
        this.counters.inc(`sink.${this.name}.rejected`);
      }
      this.pending.shift();
    }
  }

  private enqueue(row: PendingRow): void {
    const dropped = this.pending.push(row);
    if (dropped > 0) this.counters.inc(`sink.${this.name}.dropped`, dropped);
  }

  private toRow(rec: GroundwatchRecord): PendingRow | undefined {
    const s = this.statements;
    try {
      switch (rec.event.dataset) {
        case 'groundwatch.flow': return { stmt: s.flow, params: flowRow(rec as FlowRecord, this.runId) };
        case 'groundwatch.dns': return { stmt: s.dns, params: dnsRow(rec as DnsRecord, this.runId) };
        case 'groundwatch.alert': return { stmt: s.alert, params: alertRow(rec as AlertRecord, this.runId) };
        case 'groundwatch.stats': return { stmt: s.stats, params: statsRow(rec as StatsRecord, this.runId) };
        case 'groundwatch.capture_gap': return { stmt: s.gap, params: gapRow(rec as CaptureGapRecord, this.runId) };
        default: break;
      }
    } catch {
      // A record missing its required fields (or not serialisable) is a bug upstream: count, never stall.
    }
    this.counters.inc(`sink.${this.name}.invalid_records`);
    return undefined;
  }
}

/** Errors caused by the row itself, not by the database's state. */
function isRowRejection(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
}
