/**
 * Packet slices in the SQLite store (table evidence_packets, migration 7),
 * written on the recorder's own connection in one transaction per flush, and
 * bounded: past `maxBytes` of stored frames the oldest rows are deleted
 * (counted), so a months-long run keeps the newest evidence in fixed space.
 */
import type { Counters } from '../counters.js';
import { closeStore, type StoreDb } from '../sinks/sqlite-store.js';

export type SliceRole = 'flow' | 'dns';
export type SliceContent = 'headers' | 'full' | 'client_hello' | 'dns';

export interface SliceRow {
  flow_uid: string;
  role: SliceRole;
  run_id: string | null;
  ts_sec: number;
  ts_nsec: number;
  link_type: number;
  orig_len: number;
  content: SliceContent;
  data: Uint8Array;
}

/** Rows held before flush() is asked for; more than MAX_PENDING while the store fails are dropped, counted. */
const BATCH_ROWS = 1000;
const MAX_PENDING = 20_000;
/** After trimming, the store holds at most this part of its bound (one trim clears room for many flushes). */
const TRIM_TO = 0.9;

export class SliceStore {
  private pending: SliceRow[] = [];
  private storedBytes: number;
  private readonly insertMany: (rows: SliceRow[]) => void;

  constructor(
    private readonly db: StoreDb,
    private readonly maxBytes: number,
    private readonly counters: Counters,
  ) {
    const insert = db.prepare(
      `INSERT INTO evidence_packets (flow_uid, role, run_id, ts_sec, ts_nsec, link_type, orig_len, content, data)
       VALUES (@flow_uid, @role, @run_id, @ts_sec, @ts_nsec, @link_type, @orig_len, @content, @data)`,
    );
    this.insertMany = db.transaction((rows: SliceRow[]) => {
      for (const r of rows) insert.run({ ...r, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length) });
    });
    this.storedBytes = (db.prepare('SELECT COALESCE(SUM(length(data)), 0) AS n FROM evidence_packets').get() as { n: number }).n;
  }

  add(row: SliceRow): void {
    if (this.pending.length >= MAX_PENDING) {
      this.pending.shift();
      this.counters.inc('evidence.store.dropped');
    }
    this.pending.push(row);
  }

  needsFlush(): boolean {
    return this.pending.length >= BATCH_ROWS;
  }

  /** Commits what is pending; on a write error the rows stay pending (bounded) and the error goes to the fan-out. */
  flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.insertMany(rows);
    this.pending = [];
    for (const r of rows) this.storedBytes += r.data.length;
    if (this.storedBytes > this.maxBytes) this.trim();
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } catch (err) {
      this.counters.inc('evidence.store.dropped', this.pending.length);
      throw err;
    } finally {
      // Like the sink's connection: the last connection to close returns the store to one file
      // (journal_mode DELETE), so a reader who cannot write the directory can open it.
      closeStore(this.db);
    }
  }

  /** Deletes the oldest rows until the store holds TRIM_TO of its bound. */
  private trim(): void {
    const target = this.maxBytes * TRIM_TO;
    let freed = 0;
    let deleted = 0;
    let lastRowid = 0;
    const oldest = this.db.prepare('SELECT rowid, length(data) AS n FROM evidence_packets ORDER BY rowid').iterate() as IterableIterator<{ rowid: number; n: number }>;
    for (const row of oldest) {
      if (this.storedBytes - freed <= target) break;
      freed += row.n;
      deleted++;
      lastRowid = row.rowid;
    }
    if (deleted === 0) return;
    this.db.prepare('DELETE FROM evidence_packets WHERE rowid <= ?').run(lastRowid);
    this.storedBytes -= freed;
    this.counters.inc('evidence.store.evicted', deleted);
  }
}

/** The stored packets of one flow in one role, in capture order (export reads these). */
export function storedSlice(db: StoreDb, flowUid: string, role: SliceRole): SliceRow[] {
  return db
    .prepare('SELECT flow_uid, role, run_id, ts_sec, ts_nsec, link_type, orig_len, content, data FROM evidence_packets WHERE flow_uid = ? AND role = ? ORDER BY rowid')
    .all(flowUid, role) as SliceRow[];
}
