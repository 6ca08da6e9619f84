/**
 * The log part of a bundle, read from the store's integrity log
 * (src/integrity, docs/integrity.md): the latest checkpoint, and the entries
 * of the alert and of the run that raised it, each with its RFC 9162
 * inclusion proof in that checkpoint's tree. When the store cannot give
 * them, the reason says why, and the bundle is written without them.
 */
import { entryIndexForAlert, inclusionProofFor, latestCheckpoint } from '../integrity/index.js';
import { entryBytesOf, hasIntegrityLog } from '../integrity/log-store.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { BUNDLE_FILES } from './bundle-manifest.js';

export interface LoggedEntry {
  /** The bundle file that holds the entry's bytes. */
  file: string;
  kind: 'alert' | 'run';
  ref: string;
  index: number;
  /** The entry's canonical bytes, as the log holds them. */
  bytes: Buffer;
  proof: Buffer[];
}

export interface LogEvidence {
  /** The checkpoint note exactly as stored (signed, or unsigned when the box has no key). */
  checkpoint: string;
  treeSize: number;
  entries: LoggedEntry[];
}

export function logEvidenceFor(db: StoreDb, alertId: string, runId: string | null): LogEvidence | { missing: string } {
  if (!hasIntegrityLog(db)) return { missing: 'the store has no integrity log' };
  const checkpoint = latestCheckpoint(db);
  if (checkpoint === undefined) return { missing: 'the store has no checkpoint yet' };
  const size = checkpoint.tree_size;
  const alertIndex = entryIndexForAlert(db, alertId);
  if (alertIndex === undefined) return { missing: 'the alert has no log entry (it predates the log)' };
  if (alertIndex >= size) return { missing: `the alert's entry ${alertIndex} is newer than the latest checkpoint (tree size ${size}); export again after the next checkpoint` };
  const entries = [entryAt(db, BUNDLE_FILES.alert, 'alert', alertId, alertIndex, size)];
  const runIndex = runId === null ? undefined : latestIndex(db, 'run', runId);
  // A run is logged when it ends: a run still going (or killed) has no entry yet, and run.json is then the row as stored.
  if (runId !== null && runIndex !== undefined && runIndex < size) entries.push(entryAt(db, BUNDLE_FILES.run, 'run', runId, runIndex, size));
  return { checkpoint: checkpoint.note, treeSize: size, entries };
}

function entryAt(db: StoreDb, file: string, kind: 'alert' | 'run', ref: string, index: number, size: number): LoggedEntry {
  const row = db.prepare('SELECT entry FROM integrity_log WHERE idx = ?').get(index) as { entry: unknown };
  return { file, kind, ref, index, bytes: entryBytesOf(row.entry), proof: inclusionProofFor(db, index, size).proof };
}

function latestIndex(db: StoreDb, kind: string, ref: string): number | undefined {
  const row = db.prepare('SELECT idx FROM integrity_log WHERE kind = ? AND ref = ? ORDER BY idx DESC LIMIT 1').get(kind, ref) as { idx: number } | undefined;
  return row?.idx;
}
