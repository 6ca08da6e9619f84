/**
 * The store's write statements, prepared once per connection. Alerts and
 * runs are upserts keyed by id, so replaying the same write (a retried batch,
 * a re-run replay with deterministic ids) never duplicates them. Flow and DNS
 * rows, most of the store's inserts, bind by position (positionalRow): binding
 * an object looks each of their 15-27 names up on every row.
 */
import type { Statement } from 'better-sqlite3';
import { ADD_RUN_KEY_SQL, RUN_KEY_OF_PARAMETER } from './run-keys.js';
import type { StoreDb } from './sqlite-store.js';

/**
 * `record` stays last for flows and DNS: the sink puts the block pointer in the last parameter (sqlite-sink.ts blockRow).
 * Only the columns queries use (sqlite-rows.ts flowRow, dnsRow); from schema 11 the rest are left NULL,
 * and run_id holds the run's key (run-keys.ts: its parameter is given twice, positionalRow does it).
 */
export const FLOW_COLUMNS = [
  'uid', 'run_id', 'ts_start', 'transport', 'source_ip', 'destination_ip', 'destination_port', 'destination_domain',
  'country', 'asn', 'record',
];
export const DNS_COLUMNS = ['uid', 'run_id', 'ts', 'source_ip', 'destination_ip', 'dns_question_name', 'dns_question_type', 'record'];
const ALERT_COLUMNS = [
  'registrant_country', 'geo_disagreement',
  'id', 'run_id', 'ts', 'severity', 'severity_num', 'rule_id', 'rule_version', 'ruleset', 'category', 'flow_uid',
  'source_ip', 'source_mac', 'destination_ip', 'destination_port', 'transport', 'destination_domain', 'name_source',
  'country', 'asn', 'operator_country', 'repeats', 'last_seen', 'start_seen', 'orientation', 'folded', 'record',
];
const RUN_COLUMNS = [
  'id', 'tool_version', 'mode', 'started_at', 'ended_at', 'interface', 'sources', 'packets', 'anomalies', 'flows',
  'alerts', 'rules', 'geoip', 'rule_files', 'config_sha256', 'input_key',
];
const STATS_COLUMNS = ['run_id', 'ts', 'record'];
const GAP_COLUMNS = ['run_id', 'ts_start', 'ts_end', 'interface', 'reason', 'record'];

export interface WriteStatements {
  flow: Statement;
  dns: Statement;
  alert: Statement;
  run: Statement;
  stats: Statement;
  gap: Statement;
  alertRepeats: Statement;
  alertRun: Statement;
  runKey: Statement;
}

export function prepareWriteStatements(db: StoreDb): WriteStatements {
  return {
    flow: db.prepare(positionalInsertSql('flows', FLOW_COLUMNS)),
    dns: db.prepare(positionalInsertSql('dns', DNS_COLUMNS)),
    alert: db.prepare(upsertSql('alerts', ALERT_COLUMNS)),
    run: db.prepare(upsertSql('runs', RUN_COLUMNS)),
    stats: db.prepare(insertSql('stats', STATS_COLUMNS)),
    gap: db.prepare(insertSql('capture_gaps', GAP_COLUMNS)),
    alertRepeats: db.prepare(
      // The folded connections replace the record's list (the sink always has the whole bounded list); NULL keeps it.
      // The stored record stays as written (compressed, it cannot be edited in SQL): readers put these two
      // columns into it (stored-record.ts alertRecordOfRow).
      `UPDATE alerts SET repeats = @repeats, last_seen = @last_seen, folded = COALESCE(@folded, folded) WHERE id = @id`,
    ),
    alertRun: db.prepare('INSERT OR IGNORE INTO alert_runs (alert_id, run_id) VALUES (@alert_id, @run_id)'),
    runKey: db.prepare(ADD_RUN_KEY_SQL),
  };
}

function insertSql(table: string, columns: string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
}

/** A row's values in the order of `columns`, for a statement from positionalInsertSql. */
export function positionalRow<T>(columns: readonly string[], row: Record<string, T>): T[] {
  const values: T[] = [];
  for (const c of columns) {
    values.push(row[c] as T);
    if (c === 'run_id') values.push(row[c] as T);
  }
  return values;
}

function positionalInsertSql(table: string, columns: string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => (c === 'run_id' ? RUN_KEY_OF_PARAMETER : '?')).join(', ')})`;
}

function upsertSql(table: string, columns: string[]): string {
  const updates = columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`);
  return `${insertSql(table, columns)} ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`;
}
