/**
 * Which store a review command (flows, alerts, status) reads when no --db is
 * given, so an analyst on the monitoring box types `groundwatch alerts list`
 * and gets the daemon's store. In order:
 *   1. --db <path>                    (explicit: used as given, never second-guessed)
 *   2. $GROUNDWATCH_DB                (explicit, likewise)
 *   3. ./groundwatch.db               (what `replay` writes by default, when it exists here)
 *   4. the config file's `db`         ($GROUNDWATCH_CONFIG, else /etc/groundwatch/groundwatch.yaml, the unit's)
 *   5. the state directory's store    ($STATE_DIRECTORY under systemd, else /var/lib/groundwatch/groundwatch.db)
 * The working directory's file comes before the config file: someone who
 * replayed a capture here and lists its flows means that store, and the
 * config file is only the daemon's. A store that exists nowhere is one
 * DB_NOT_FOUND line naming every place tried and why each was passed over.
 */
import { accessSync, constants } from 'node:fs';
import { loadConfigFile } from '../config/config-file.js';
import { defaultMonitorDbPath } from '../daemon/defaults.js';
import { GroundwatchError } from '../errors.js';
import { DEFAULT_DB_FILE } from '../sinks/sqlite-store.js';

export const DEFAULT_CONFIG_FILE = '/etc/groundwatch/groundwatch.yaml';

export interface FoundStore {
  path: string;
  /** How it was found, for `status` and error lines: "--db", "$GROUNDWATCH_DB", "config file /etc/...", ... */
  from: string;
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['GROUNDWATCH_CONFIG'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CONFIG_FILE;
}

export function findStore(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): FoundStore {
  if (flag !== undefined) return { path: flag, from: '--db' };
  const fromEnv = env['GROUNDWATCH_DB'];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, from: '$GROUNDWATCH_DB' };
  const tried: string[] = [];
  const candidates: Array<() => FoundStore | undefined> = [
    () => existing(`./${DEFAULT_DB_FILE}`, 'working directory', tried),
    () => fromConfigFile(configFilePath(env), tried),
    () => existing(defaultMonitorDbPath({ ...env, GROUNDWATCH_DB: '' }), 'state directory', tried),
  ];
  for (const candidate of candidates) {
    const found = candidate();
    if (found) return found;
  }
  throw new GroundwatchError('DB_NOT_FOUND', `no store found: tried --db (not given), $GROUNDWATCH_DB (not set), ${tried.join(', ')}; give --db <path> or set GROUNDWATCH_DB`);
}

function existing(path: string, from: string, tried: string[]): FoundStore | undefined {
  const problem = accessProblem(path);
  if (problem === undefined) return { path, from };
  tried.push(`${path} (${problem})`);
  return undefined;
}

function fromConfigFile(configPath: string, tried: string[]): FoundStore | undefined {
  const problem = accessProblem(configPath);
  if (problem !== undefined) {
    tried.push(`config file ${configPath} (${problem})`);
    return undefined;
  }
  let db: string | false | undefined;
  try {
    db = loadConfigFile(configPath).db;
  } catch (err) {
    tried.push(`config file ${configPath} (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
  if (db === undefined || db === false) {
    tried.push(`config file ${configPath} (${db === false ? 'db: false' : 'no db key'})`);
    return undefined;
  }
  return existing(db, `config file ${configPath}`, tried);
}

/** undefined when the path exists for this user; else why not, in words an admin acts on. */
function accessProblem(path: string): string | undefined {
  try {
    accessSync(path, constants.F_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    if (code === 'EACCES') return 'permission denied: is this user in the service group?';
    return code ?? String(err);
  }
}

/** The --db help text of every review command. */
export const STORE_FLAG_HELP = `SQLite store (default: $GROUNDWATCH_DB, else ./${DEFAULT_DB_FILE}, else the config file's db, else the state directory's)`;
