/**
 * Places flow and DNS records into blocks (record-blocks.ts) inside the sink's transaction. One
 * block per kind stays open across flushes and is rewritten, grown, by each flush that adds to it
 * until it holds BLOCK_MAX_RECORDS: a monitor seeing a few flows a minute still fills whole blocks
 * (a block per flush would hold one record, no smaller than a record alone), and rewriting one
 * block of at most 128 records per flush costs about a millisecond.
 *
 * Every row that points into a block commits in the same transaction as the block's bytes. A
 * transaction that fails is rolled back here too (rollback()), so its rows, retried later, are
 * placed again from the state the store holds.
 */
import type { Statement } from 'better-sqlite3';
import { BLOCK_MAX_RECORDS, encodeBlock, encodePointer, type BlockKind } from './record-blocks.js';
import type { StoreDb } from './sqlite-store.js';

/** Sorts after every stored time: a block holding a record without a time is never aged out by retention. */
const NO_TIME = '~';

interface OpenBlock {
  id: number;
  kind: BlockKind;
  texts: string[];
  /** Latest retention time (flows ts_start, DNS ts) of its records: retention deletes a block once it is older. */
  tsMax: string;
}

interface Saved {
  block: OpenBlock;
  count: number;
  tsMax: string;
}

export class RecordBlockWriter {
  private readonly open = new Map<BlockKind, OpenBlock>();
  private readonly dirty = new Set<OpenBlock>();
  private saved: Map<BlockKind, Saved | undefined> | undefined;
  private readonly insert: Statement;
  private readonly update: Statement;

  constructor(db: StoreDb) {
    // The block's bytes are written once the transaction knows them (finish()); the id is needed first, for the pointers.
    this.insert = db.prepare(`INSERT INTO record_blocks (kind, ts_max, data) VALUES (?, ?, x'')`);
    this.update = db.prepare('UPDATE record_blocks SET ts_max = ?, data = ? WHERE id = ?');
  }

  /** Call at the start of each transaction that may place records. */
  begin(): void {
    this.saved = new Map();
    for (const kind of ['flow', 'dns'] as const) {
      const b = this.open.get(kind);
      this.saved.set(kind, b ? { block: b, count: b.texts.length, tsMax: b.tsMax } : undefined);
    }
  }

  /** Adds a record's JSON text to its kind's open block; returns the pointer its row stores. */
  place(kind: BlockKind, json: string, ts: string | null): Buffer {
    let block = this.open.get(kind);
    if (block && block.texts.length >= BLOCK_MAX_RECORDS) {
      this.write(block);
      block = undefined;
    }
    const time = ts ?? NO_TIME;
    if (!block) {
      const id = Number(this.insert.run(kind, time).lastInsertRowid);
      block = { id, kind, texts: [], tsMax: time };
      this.open.set(kind, block);
    }
    const index = block.texts.length;
    block.texts.push(json);
    if (time > block.tsMax) block.tsMax = time;
    this.dirty.add(block);
    return encodePointer({ blockId: block.id, index });
  }

  /** Writes every block this transaction added to; call last inside the transaction. */
  finish(): void {
    for (const block of this.dirty) this.write(block);
  }

  /** The transaction committed. */
  committed(): void {
    this.saved = undefined;
  }

  /** The transaction rolled back: the blocks are what they were at begin(). */
  rollback(): void {
    this.dirty.clear();
    if (!this.saved) return;
    for (const [kind, s] of this.saved) {
      if (!s) {
        this.open.delete(kind);
        continue;
      }
      s.block.texts.length = s.count;
      s.block.tsMax = s.tsMax;
      this.open.set(kind, s.block);
    }
    this.saved = undefined;
  }

  private write(block: OpenBlock): void {
    this.update.run(block.tsMax, encodeBlock(block.kind, block.texts), block.id);
    this.dirty.delete(block);
  }
}
