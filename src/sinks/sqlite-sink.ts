/**
 * SQLite sink: buffers rows and writes each flush as one transaction.
 *
 * Backpressure, bounded: when the pending rows reach their bound on a healthy
 * store, they are committed there and then (better-sqlite3 is synchronous,
 * so the producer waits for that one transaction) instead of dropping the
 * oldest; a burst never loses rows while the disk takes them.
 *
 * A write error (disk full, read-only file, lock held too long) rolls the
 * batch back and keeps it pending for the next flush, which the fan-out
 * retries with exponential backoff; flush() rejects so the fan-out reports
 * the failure. While failing, rows beyond the bound are dropped (oldest
 * first), counted in sink.<name>.dropped and reported through onDrop. A row
 * the database rejects on its own merits (constraint) is dropped and counted
 * so one bad record cannot block the queue forever.
 */
import type { Statement } from 'better-sqlite3';
import { Counters } from '../counters.js';
import type {
  AlertRecord,
  CaptureGapRecord,
  CaptureRun,
  DnsRecord,
  FlowRecord,
  FoldedFlows,
  GroundwatchRecord,
  StatsRecord,
} from '../records/ecs.js';
import { BoundedQueue } from './bounded-queue.js';
import type { Sink } from './sink.js';
import { alertRow, alertRunRow, dnsRow, flowRow, gapRow, runRow, statsRow, type Row } from './sqlite-rows.js';
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
  /** Rows pending at most: reaching it commits at once on a healthy store; while failing, the oldest are dropped. */
  maxPending?: number;
  /** Rows were dropped (the store is failing and the bound is reached); called with each loss. */
  onDrop?: (count: number) => void;
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
  /** The last commit failed for the database's state (disk full...); cleared by the next success. */
  private failing = false;
  private readonly onDrop: ((count: number) => void) | undefined;

  constructor(readonly db: StoreDb, opts: SqliteSinkOptions = {}) {
    this.name = opts.name ?? 'sqlite';
    this.counters = opts.counters ?? new Counters();
    this.batchSize = opts.batchSize ?? DEFAULT_SQLITE_BATCH;
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_SQLITE_FLUSH_MS;
    this.pending = new BoundedQueue(opts.maxPending ?? DEFAULT_SQLITE_MAX_PENDING);
    this.onDrop = opts.onDrop;
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
    if (!row) return;
    this.enqueue(row);
    if (rec.event.dataset !== 'groundwatch.alert') return;
    const runRow = alertRunRow(rec as AlertRecord, this.runId);
    if (runRow) this.enqueue({ stmt: this.statements.alertRun, params: runRow });
  }

  startRun(run: CaptureRun): void {
    this.runId = run.id;
    this.enqueue({ stmt: this.statements.run, params: runRow(run) });
  }

  endRun(run: CaptureRun): void {
    this.enqueue({ stmt: this.statements.run, params: runRow(run) });
  }

  /** Repeats of one alert between two flushes become one UPDATE (a chatty destination repeats thousands of times). */
  updateAlertRepeats(alertId: string, repeats: number, lastSeen: string, folded?: FoldedFlows): void {
    const foldedJson = folded === undefined ? null : JSON.stringify(folded);
    const queued = this.queuedRepeats.get(alertId);
    if (queued) {
      queued.params['repeats'] = repeats;
      queued.params['last_seen'] = storedTime(lastSeen);
      queued.params['folded'] = foldedJson;
      return;
    }
    const row: PendingRow = { stmt: this.statements.alertRepeats, params: { id: alertId, repeats, last_seen: storedTime(lastSeen), folded: foldedJson } };
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
      if (!isRowRejection(err)) {
        this.failing = true;
        throw err;
      }
      this.commitOneByOne(rows);
      this.failing = false;
      return;
    }
    this.failing = false;
    for (let i = 0; i < rows.length; i++) this.pending.shift();
  }

  /** The store still fails at the end of the run: the pending rows are lost, and counted. */
  abandonUnwritten(): void {
    if (!this.failing || this.pending.length === 0) return;
    const lost = this.pending.drain().length;
    this.queuedRepeats.clear();
    this.counters.inc(`sink.${this.name}.dropped`, lost);
    this.onDrop?.(lost);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    try {
      this.flushSync();
    } catch (err) {
      this.counters.inc(`sink.${this.name}.dropped`, this.pending.length);
      this.onDrop?.(this.pending.length);
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
        if (!isRowRejection(err)) {
          this.failing = true;
          throw err;
        }
        this.counters.inc(`sink.${this.name}.rejected`);
      }
      this.pending.shift();
    }
  }

  private enqueue(row: PendingRow): void {
    if (this.pending.length >= this.pending.limit && !this.failing) {
      try {
        this.flushSync();
      } catch {
        // Now failing: the fan-out's next flush reports it and retries after its backoff.
      }
    }
    const dropped = this.pending.push(row);
    if (dropped === 0) return;
    this.counters.inc(`sink.${this.name}.dropped`, dropped);
    this.onDrop?.(dropped);
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
