/**
 * Runs a write on a connection without waiting for another connection's write lock: SQLite's
 * busy handler (busy_timeout) sleeps the calling thread until the lock is free, and when that
 * thread is the pipeline's and the lock is the store writer's (engine/store-thread.ts), the
 * capture waits on commits it has nothing to do with. False when the lock was held (nothing was
 * written: a transaction is rolled back); any other error is thrown.
 */
import type { Database } from 'better-sqlite3';
import { isBusyError } from './sqlite-store.js';

export function writeWithoutWaiting(db: Database, write: () => void): boolean {
  const waitMs = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    write();
    return true;
  } catch (err) {
    if (isBusyError(err)) return false;
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${Math.trunc(waitMs)}`);
  }
}
