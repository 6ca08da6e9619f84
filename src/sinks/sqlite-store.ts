/**
 * Opens the SQLite store. WAL journal (readers never block the writer, a
 * killed process leaves a database that opens cleanly with every committed
 * transaction), synchronous=NORMAL (durable across process crashes; a power
 * cut may lose the last transactions but never corrupts), busy_timeout so a
 * CLI reader and the daemon can share the file.
 *
 * Default location: $GROUNDWATCH_DB, else ./groundwatch.db in the working
 * directory (what `groundwatch replay` writes and `flows list` reads).
 */
import Database from 'better-sqlite3';
import { GroundwatchError, isGroundwatchError } from '../errors.js';
import { checkSchema, migrate } from './sqlite-schema.js';

export type StoreDb = Database.Database;

export const DEFAULT_DB_FILE = 'groundwatch.db';
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['GROUNDWATCH_DB'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : `./${DEFAULT_DB_FILE}`;
}

export interface OpenStoreOptions {
  /** Open for reading only: the file must exist and have the current schema. */
  readonly?: boolean;
  /** Refuse to create a missing file (for commands that only update). */
  mustExist?: boolean;
  busyTimeoutMs?: number;
}

export function openStore(path: string, opts: OpenStoreOptions = {}): StoreDb {
  let db: StoreDb | undefined;
  try {
    db = new Database(path, {
      readonly: opts.readonly ?? false,
      fileMustExist: (opts.readonly ?? false) || (opts.mustExist ?? false),
    });
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)}`);
    if (opts.readonly) {
      checkSchema(db);
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (err) {
    db?.close();
    if (isGroundwatchError(err)) throw err;
    throw new GroundwatchError('DB_OPEN_FAILED', `cannot open store ${path}: ${describe(err)}`, { cause: err });
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
