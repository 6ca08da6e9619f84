/** `gaps list`: times the monitor was not capturing (interface down, worker restart), newest first. */
import type { CaptureGapRecord } from '../records/ecs.js';
import { addTimeRange, newestFirstPage, Where, type Page, type PageFilters } from './query-builder.js';
import { addRunScope, type RunScope } from './run-scope.js';
import type { StoreDb } from './sqlite-store.js';

export interface GapFilters extends PageFilters, RunScope {
  interface?: string | undefined;
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
  return newestFirstPage<GapRow>(db, 'capture_gaps', 'ts_start', w, filters);
}
