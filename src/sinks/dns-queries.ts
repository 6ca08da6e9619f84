/** `dns list`: DNS queries and answers in the store, newest first, a page at a time within a run scope. */
import type { DnsRecord } from '../records/ecs.js';
import { addTimeRange, newestFirstPage, Where, type Page, type PageFilters } from './query-builder.js';
import { addKeyedRunScope, type RunScope } from './run-scope.js';
import { dnsDetailColumns } from './sqlite-rows.js';
import type { StoreDb } from './sqlite-store.js';

export interface DnsFilters extends PageFilters, RunScope {
  /** The asked name or any subdomain of it. */
  name?: string | undefined;
  /** Client (device) or resolver address. */
  ip?: string | undefined;
  /** Question type: A, AAAA, HTTPS, ... */
  qtype?: string | undefined;
  /** The flow that carried the messages. */
  uid?: string | undefined;
}

export interface DnsRow {
  uid: string; run_id: string | null; ts: string; transport: string | null; source_ip: string | null;
  source_port: number | null; destination_ip: string | null; destination_port: number | null; dns_id: number | null;
  dns_type: string | null; dns_question_name: string | null; dns_question_type: string | null;
  dns_response_code: string | null; dns_resolved_ip: string | null; record: DnsRecord;
}

export function listDnsPage(db: StoreDb, filters: DnsFilters = {}): Page<DnsRow> {
  const w = new Where();
  addKeyedRunScope(db, w, filters);
  addTimeRange(w, 'ts', filters);
  if (filters.name !== undefined) w.addDomainSuffix('dns_question_name', filters.name);
  if (filters.ip !== undefined) w.add('(source_ip = @ip OR destination_ip = @ip)', { ip: filters.ip });
  if (filters.qtype !== undefined) w.add('dns_question_type = @qtype', { qtype: filters.qtype.toUpperCase() });
  if (filters.uid !== undefined) w.add('uid = @uid', { uid: filters.uid });
  return newestFirstPage<DnsRow>(db, 'dns', 'ts', w, filters, dnsDetailColumns);
}
