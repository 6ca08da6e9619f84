/**
 * Opens the SQLite store. WAL journal (readers never block the writer, a
 * killed process leaves a database that opens cleanly with every committed
 * transaction), synchronous=NORMAL (durable across process crashes; a power
 * cut may lose the last transactions but never corrupts), busy_timeout so a
 * CLI reader and the daemon can share the file.
 *
 * Default location: $GROUNDWATCH_DB, else ./groundwatch.db in the working
 * directory (what `groundwatch replay` writes; review commands search more
 * places, see cli/store-discovery.ts).
 *
 * Readers never write: a review command opens the file read-only, which an
 * analyst in the service's group can do with the unit's umask (0027: files
 * 0640, directory not writable for the group) while the daemon runs, because
 * SQLite reads a WAL store's -shm and -wal read-only when they exist. When the
 * writer closes, the store is switched back to a rollback journal
 * (closeStore), so a stopped daemon leaves one file that reads without them;
 * a WAL store whose -shm is gone cannot be read by a user who may not create
 * it, and that case is one DB_OPEN_FAILED line saying so.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import Database from 'better-sqlite3';
import { GroundwatchError, isGroundwatchError } from '../errors.js';
import { checkSchema, migrate } from './sqlite-schema.js';
import { ensureIncrementalVacuum, setIncrementalVacuumIfEmpty } from './store-vacuum.js';
import { packagedSqliteBinding } from './sqlite-binding.js';

export type StoreDb = Database.Database;

export { DEFAULT_DB_FILE, defaultDbPath } from './db-path.js';
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OpenStoreOptions {
  /** Open for reading only: the file must exist and have the current schema. */
  readonly?: boolean;
  /** Refuse to create a missing file (for commands that only update). */
  mustExist?: boolean;
  busyTimeoutMs?: number;
  /** A warning that does not stop the open (the one-time vacuum conversion failed). */
  warn?: (line: string) => void;
}

export function openStore(path: string, opts: OpenStoreOptions = {}): StoreDb {
  let db: StoreDb | undefined;
  try {
    const nativeBinding = packagedSqliteBinding();
    db = new Database(path, {
      readonly: opts.readonly ?? false,
      fileMustExist: (opts.readonly ?? false) || (opts.mustExist ?? false),
      ...(nativeBinding ? { nativeBinding } : {}),
    });
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)}`);
    if (opts.readonly) {
      checkSchema(db);
    } else {
      setIncrementalVacuumIfEmpty(db);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      ensureIncrementalVacuum(db, opts.warn);
    }
    return db;
  } catch (err) {
    db?.close();
    if (isGroundwatchError(err)) throw err;
    throw openError(path, opts, err);
  }
}

/**
 * Closes a writer's connection and leaves a store that reads without helper
 * files: back to a rollback journal (which checkpoints the WAL and removes
 * -wal and -shm). Best effort and without waiting: while another connection
 * (an analyst's `alerts list`) has the file open this cannot be done, and
 * then that reader still has the -shm it needs.
 */
export function closeStore(db: StoreDb): void {
  if (!db.open) return;
  try {
    if (!db.readonly) {
      db.pragma('busy_timeout = 0');
      db.pragma('journal_mode = DELETE');
    }
  } catch {
    // Busy (a reader is open) or read-only: the store stays in WAL mode, which is as readable.
  } finally {
    db.close();
  }
}

const READ_ONLY_CODES = new Set(['SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_RECOVERY', 'SQLITE_PERM']);

/** True for SQLite's "this user may not write here" errors (file, directory, -shm). */
export function isReadOnlyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && READ_ONLY_CODES.has(code);
}

/** True when another connection holds the lock this statement needed (SQLITE_BUSY and its extended codes). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function openError(path: string, opts: OpenStoreOptions, err: unknown): GroundwatchError {
  const code = (err as { code?: unknown } | null)?.code;
  if (!opts.readonly && isReadOnlyError(err)) {
    return new GroundwatchError('DB_READ_ONLY', `store ${path} is read-only for ${userName()} (${describe(err)}); this command writes to it: run it as the service user (e.g. sudo -u groundwatch groundwatch ...)`, { cause: err });
  }
  const reach = reachable(path);
  if (reach !== undefined) return new GroundwatchError('DB_OPEN_FAILED', `cannot open store ${path}: ${reach}`, { cause: err });
  const walWithoutShm = existsSync(path) && !existsSync(`${path}-shm`);
  if (opts.readonly && walWithoutShm && (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT' || code === 'SQLITE_READONLY')) {
    return new GroundwatchError(
      'DB_OPEN_FAILED',
      `cannot read store ${path}: ${describe(err)} (a WAL store whose -shm file is missing needs a writable directory; ` +
        'it reads again once the daemon runs, or after the service user opens and closes it once)',
      { cause: err },
    );
  }
  return new GroundwatchError('DB_OPEN_FAILED', `cannot open store ${path}: ${describe(err)}`, { cause: err });
}

/** Why the file cannot even be reached (missing, or a directory on the way closed to this user), if so. */
function reachable(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
    if (code === 'EACCES') return `permission denied for ${userName()} (readers need to be in the service's group)`;
    return undefined;
  }
}

function userName(): string {
  try {
    return `user ${userInfo().username}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
