/**
 * Incremental vacuum, so that rows deleted by retention give their pages back
 * to the file system (sinks/retention.ts calls `PRAGMA incremental_vacuum(N)`).
 * SQLite only honours `auto_vacuum = INCREMENTAL` when it is set before the
 * first table exists, or when a VACUUM follows: a new store gets it at
 * creation, an existing one is rewritten by one VACUUM the first time a
 * writer of this version opens it (minutes for gigabytes; it needs free space
 * about the size of the store). If that VACUUM fails (disk full) the store
 * keeps working: retention still deletes, the freed pages are reused by new
 * rows, the file just does not shrink; it is tried again at the next open.
 */
import type { StoreDb } from './sqlite-store.js';

/** PRAGMA auto_vacuum values. */
export const AUTO_VACUUM_INCREMENTAL = 2;

export function autoVacuumMode(db: StoreDb): number {
  return db.pragma('auto_vacuum', { simple: true }) as number;
}

/** On a file with no table yet (a new store), incremental vacuum costs nothing to turn on. */
export function setIncrementalVacuumIfEmpty(db: StoreDb): void {
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
  if (tables.n === 0) db.pragma(`auto_vacuum = ${AUTO_VACUUM_INCREMENTAL}`);
}

/** The one-time conversion of a store created before retention existed. */
export function ensureIncrementalVacuum(db: StoreDb, warn?: (line: string) => void): void {
  if (autoVacuumMode(db) === AUTO_VACUUM_INCREMENTAL) return;
  try {
    db.pragma(`auto_vacuum = ${AUTO_VACUUM_INCREMENTAL}`);
    db.exec('VACUUM');
  } catch (err) {
    warn?.(
      `groundwatch: warning: store ${db.name}: cannot turn on incremental vacuum (VACUUM failed: ${err instanceof Error ? err.message : String(err)}); ` +
        'retention still deletes old rows but the file will not shrink; tried again at the next start',
    );
  }
}
