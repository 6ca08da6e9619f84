/**
 * Which runs a list reads. Replaying the same input again is a new run: its
 * flows and DNS rows are stored beside the earlier run's, not over them. By
 * default a list shows, for each input (the same files' SHA-256s, runs.input_key),
 * only its latest run, plus every live-capture run and any run still going;
 * `run` picks one run (id or unique prefix), `allRuns` reads them all.
 * An alert is one finding across runs (its id does not depend on the run):
 * it is in a run's scope when that run raised it (alert_runs).
 */
import { resolveIdPrefix } from './id-prefix.js';
import type { Where } from './query-builder.js';
import { runColumnValues, runColumnValuesSql } from './run-keys.js';
import type { StoreDb } from './sqlite-store.js';

export interface RunScope {
  /** A run id or a unique prefix of one. */
  run?: string;
  /** Every run (default: the latest run of each input). */
  allRuns?: boolean;
}

/** Runs in the default scope: live runs and runs still going (no input key), and each input's latest run. */
export const LATEST_RUNS_SQL = `SELECT r.id FROM runs r WHERE r.input_key IS NULL
  OR r.rowid = (SELECT MAX(r2.rowid) FROM runs r2 WHERE r2.input_key = r.input_key)`;

export function resolveRunId(db: StoreDb, text: string): string {
  return resolveIdPrefix(db, 'runs', 'id', text, 'run');
}

/** Rows of capture_gaps, which name their run by id. Rows with no run id are always in scope. */
export function addRunScope(db: StoreDb, w: Where, column: string, scope: RunScope): void {
  if (scope.run !== undefined) w.add(`${column} = @run_id`, { run_id: resolveRunId(db, scope.run) });
  else if (!scope.allRuns) w.add(`(${column} IS NULL OR ${column} IN (${LATEST_RUNS_SQL}))`, {});
}

/** Flow and DNS rows, which name their run by id or, from schema 11, by its key (run-keys.ts). */
export function addKeyedRunScope(db: StoreDb, w: Where, scope: RunScope): void {
  if (scope.run !== undefined) {
    const [id, key] = runColumnValues(db, resolveRunId(db, scope.run));
    w.add('run_id IN (@run_id, @run_key)', { run_id: id, run_key: key });
  } else if (!scope.allRuns) {
    // `+` keeps the planner off flows_run/dns_run here: the default scope holds most rows (a monitor's
    // runs are all in it), and gathering them by run to sort them cost 180 ms for the newest 100 of a
    // month where walking the time index and checking each row costs 5 ms.
    w.add(`(+run_id IS NULL OR +run_id IN (${runColumnValuesSql(LATEST_RUNS_SQL)}))`, {});
  }
}

/** Alerts (alias `a`): raised by the run asked for, or by a run in the default scope. */
export function addAlertRunScope(db: StoreDb, w: Where, scope: RunScope): void {
  if (scope.run !== undefined) {
    w.add('EXISTS (SELECT 1 FROM alert_runs ar WHERE ar.alert_id = a.id AND ar.run_id = @run_id)', { run_id: resolveRunId(db, scope.run) });
  } else if (!scope.allRuns) {
    w.add(`(a.run_id IS NULL OR EXISTS (SELECT 1 FROM alert_runs ar WHERE ar.alert_id = a.id AND ar.run_id IN (${LATEST_RUNS_SQL})))`, {});
  }
}
