/**
 * `runs list|show`: the capture runs in the store (replays and monitor
 * sessions) with their inputs, tool version, rule packs and GeoIP databases,
 * and how many rows each left in the store. `latest` says whether the run is
 * in the lists' default scope (run-scope.ts).
 */
import type { CaptureRun } from '../records/ecs.js';
import { cachedStatement, pageSql, takePage, type Page, type PageFilters } from './query-builder.js';
import { runKeyOf } from './run-keys.js';
import { LATEST_RUNS_SQL, resolveRunId } from './run-scope.js';
import type { StoreDb } from './sqlite-store.js';

export interface RunRow extends Omit<CaptureRun, 'sources' | 'rules' | 'geoip'> {
  sources: CaptureRun['sources'];
  rules: string[];
  geoip: NonNullable<CaptureRun['geoip']> | null;
  input_key: string | null;
  /** In the default scope of the lists: the latest run of its input, a live run, or one still going. */
  latest: boolean;
  stored: { flows: number; dns: number; alerts: number; gaps: number };
}

/** Flow and DNS rows name their run by id or, from schema 11, by key (run-keys.ts). */
const RUN_KEY_OF_RUN = runKeyOf('r.id');

const RUN_SELECT = `SELECT r.*, r.id IN (${LATEST_RUNS_SQL}) AS latest,
  (SELECT COUNT(*) FROM flows f WHERE f.run_id IN (r.id, ${RUN_KEY_OF_RUN})) AS stored_flows,
  (SELECT COUNT(*) FROM dns d WHERE d.run_id IN (r.id, ${RUN_KEY_OF_RUN})) AS stored_dns,
  (SELECT COUNT(*) FROM alert_runs ar WHERE ar.run_id = r.id) AS stored_alerts,
  (SELECT COUNT(*) FROM capture_gaps g WHERE g.run_id = r.id) AS stored_gaps
  FROM runs r`;

export function listRunsPage(db: StoreDb, filters: PageFilters = {}): Page<RunRow> {
  const rows = cachedStatement(db, `${RUN_SELECT} ORDER BY r.rowid DESC ${pageSql(filters)}`).all() as Record<string, unknown>[];
  return takePage(rows.map(toRunRow), filters);
}

/** One run by id or unique prefix (NOT_FOUND, AMBIGUOUS_ID otherwise). */
export function getRun(db: StoreDb, idOrPrefix: string): RunRow {
  const id = resolveRunId(db, idOrPrefix);
  return toRunRow(cachedStatement(db, `${RUN_SELECT} WHERE r.id = ?`).get(id) as Record<string, unknown>);
}

function toRunRow(r: Record<string, unknown>): RunRow {
  const json = <T>(key: string, empty: T): T => (typeof r[key] === 'string' ? (JSON.parse(r[key] as string) as T) : empty);
  const row: RunRow = {
    id: r['id'] as string,
    tool_version: r['tool_version'] as string,
    mode: r['mode'] as RunRow['mode'],
    started_at: r['started_at'] as string,
    packets: r['packets'] as number,
    anomalies: r['anomalies'] as number,
    flows: r['flows'] as number,
    alerts: r['alerts'] as number,
    sources: json('sources', []),
    rules: json('rules', []),
    geoip: json('geoip', null),
    input_key: (r['input_key'] as string | null) ?? null,
    latest: r['latest'] === 1,
    stored: {
      flows: r['stored_flows'] as number,
      dns: r['stored_dns'] as number,
      alerts: r['stored_alerts'] as number,
      gaps: r['stored_gaps'] as number,
    },
  };
  if (typeof r['ended_at'] === 'string') row.ended_at = r['ended_at'];
  if (typeof r['interface'] === 'string') row.interface = r['interface'];
  return row;
}
