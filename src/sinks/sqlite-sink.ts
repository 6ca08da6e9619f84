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
import type { RunResult, Statement } from 'better-sqlite3';
import { Counters } from '../counters.js';
import type { EntryKind } from '../integrity/entries.js';
import type { IntegrityLog } from '../integrity/integrity-log.js';
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
import { RecordBlockWriter } from './record-block-writer.js';
import type { BlockKind } from './record-blocks.js';
import type { Sink } from './sink.js';
import { alertRow, alertRunRow, dnsRow, flowRow, gapRow, runRow, statsRow, type Row, type SqlValue } from './sqlite-rows.js';
import { recordJson, type RecordText } from './record-text.js';
import { DNS_COLUMNS, FLOW_COLUMNS, positionalRow, prepareWriteStatements, type WriteStatements } from './sqlite-statements.js';
import { closeStore, type StoreDb } from './sqlite-store.js';
import { DEFAULT_SQLITE_BATCH, DEFAULT_SQLITE_FLUSH_MS, DEFAULT_SQLITE_MAX_PENDING } from './sqlite-sink-defaults.js';
import { storedTime } from './timestamps.js';

export { DEFAULT_SQLITE_BATCH, DEFAULT_SQLITE_FLUSH_MS, DEFAULT_SQLITE_MAX_PENDING };

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
  /** Delivery outbox rows that commit in the same transaction as the record they carry (delivery/outbox-writer.ts). */
  outbox?: CoCommittedRows;
  /** The integrity log: alerts, gaps, stats and ended runs get an entry in the same transaction as their row. */
  integrity?: IntegrityLog;
}

/** Extra rows committed with a record's own row, and a step run at the end of each transaction. */
export interface CoCommittedRows {
  rowsFor(rec: GroundwatchRecord): { stmt: Statement; params: Row }[];
  afterRows(): void;
}

interface PendingRow {
  stmt: Statement;
  /** Named, or (flows, DNS) in the statement's column order. */
  params: Row | SqlValue[];
  /** Log an entry for this row (docs/integrity.md). */
  log?: EntryKind;
  /** A flow or DNS row: its record goes into a block at commit, and its last parameter (`record`) gets the pointer. */
  block?: { kind: BlockKind; json: string; ts: string | null };
}

export class SqliteSink implements Sink {
  readonly name: string;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  private readonly counters: Counters;
  private readonly statements: WriteStatements;
  private readonly pending: BoundedQueue<PendingRow>;
  private readonly commit: (rows: PendingRow[]) => void;
  private readonly blocks: RecordBlockWriter;
  private runId: string | undefined;
  private readonly queuedRepeats = new Map<string, PendingRow & { params: Row }>();
  /** The last commit failed for the database's state (disk full...); cleared by the next success. */
  private failing = false;
  private readonly onDrop: ((count: number) => void) | undefined;
  private readonly outbox: CoCommittedRows | undefined;
  private readonly integrity: IntegrityLog | undefined;

