/**
 * The log's tables (schema version 5): `integrity_log`, one row per entry,
 * numbered from 0 without gaps, holding the entry's canonical bytes and leaf
 * hash; `integrity_checkpoints`, the checkpoints written. Since schema 8 the
 * bytes are stored compressed (sinks/stored-record.ts; older entries stay as
 * written): an alert's entry holds its whole record again, and plain it was
 * as large as the alert row itself. Every function that
 * appends runs inside the caller's transaction, so an entry and the row it
 * covers commit together or not at all.
 */
import type { Database } from 'better-sqlite3';
import { cachedStatement } from '../util/statement-cache.js';
import { entryBytes, readRow, type EntryKind } from './entries.js';
import { consistencyProof, inclusionProof, leafHash, rootOf, type Hash } from './merkle.js';
import { decodeStoredBytes, encodeStored, type StoredKind } from '../sinks/stored-record.js';

export interface LogEntry {
  idx: number;
  kind: EntryKind;
  ref: string;
  entry: Buffer;
  leaf_hash: Buffer;
  logged_at: string;
}

export interface StoredCheckpoint {
  id: number;
  tree_size: number;
  root_hash: Buffer;
  note: string;
  /** The verifier key that signed it, as recorded on the box (proves nothing by itself). */
  signed_by: string | null;
  created_at: string;
}

export function hasIntegrityLog(db: Database): boolean {
  return cachedStatement(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'integrity_log'").get() !== undefined;
}

export function logSize(db: Database): number {
  const row = cachedStatement(db, 'SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM integrity_log').get() as { n: number };
  return row.n;
}

/**
 * Logs the row's current content unless its latest entry already says exactly that
 * (a retried batch, an alert written again unchanged). Returns the new entry's index.
 */
export function logRow(db: Database, kind: EntryKind, ref: string, now: Date = new Date()): number | undefined {
  const row = readRow(db, kind, ref);
  if (!row) return undefined;
  const bytes = entryBytes(kind, ref, row);
  const latest = cachedStatement(db, 'SELECT leaf_hash FROM integrity_log WHERE kind = ? AND ref = ? ORDER BY idx DESC LIMIT 1').get(kind, ref) as { leaf_hash: Buffer } | undefined;
  if (latest && Buffer.isBuffer(latest.leaf_hash) && latest.leaf_hash.equals(leafHash(bytes))) return undefined;
  return appendEntry(db, kind, ref, bytes, now);
}

/** An entry's canonical bytes as stored: compressed with the dictionary of the records it is about. */
export function storedEntry(kind: EntryKind | 'retention', bytes: Buffer): Buffer {
  return encodeStored(ENTRY_DICTIONARY[kind], bytes.toString('utf8'));
}

/** The canonical bytes of a stored entry (compressed, or as older stores hold them). */
export function entryBytesOf(stored: unknown): Buffer {
  return decodeStoredBytes(stored);
}

const ENTRY_DICTIONARY: Record<EntryKind | 'retention', StoredKind> = {
  alert: 'alert_entry',
  alert_ack: 'alert_entry',
  run: 'alert_entry',
  capture_gap: 'alert_entry',
  stats: 'stats_entry',
  retention: 'stats_entry',
};

export function appendEntry(db: Database, kind: EntryKind | 'retention', ref: string, bytes: Buffer, now: Date = new Date()): number {
  const insert = cachedStatement(
    db,
    `INSERT INTO integrity_log (idx, kind, ref, entry, leaf_hash, logged_at)
     VALUES ((SELECT COALESCE(MAX(idx) + 1, 0) FROM integrity_log), ?, ?, ?, ?, ?) RETURNING idx`,
  );
  const row = insert.get(kind, ref, storedEntry(kind, bytes), leafHash(bytes), now.toISOString()) as { idx: number };
  return row.idx;
}

/** Leaf hashes as stored, from `from` on, in index order. */
export function storedLeafHashes(db: Database, from = 0, to = Number.MAX_SAFE_INTEGER): Hash[] {
  const rows = cachedStatement(db, 'SELECT leaf_hash FROM integrity_log WHERE idx >= ? AND idx < ? ORDER BY idx').raw().all(from, to) as [Buffer][];
  return rows.map((r) => r[0]);
}

export function entryIndexForAlert(db: Database, alertId: string): number | undefined {
  const row = cachedStatement(db, "SELECT idx FROM integrity_log WHERE kind = 'alert' AND ref = ? ORDER BY idx DESC LIMIT 1").get(alertId) as { idx: number } | undefined;
  return row?.idx;
}

export interface InclusionProof {
  index: number;
  treeSize: number;
  leafHash: Hash;
  proof: Hash[];
  root: Hash;
}

/** Inclusion of entry `index` in the tree of `treeSize` (default: the latest checkpoint's size, else the whole log). */
export function inclusionProofFor(db: Database, index: number, treeSize?: number): InclusionProof {
  const size = treeSize ?? latestCheckpoint(db)?.tree_size ?? logSize(db);
  if (index >= size) throw new RangeError(`entry ${index} is not in a tree of ${size}`);
  const leaves = storedLeafHashes(db, 0, size);
  if (leaves.length !== size) throw new RangeError(`the log holds ${leaves.length} entries, fewer than ${size}`);
  return { index, treeSize: size, leafHash: leaves[index] as Hash, proof: inclusionProof(leaves, index), root: rootOf(leaves) };
}

export function consistencyProofFor(db: Database, size1: number, size2: number): Hash[] {
  return consistencyProof(storedLeafHashes(db, 0, size2), size1);
}

export function latestCheckpoint(db: Database): StoredCheckpoint | undefined {
  return cachedStatement(db, 'SELECT rowid AS id, * FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as StoredCheckpoint | undefined;
}

export function storedCheckpoints(db: Database): StoredCheckpoint[] {
  return cachedStatement(db, 'SELECT rowid AS id, * FROM integrity_checkpoints ORDER BY rowid').all() as StoredCheckpoint[];
}

export function insertCheckpoint(db: Database, cp: Omit<StoredCheckpoint, 'id'>): number {
  const insert = cachedStatement(
    db,
    'INSERT INTO integrity_checkpoints (tree_size, root_hash, note, signed_by, created_at) VALUES (@tree_size, @root_hash, @note, @signed_by, @created_at)',
  );
  const info = insert.run(cp);
  return Number(info.lastInsertRowid);
}
