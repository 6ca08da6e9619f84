/** `dns list`: DNS queries and answers in the store, newest first, a page at a time within a run scope. */
import type { DnsRecord } from '../records/ecs.js';
import { addTimeRange, cachedStatement, pageSql, takePage, Where, type Page, type PageFilters } from './query-builder.js';
import { addRunScope, type RunScope } from './run-scope.js';
import type { StoreDb } from './sqlite-store.js';
import { decodeRecord } from './stored-record.js';

export interface DnsFilters extends PageFilters, RunScope {
  /** The asked name or any subdomain of it. */
  name?: string;
  /** Client (device) or resolver address. */
  ip?: string;
  /** Question type: A, AAAA, HTTPS, ... */
  qtype?: string;
  /** The flow that carried the messages. */
  uid?: string;
}

export interface DnsRow {
  uid: string; run_id: string | null; ts: string; transport: string | null; source_ip: string | null;
  source_port: number | null; destination_ip: string | null; destination_port: number | null; dns_id: number | null;
  dns_type: string | null; dns_question_name: string | null; dns_question_type: string | null;
  dns_response_code: string | null; dns_resolved_ip: string | null; record: DnsRecord;
}

export function listDnsPage(db: StoreDb, filters: DnsFilters = {}): Page<DnsRow> {
  const w = new Where();
  addRunScope(db, w, 'run_id', filters);
  addTimeRange(w, 'ts', filters);
  if (filters.name !== undefined) w.addDomainSuffix('dns_question_name', filters.name);
  if (filters.ip !== undefined) w.add('(source_ip = @ip OR destination_ip = @ip)', { ip: filters.ip });
  if (filters.qtype !== undefined) w.add('dns_question_type = @qtype', { qtype: filters.qtype.toUpperCase() });
  if (filters.uid !== undefined) w.add('uid = @uid', { uid: filters.uid });
  const sql = `SELECT * FROM dns ${w.toSql()} ORDER BY ts DESC, rowid DESC ${pageSql(filters)}`;
  const rows = cachedStatement(db, sql).all(w.params) as Record<string, unknown>[];
  return takePage(rows.map(toDnsRow), filters);
}

function toDnsRow(r: Record<string, unknown>): DnsRow {
  const { rowid: _rowid, ...rest } = r;
  return { ...rest, record: decodeRecord(r['record']) } as DnsRow;
}
