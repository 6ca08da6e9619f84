/**
 * Incremental vacuum, so that rows deleted by retention give their pages back
 * to the file system (sinks/retention.ts calls `PRAGMA incremental_vacuum(N)`).
 * SQLite only honours `auto_vacuum = INCREMENTAL` when it is set before the
 * first table exists, or when a VACUUM follows: a new store gets it at
 * creation; an existing one up to AUTO_CONVERT_MAX_BYTES is rewritten by one
 * VACUUM the first time a writer of this version opens it (measured ~20 MB/s
 * on a loaded 2-core box, so at most about 15 s; it needs free space about
 * the size of the store). A larger one is not rewritten at start, where
 * minutes of VACUUM would outlast systemd's start timeout and its watchdog:
 * one warning gives the command to run once with the service stopped. Either
 * way the store keeps working: retention still deletes, the freed pages are
 * reused by new rows, the file just does not shrink.
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

/** Stores up to this size are converted when opened; larger ones by the documented command. */
export const AUTO_CONVERT_MAX_BYTES = 256 * 1024 * 1024;

/** The one-time conversion of a store created before retention existed. */
export function ensureIncrementalVacuum(db: StoreDb, warn?: (line: string) => void, maxBytes = AUTO_CONVERT_MAX_BYTES): void {
  if (autoVacuumMode(db) === AUTO_VACUUM_INCREMENTAL) return;
  const bytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  if (bytes > maxBytes) {
    warn?.(
      `groundwatch: warning: store ${db.name} (${Math.round(bytes / 1048576)} MiB) predates incremental vacuum: retention deletes old rows but the file will not shrink; ` +
        `convert it once with the service stopped (needs free space about its size): sqlite3 ${db.name} 'PRAGMA auto_vacuum = INCREMENTAL; VACUUM;'`,
    );
    return;
  }
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