  constructor(readonly db: StoreDb, opts: SqliteSinkOptions = {}) {
    this.name = opts.name ?? 'sqlite';
    this.counters = opts.counters ?? new Counters();
    this.batchSize = opts.batchSize ?? DEFAULT_SQLITE_BATCH;
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_SQLITE_FLUSH_MS;
    this.pending = new BoundedQueue(opts.maxPending ?? DEFAULT_SQLITE_MAX_PENDING);
    this.onDrop = opts.onDrop;
    this.outbox = opts.outbox;
    this.statements = prepareWriteStatements(db);
    this.integrity = opts.integrity;
    this.blocks = new RecordBlockWriter(db);
    const transaction = db.transaction((rows: PendingRow[]) => {
      for (const r of rows) {
        if (r.block) {
          const params = r.params as SqlValue[];
          params[params.length - 1] = this.blocks.place(r.block.kind, r.block.json, r.block.ts);
        }
        const info = r.stmt.run(r.params);
        if (r.log && this.integrity) this.integrity.logRow(r.log, entryRef(r, info));
      }
      this.blocks.finish();
      this.outbox?.afterRows();
    });
    this.commit = (rows) => {
      this.blocks.begin();
      try {
        transaction(rows);
      } catch (err) {
        this.blocks.rollback();
        throw err;
      }
      this.blocks.committed();
    };
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  write(rec: GroundwatchRecord, text?: RecordText): void {
    const row = this.toRow(rec, text);
    if (!row) return;
    const alertRun = rec.event.dataset === 'groundwatch.alert' ? alertRunRow(rec as AlertRecord, this.runId) : undefined;
    const extra = [...(alertRun ? [{ stmt: this.statements.alertRun, params: alertRun }] : []), ...(this.outbox?.rowsFor(rec) ?? [])];
    if (extra.length === 0) {
      this.enqueue(row);
      return;
    }
    // The record and its alert-run and outbox rows must share one transaction: make room for all of them first.
    this.makeRoom(1 + extra.length);
    this.enqueue(row);
    for (const r of extra) this.enqueue(r);
  }

  startRun(run: CaptureRun): void {
    this.runId = run.id;
    this.enqueue({ stmt: this.statements.runKey, params: [run.id] });
    this.enqueue({ stmt: this.statements.run, params: runRow(run) });
  }

  endRun(run: CaptureRun): void {
    this.enqueue({ stmt: this.statements.run, params: runRow(run), log: 'run' });
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
    const row: PendingRow & { params: Row } = { stmt: this.statements.alertRepeats, params: { id: alertId, repeats, last_seen: storedTime(lastSeen), folded: foldedJson } };
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
    this.integrity?.maybeCheckpoint();
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
      // End of the run (end of input or shutdown): a checkpoint of everything written.
      this.integrity?.checkpoint();
    } catch (err) {
      this.counters.inc(`sink.${this.name}.dropped`, this.pending.length);
      this.onDrop?.(this.pending.length);
      throw err;
    } finally {
      closeStore(this.db);
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

  /** Commits now (healthy store) when `n` more rows would not fit under the bound. */
  private makeRoom(n: number): void {
    if (this.pending.length + n <= this.pending.limit || this.failing) return;
    try {
      this.flushSync();
    } catch {
      // Now failing: the fan-out's next flush reports it and retries after its backoff.
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

  private toRow(rec: GroundwatchRecord, text: RecordText | undefined): PendingRow | undefined {
    const s = this.statements;
    try {
      switch (rec.event.dataset) {
        case 'groundwatch.flow': return blockRow(s.flow, FLOW_COLUMNS, 'flow', recordJson(rec, text), flowRow(rec as FlowRecord, this.runId), 'ts_start');
        case 'groundwatch.dns': return blockRow(s.dns, DNS_COLUMNS, 'dns', recordJson(rec, text), dnsRow(rec as DnsRecord, this.runId), 'ts');
        case 'groundwatch.alert': return { stmt: s.alert, params: alertRow(rec as AlertRecord, this.runId), log: 'alert' };
        case 'groundwatch.stats': return { stmt: s.stats, params: statsRow(rec as StatsRecord, this.runId), log: 'stats' };
        case 'groundwatch.capture_gap': return { stmt: s.gap, params: gapRow(rec as CaptureGapRecord, this.runId), log: 'capture_gap' };
        default: break;
      }
    } catch {
      // A record missing its required fields (or not serialisable) is a bug upstream: count, never stall.
    }
    this.counters.inc(`sink.${this.name}.invalid_records`);
    return undefined;
  }
}

/** A flow or DNS row, its `record` (the last column) left for the block pointer the commit puts there. */
function blockRow(stmt: Statement, columns: readonly string[], kind: BlockKind, json: string, row: Row, tsColumn: string): PendingRow {
  const params = positionalRow(columns, row);
  params[params.length - 1] = null;
  const ts = row[tsColumn];
  return { stmt, params, block: { kind, json, ts: typeof ts === 'string' ? ts : null } };
}

/** The logged row's key: the id of alerts and runs, the rowid SQLite gave the others. */
function entryRef(row: PendingRow, info: RunResult): string {
  const id = Array.isArray(row.params) ? undefined : row.params['id'];
  return typeof id === 'string' ? id : String(info.lastInsertRowid);
}

/** Errors caused by the row itself, not by the database's state. */
function isRowRejection(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
}
