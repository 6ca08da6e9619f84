/**
 * Reads a `record` column whatever form it holds (stored-record.ts: JSON text, a compressed record;
 * record-blocks.ts: a pointer into a block of records), fetching and inflating blocks on the row's
 * own connection. The last few blocks read stay decoded per connection: readers go through rows in
 * write order or close to it (a page of a list, a report), so consecutive rows share a block.
 *
 * better-sqlite3 runs no other statement on a connection while one of its iterate() cursors is
 * open: read rows with all() (in pages when there can be many) before resolving their records.
 */
import type { Database } from 'better-sqlite3';
import { cachedStatement } from '../util/statement-cache.js';
import { decodePointer, inflateBlock, type InflatedBlock } from './record-blocks.js';
import { decodeStoredBytes } from './stored-record.js';

/** ~190 KB inflated each at 128 flow records: a bound, not a tuning knob. */
const DECODED_BLOCKS_KEPT = 8;
const decodedBlocks = new WeakMap<Database, Map<number, InflatedBlock>>();

/** The JSON text a stored `record` value holds; throws on a value no writer makes or a pointer to a block the store lacks. */
export function readStoredText(db: Database, value: unknown): string {
  if (value instanceof Uint8Array) {
    const pointer = decodePointer(value);
    if (pointer) {
      // The block still open when it was read has grown since (the writer appends to it): read it again.
      const text = blockTexts(db, pointer.blockId).text(pointer.index) ?? blockTexts(db, pointer.blockId, true).text(pointer.index);
      if (text === undefined) throw new TypeError(`stored record points to entry ${pointer.index} of block ${pointer.blockId}, which is shorter`);
      return text;
    }
  }
  return typeof value === 'string' ? value : decodeStoredBytes(value).toString('utf8');
}

export function readStoredRecord<T>(db: Database, value: unknown): T {
  return JSON.parse(readStoredText(db, value)) as T;
}

/**
 * Many rows' records, resolved block by block: a page read in time order points into blocks
 * written in end order, and resolving it row by row inflated a block again each time the rows
 * came back to it once it had left the cache. Results are in the order of `values`.
 */
export function readStoredRecords<T>(db: Database, values: readonly unknown[]): T[] {
  const blockOf = values.map((v) => (v instanceof Uint8Array ? (decodePointer(v)?.blockId ?? -1) : -1));
  const order = values.map((_, i) => i).sort((a, b) => blockOf[a]! - blockOf[b]! || a - b);
  const out = new Array<T>(values.length);
  for (const i of order) out[i] = readStoredRecord<T>(db, values[i]);
  return out;
}

function blockTexts(db: Database, blockId: number, reread = false): InflatedBlock {
  let perDb = decodedBlocks.get(db);
  if (!perDb) {
    perDb = new Map();
    decodedBlocks.set(db, perDb);
  }
  const cached = reread ? undefined : perDb.get(blockId);
  if (cached) {
    // Most recently used last: Map keeps insertion order.
    perDb.delete(blockId);
    perDb.set(blockId, cached);
    return cached;
  }
  const data = cachedStatement(db, 'SELECT data FROM record_blocks WHERE id = ?').pluck().get(blockId);
  if (data === undefined) throw new TypeError(`stored record points to block ${blockId}, which the store does not hold`);
  const texts = inflateBlock(data);
  perDb.delete(blockId);
  if (perDb.size >= DECODED_BLOCKS_KEPT) perDb.delete(perDb.keys().next().value as number);
  perDb.set(blockId, texts);
  return texts;
}
