/**
 * Reads a window of the SQLite store into the ReportBuilder: by run (`--run <id>`), by time
 * (`--since` inclusive, `--until` exclusive, on packet time), or the whole store. Rows are
 * streamed (iterate; flows in pages, since following their block pointers needs the connection),
 * so a month of flows is aggregated without holding its records.
 */
import { GroundwatchError } from '../errors.js';
import type { AlertRecord, CaptureGapRecord, FlowRecord, StatsRecord } from '../records/ecs.js';
import { runColumnValues, runIdOfColumn } from '../sinks/run-keys.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { alertRecordOfRow, decodeRecord } from '../sinks/stored-record.js';
import { readStoredRecord, readStoredRecords } from '../sinks/stored-record-reader.js';
import { parseTimeFilter } from '../sinks/timestamps.js';
import type { Ack } from './alert-card.js';
import { ReportBuilder } from './builder.js';
import { findIntegrity } from './integrity.js';
import type { ReportInput, ReportModel } from './schema.js';

export interface StoreReportOptions {
  dbPath: string;
  runId?: string;
  since?: string;
  until?: string;
  devices?: string[];
  unitName?: string | null;
  generatedAt?: Date;
}

interface RunRow {
  id: string; tool_version: string; mode: string; started_at: string; ended_at: string | null;
  interface: string | null; sources: string; rules: string | null;
}

export function reportFromStore(db: StoreDb, opts: StoreReportOptions): ReportModel {
  if (opts.runId !== undefined && (opts.since !== undefined || opts.until !== undefined)) {
    throw new GroundwatchError('USAGE', 'give either --run or --since/--until, not both');
  }
  const since = opts.since === undefined ? undefined : parseTimeFilter('since', opts.since);
  const until = opts.until === undefined ? undefined : parseTimeFilter('until', opts.until);
  if (opts.runId !== undefined && !db.prepare('SELECT 1 FROM runs WHERE id = ?').get(opts.runId)) {
    throw new GroundwatchError('NOT_FOUND', `no run with id ${JSON.stringify(opts.runId)} in ${opts.dbPath}`);
  }
  const builder = new ReportBuilder(opts.devices ?? []);
  // Flow rows name their run by id or, from schema 11, by key (sinks/run-keys.ts).
  const where = (timeColumn: string, alias = '', keyed = false) => {
    const parts: string[] = [];
    if (opts.runId !== undefined) parts.push(keyed ? `${alias}run_id IN (@run, @runKey)` : `${alias}run_id = @run`);
    if (since !== undefined) parts.push(`${alias}${timeColumn} >= @since`);
    if (until !== undefined) parts.push(`${alias}${timeColumn} < @until`);
    return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  };
  const params = { ...(opts.runId !== undefined ? { run: opts.runId } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) };
  const flowParams = opts.runId !== undefined ? { ...params, runKey: runColumnValues(db, opts.runId)[1] } : params;
  const records = (sql: string) => db.prepare(sql).pluck().iterate(params) as IterableIterator<unknown>;

  const runIds = new Set<string>();
  if (opts.runId !== undefined) runIds.add(opts.runId);
  // The run id is a column (the sink writes it), not always a field of the stored record.
  const rows = (sql: string) => db.prepare(sql).iterate(params) as IterableIterator<{ run_id: string | null; record: unknown; repeats?: number; folded?: string | null }>;
  for (const page of flowPages(db, where('ts_start', '', true), flowParams)) {
    const records = readStoredRecords<FlowRecord>(db, page.map((row) => row.record));
    page.forEach((row, i) => {
      if (builder.addFlow(records[i]!) && row.run_id) runIds.add(runIdOfColumn(db, row.run_id)!);
    });
  }
  const acks = acksByAlert(db, where('ts', 'a.'), params);
  for (const row of rows(`SELECT run_id, record, repeats, folded FROM alerts ${where('ts')} ORDER BY ts, id`)) {
    const rec = alertRecordOfRow<AlertRecord>(row);
    if (builder.addAlert(rec, acks.get(rec.event.id) ?? []) && row.run_id) runIds.add(row.run_id);
  }
  for (const stored of records(`SELECT record FROM capture_gaps ${where('ts_start')} ORDER BY ts_start`)) builder.addGap(decodeRecord<CaptureGapRecord>(stored));
  for (const stored of records(`SELECT record FROM stats ${where('ts')} ORDER BY ts`)) builder.addStats(decodeRecord<StatsRecord>(stored));

  const runs = runsByIds(db, [...runIds]);
  return builder.finish({
    source: 'store',
    dbPath: opts.dbPath,
    runId: opts.runId ?? null,
    since: since ?? null,
    until: until ?? null,
    devices: opts.devices ?? [],
    unitName: opts.unitName ?? null,
    inputs: runs.map(toInput),
    rulePacks: [...new Set(runs.flatMap((r) => (r.rules ? (JSON.parse(r.rules) as string[]) : [])))].sort(),
    integrity: findIntegrity(db, opts.dbPath),
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
  });
}

function acksByAlert(db: StoreDb, alertWhere: string, params: Record<string, string>): Map<string, Ack[]> {
  const rows = db
    .prepare(`SELECT k.alert_id, k.acked_by, k.acked_at, k.note FROM alert_acks k JOIN alerts a ON a.id = k.alert_id ${alertWhere} ORDER BY k.rowid`)
    .all(params) as { alert_id: string; acked_by: string; acked_at: string; note: string }[];
  const out = new Map<string, Ack[]>();
  for (const r of rows) out.set(r.alert_id, [...(out.get(r.alert_id) ?? []), { by: r.acked_by, at: r.acked_at, note: r.note }]);
  return out;
}

function runsByIds(db: StoreDb, ids: string[]): RunRow[] {
  const stmt = db.prepare('SELECT id, tool_version, mode, started_at, ended_at, interface, sources, rules FROM runs WHERE id = ?');
  return ids
    .map((id) => stmt.get(id) as RunRow | undefined)
    .filter((r): r is RunRow => r !== undefined)
    .sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : 0));
}

function toInput(r: RunRow): ReportInput {
  return {
    run_id: r.id,
    mode: r.mode,
    tool_version: r.tool_version,
    started_at: r.started_at,
    ended_at: r.ended_at,
    interface: r.interface,
    files: JSON.parse(r.sources) as ReportInput['files'],
  };
}

/** Flows read per statement: their records are resolved between pages (record blocks need the connection, which a cursor holds). */
const FLOW_PAGE_ROWS = 2000;

/** The flows `where` selects, in (ts_start, rowid) order, one page in memory at a time. */
function* flowPages(db: StoreDb, where: string, params: Record<string, string>): Generator<{ run_id: string | null; record: unknown }[]> {
  const keyset = '(ts_start, rowid) > (@afterTs, @afterRowid)';
  const stmt = db.prepare(`SELECT rowid, ts_start, run_id, record FROM flows ${where ? `${where} AND ${keyset}` : `WHERE ${keyset}`} ORDER BY ts_start, rowid LIMIT ${FLOW_PAGE_ROWS}`);
  let after = { afterTs: '', afterRowid: -1 };
  for (;;) {
    const page = stmt.all({ ...params, ...after }) as { rowid: number; ts_start: string; run_id: string | null; record: unknown }[];
    yield page;
    const last = page.at(-1);
    if (!last || page.length < FLOW_PAGE_ROWS) return;
    after = { afterTs: last.ts_start, afterRowid: last.rowid };
  }
}
