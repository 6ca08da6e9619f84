/** `gaps list`: times the monitor was not capturing (interface down, worker restart), newest first. */
import type { CaptureGapRecord } from '../records/ecs.js';
import { addTimeRange, cachedStatement, pageSql, takePage, Where, type Page, type PageFilters } from './query-builder.js';
import { addRunScope, type RunScope } from './run-scope.js';
import type { StoreDb } from './sqlite-store.js';
import { decodeRecord } from './stored-record.js';

export interface GapFilters extends PageFilters, RunScope {
  interface?: string;
}

export interface GapRow {
  run_id: string | null; ts_start: string; ts_end: string | null; interface: string | null; reason: string | null;
  record: CaptureGapRecord;
}

export function listGapsPage(db: StoreDb, filters: GapFilters = {}): Page<GapRow> {
  const w = new Where();
  addRunScope(db, w, 'run_id', filters);
  addTimeRange(w, 'ts_start', filters);
  if (filters.interface !== undefined) w.add('interface = @interface', { interface: filters.interface });
  const sql = `SELECT * FROM capture_gaps ${w.toSql()} ORDER BY ts_start DESC, rowid DESC ${pageSql(filters)}`;
  const rows = cachedStatement(db, sql).all(w.params) as Record<string, unknown>[];
  return takePage(
    rows.map((r) => {
      const { rowid: _rowid, ...rest } = r;
      return { ...rest, record: decodeRecord(r['record']) } as GapRow;
    }),
    filters,
  );
}
