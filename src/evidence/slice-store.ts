/**
 * Packet slices in the SQLite store, written on the recorder's own connection.
 * The slices of one flow in one role are gathered in memory and written as one
 * packed, compressed row (table evidence_blocks, schema 10; evidence/slice-pack.ts):
 * when the flow ends, or at the latest HOLD_MS after the block's first slice (a
 * long flow gets a row per HOLD_MS while it sends), or all at once when the
 * pending slices reach their bound. Every write is one transaction per flush.
 *
 * Bounded: past `maxBytes` of stored blocks (compressed, as stored; the rows of
 * schema 7's evidence_packets, one per packet, count too) the oldest rows are
 * deleted, counted in packets, so a months-long run keeps the newest evidence in
 * fixed space.
 */
import type { Counters } from '../counters.js';
import { closeStore, type StoreDb } from '../sinks/sqlite-store.js';
import { packSlices, type PackedSlice } from './slice-pack.js';

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

/** A live flow's pending slices are written at least this often (wall clock): what a crash can lose, what an export can miss. */
export const HOLD_MS = 10_000;
/** Pending slices (or their bytes) past which flush() is asked for and writes every block, ended or not. */
const PRESSURE_PACKETS = 8192;
const PRESSURE_BYTES = 4 * 1024 * 1024;
/** Slices held while the store fails; past it the oldest pending ones are dropped, counted. */
const MAX_PENDING = 20_000;
/** After trimming, the store holds at most this part of its bound (one trim clears room for many flushes). */
const TRIM_TO = 0.9;

interface PendingBlock {
  flowUid: string;
  role: SliceRole;
  runId: string | null;
  slices: PackedSlice[];
  /** Wall-clock ms of the first slice added. */
  since: number;
  ended: boolean;
}

interface BlockRow {
  flow_uid: string;
  role: SliceRole;
  run_id: string | null;
  packets: number;
  raw_bytes: number;
  data: Buffer;
}

export class SliceStore {
  /** By role and flow uid, in the order their first slice came (the oldest first). */
  private readonly pending = new Map<string, PendingBlock>();
  private pendingPackets = 0;
  private pendingBytes = 0;
  private storedBytes: number;
  private readonly insertMany: (rows: BlockRow[]) => void;

  constructor(
    private readonly db: StoreDb,
    private readonly maxBytes: number,
    private readonly counters: Counters,
    private readonly now: () => number = Date.now,
  ) {
    const insert = db.prepare(
      `INSERT INTO evidence_blocks (flow_uid, role, run_id, packets, raw_bytes, data)
       VALUES (@flow_uid, @role, @run_id, @packets, @raw_bytes, @data)`,
    );
    this.insertMany = db.transaction((rows: BlockRow[]) => {
      for (const r of rows) insert.run(r);
    });
    this.storedBytes = (
      db.prepare(
        'SELECT (SELECT COALESCE(SUM(length(data)), 0) FROM evidence_packets) + (SELECT COALESCE(SUM(length(data)), 0) FROM evidence_blocks) AS n',
      ).get() as { n: number }
    ).n;
  }

  add(row: SliceRow): void {
    if (this.pendingPackets >= MAX_PENDING) this.dropOldest();
    const key = `${row.role}\n${row.flow_uid}`;
    let block = this.pending.get(key);
    if (block === undefined) {
      block = { flowUid: row.flow_uid, role: row.role, runId: row.run_id, slices: [], since: this.now(), ended: false };
      this.pending.set(key, block);
    }
    block.slices.push(row);
    this.pendingPackets++;
    this.pendingBytes += row.data.length;
  }

  /** The flow sends no more: its blocks are written at the next flush. */
  flowEnded(flowUid: string): void {
    for (const role of ['flow', 'dns'] as const) {
      const block = this.pending.get(`${role}\n${flowUid}`);
      if (block) block.ended = true;
    }
  }

  needsFlush(): boolean {
    return this.pendingPackets >= PRESSURE_PACKETS || this.pendingBytes >= PRESSURE_BYTES;
  }

  /**
   * Writes the blocks that are due (their flow ended, or held HOLD_MS), or every block under
   * pressure or when `all`. On a write error they stay pending (bounded) and the error goes to the fan-out.
   */
  flush(all = false): void {
    if (this.pending.size === 0) return;
    const everything = all || this.needsFlush();
    const due: [string, PendingBlock][] = [];
    const now = this.now();
    for (const entry of this.pending) {
      const b = entry[1];
      if (everything || b.ended || now - b.since >= HOLD_MS) due.push(entry);
    }
    if (due.length === 0) return;
    const rows = due.map(([, b]): BlockRow => {
      const packed = packSlices(b.slices);
      return { flow_uid: b.flowUid, role: b.role, run_id: b.runId, packets: b.slices.length, raw_bytes: packed.rawBytes, data: packed.blob };
    });
    this.insertMany(rows);
    for (const [key, b] of due) {
      this.pending.delete(key);
      this.pendingPackets -= b.slices.length;
      for (const s of b.slices) this.pendingBytes -= s.data.length;
    }
    for (const r of rows) this.storedBytes += r.data.length;
    if (this.storedBytes > this.maxBytes) this.trim();
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.flush(true);
    } catch (err) {
      this.counters.inc('evidence.store.dropped', this.pendingPackets);
      throw err;
    } finally {
      // Like the sink's connection: the last connection to close returns the store to one file
      // (journal_mode DELETE), so a reader who cannot write the directory can open it.
      closeStore(this.db);
    }
  }

  private dropOldest(): void {
    const first = this.pending.entries().next();
    if (first.done === true) return;
    const [key, block] = first.value;
    const dropped = block.slices.shift();
    if (dropped === undefined) return;
    this.pendingPackets--;
    this.pendingBytes -= dropped.data.length;
    if (block.slices.length === 0) this.pending.delete(key);
    this.counters.inc('evidence.store.dropped');
  }

  /** Deletes the oldest rows (schema 7's per-packet rows first: they are older) until the store holds TRIM_TO of its bound. */
  private trim(): void {
    const target = this.maxBytes * TRIM_TO;
    let freed = 0;
    let packets = 0;
    let lastPacketRow = 0;
    let lastBlockRow = 0;
    const oldRows = this.db.prepare('SELECT rowid, length(data) AS n FROM evidence_packets ORDER BY rowid').iterate() as IterableIterator<{ rowid: number; n: number }>;
    for (const row of oldRows) {
      if (this.storedBytes - freed <= target) break;
      freed += row.n;
      packets++;
      lastPacketRow = row.rowid;
    }
    if (this.storedBytes - freed > target) {
      const blocks = this.db.prepare('SELECT rowid, packets, length(data) AS n FROM evidence_blocks ORDER BY rowid').iterate() as IterableIterator<{ rowid: number; packets: number; n: number }>;
      for (const row of blocks) {
        if (this.storedBytes - freed <= target) break;
        freed += row.n;
        packets += row.packets;
        lastBlockRow = row.rowid;
      }
    }
    if (packets === 0) return;
    this.db.transaction(() => {
      if (lastPacketRow > 0) this.db.prepare('DELETE FROM evidence_packets WHERE rowid <= ?').run(lastPacketRow);
      if (lastBlockRow > 0) this.db.prepare('DELETE FROM evidence_blocks WHERE rowid <= ?').run(lastBlockRow);
    })();
    this.storedBytes -= freed;
    this.counters.inc('evidence.store.evicted', packets);
  }
}
