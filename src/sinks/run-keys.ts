/**
 * Flow and DNS rows, most of the store, name their run by a short key instead of its 36-character
 * id (issue 18, schema 11): in the row and again in the run_id index that cost 72 bytes a row.
 * `run_keys` maps the two. A key is stored as decimal text (the column's TEXT affinity would make
 * it text anyway), which no run id (a UUID, with its hyphens) can be: a reader tells a key from an
 * id written before schema 11 by its form, and a run's rows are matched under both.
 */
import { cachedStatement } from '../util/statement-cache.js';
import type { StoreDb } from './sqlite-store.js';

/** SQL for the key (as the column holds it: text) of the run whose id `idSql` gives; NULL when it has none. */
export function runKeyOf(idSql: string): string {
  return `(SELECT CAST(k.key AS TEXT) FROM run_keys k WHERE k.run_id = ${idSql})`;
}

/** The flow and DNS insert's run_id value: the run's key, or its id for a run that has none (written by no sink's startRun). */
export const RUN_KEY_OF_PARAMETER = `COALESCE(${runKeyOf('?')}, ?)`;

export const ADD_RUN_KEY_SQL = 'INSERT OR IGNORE INTO run_keys (run_id) VALUES (?)';

/** The values a flow or DNS row's run_id holds for the runs `runIdsSql` selects: their ids (older rows) and keys. */
export function runColumnValuesSql(runIdsSql: string): string {
  return `SELECT id FROM (${runIdsSql}) UNION ALL SELECT CAST(k.key AS TEXT) FROM run_keys k WHERE k.run_id IN (${runIdsSql})`;
}

/** The two values a run's flow and DNS rows may hold: its id, and its key (the id again when it has none). */
export function runColumnValues(db: StoreDb, runId: string): [string, string] {
  const key = cachedStatement(db, `SELECT ${runKeyOf('?')}`).pluck().get(runId) as string | null;
  return [runId, key ?? runId];
}

const KEY_FORM = /^[0-9]+$/;
/** Key to id, per connection: a key never changes its run (keys only grow, runs are never deleted). */
const idsOfKeys = new WeakMap<StoreDb, Map<string, string>>();

/** The run id a flow or DNS row's run_id column names (a key from schema 11 on, the id before). */
export function runIdOfColumn(db: StoreDb, value: unknown): string | null {
  if (typeof value !== 'string') return value === null || value === undefined ? null : String(value);
  if (!KEY_FORM.test(value)) return value;
  let ids = idsOfKeys.get(db);
  if (!ids) idsOfKeys.set(db, (ids = new Map()));
  const known = ids.get(value);
  if (known !== undefined) return known;
  const id = cachedStatement(db, 'SELECT run_id FROM run_keys WHERE key = ?').pluck().get(Number(value)) as string | undefined;
  if (id === undefined) return value;
  ids.set(value, id);
  return id;
}
