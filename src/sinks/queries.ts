/**
 * Read side of the store: list flows and alerts with filters, show one alert
 * with its acknowledgements, acknowledge an alert. Lists are newest first,
 * a page at a time (limit / offset), within a run scope (run-scope.ts: by
 * default the latest run of each input). Time filters: since is inclusive,
 * until is exclusive; both accept a date (UTC midnight) or a full ISO 8601
 * timestamp.
 */
import os from 'node:os';
import { GroundwatchError } from '../errors.js';
import { logRow } from '../integrity/log-store.js';
import { SEVERITY_NUMBER, type AlertRecord, type FlowRecord } from '../records/ecs.js';
import { ecsMac, legacyStoredMac } from '../records/mac.js';
import type { Severity } from '../types.js';
import { InvalidFilterError } from './filter-error.js';
import { resolveIdPrefix } from './id-prefix.js';
import { addTimeRange, cachedStatement, newestFirstPage, pageSql, takePage, Where, withParsedRecord, type Page, type PageFilters } from './query-builder.js';
import { addAlertRunScope, addKeyedRunScope, type RunScope } from './run-scope.js';
import { flowDetailColumns } from './sqlite-rows.js';
import type { StoreDb } from './sqlite-store.js';
import { alertRecordOfRow } from './stored-record.js';

export { DEFAULT_LIST_LIMIT } from './query-builder.js';

type TimeFilters = PageFilters & RunScope;

export interface FlowFilters extends TimeFilters {
  /** Either side of the flow. */
  ip?: string | undefined;
  src?: string | undefined;
  dst?: string | undefined;
  /** The name or any subdomain of it. */
  domain?: string | undefined;
  /** Destination (server) port. */
  port?: number | undefined;
  transport?: string | undefined;
  /** Destination country, ISO 3166 alpha-2. */
  country?: string | undefined;
  /** Destination AS number. */
  asn?: number | undefined;
}

export interface AlertFilters extends TimeFilters {
  /** Minimum severity. */
  severity?: Severity | undefined;
  rule?: string | undefined;
  /** Source IP or source MAC of the device that talked. */
  device?: string | undefined;
  country?: string | undefined;
  asn?: number | undefined;
  domain?: string | undefined;
  category?: string | undefined;
  /** Only alerts nobody has acknowledged yet. */
  unacked?: boolean | undefined;
}

export interface FlowRow {
  uid: string; run_id: string | null; ts_start: string; ts_end: string | null; transport: string | null;
  community_id: string | null; source_ip: string | null; source_port: number | null; source_mac: string | null;
  destination_ip: string | null; destination_port: number | null; destination_domain: string | null;
  name_source: string | null; country: string | null; asn: number | null; as_org: string | null;
  operator_country: string | null; source_bytes: number | null; source_packets: number | null;
  destination_bytes: number | null; destination_packets: number | null; end_reason: string | null;
  registrant_country: string | null; geo_disagreement: string | null; start_seen: number | null; orientation: string | null;
  record: FlowRecord;
}

export interface AlertRow {
  id: string; run_id: string | null; ts: string; severity: Severity; severity_num: number; rule_id: string;
  rule_version: string | null; ruleset: string | null; category: string | null; flow_uid: string | null;
  source_ip: string | null; source_mac: string | null; destination_ip: string | null; destination_port: number | null;
  transport: string | null; destination_domain: string | null; name_source: string | null; country: string | null;
  asn: number | null; operator_country: string | null; repeats: number; last_seen: string | null;
  acked: boolean; record: AlertRecord;
  /** Every acknowledgement, oldest first. */
  acks: AlertAck[];
}

export interface AlertAck {
  alert_id: string;
  acked_by: string;
  acked_at: string;
  note: string;
}

export function listFlows(db: StoreDb, filters: FlowFilters = {}): FlowRow[] {
  return listFlowsPage(db, filters).rows;
}

export function listFlowsPage(db: StoreDb, filters: FlowFilters = {}): Page<FlowRow> {
  const w = new Where();
  addKeyedRunScope(db, w, filters);
  addTimeRange(w, 'ts_start', filters);
  if (filters.ip !== undefined) w.add('(source_ip = @ip OR destination_ip = @ip)', { ip: filters.ip });
  if (filters.src !== undefined) w.add('source_ip = @src', { src: filters.src });
  if (filters.dst !== undefined) w.add('destination_ip = @dst', { dst: filters.dst });
  if (filters.domain !== undefined) w.addDomainSuffix('destination_domain', filters.domain);
  if (filters.port !== undefined) w.add('destination_port = @port', { port: filters.port });
  if (filters.transport !== undefined) w.add('transport = @transport', { transport: filters.transport.toLowerCase() });
  if (filters.country !== undefined) w.add('country = @country', { country: filters.country.toUpperCase() });
  if (filters.asn !== undefined) w.add('asn = @asn', { asn: filters.asn });
  return newestFirstPage<FlowRow>(db, 'flows', 'ts_start', w, filters, flowDetailColumns);
}

export function toFlowRow(db: StoreDb, r: Record<string, unknown>): FlowRow {
  return withParsedRecord<FlowRow>(db, r, flowDetailColumns);
}

export function listAlerts(db: StoreDb, filters: AlertFilters = {}): AlertRow[] {
  return listAlertsPage(db, filters).rows;
}

export function listAlertsPage(db: StoreDb, filters: AlertFilters = {}): Page<AlertRow> {
  const w = alertWhere(db, filters);
  const sql = `SELECT a.*, EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id) AS acked
    FROM alerts a ${w.toSql()} ORDER BY ts DESC, id ${pageSql(filters)}`;
  const rows = cachedStatement(db, sql).all(w.params) as Record<string, unknown>[];
  const page = takePage(rows, filters);
  const acks = acksFor(db, page.rows.map((r) => r['id'] as string));
  return { ...page, rows: page.rows.map((r) => toAlertRow(r, acks.get(r['id'] as string) ?? [])) };
}

/** One alert by id or unique id prefix (AMBIGUOUS_ID when several share it); undefined when none. */
export function getAlert(db: StoreDb, idOrPrefix: string): AlertRow | undefined {
  let id: string;
  try {
    id = resolveAlertId(db, idOrPrefix);
  } catch (err) {
    if ((err as { code?: string }).code === 'NOT_FOUND') return undefined;
    throw err;
  }
  const row = cachedStatement(
    db,
    `SELECT a.*, EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id) AS acked FROM alerts a WHERE id = ?`,
  ).get(id) as Record<string, unknown>;
  return toAlertRow(row, acksFor(db, [id]).get(id) ?? []);
}

/** Alerts raised on one flow (any run), newest first. */
export function alertsOfFlow(db: StoreDb, flowUid: string): AlertRow[] {
  const rows = cachedStatement(
    db,
    `SELECT a.*, EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id) AS acked FROM alerts a WHERE flow_uid = ? ORDER BY ts DESC, id`,
  ).all(flowUid) as Record<string, unknown>[];
  const acks = acksFor(db, rows.map((r) => r['id'] as string));
  return rows.map((r) => toAlertRow(r, acks.get(r['id'] as string) ?? []));
}

export function resolveAlertId(db: StoreDb, idOrPrefix: string): string {
  return resolveIdPrefix(db, 'alerts', 'id', idOrPrefix, 'alert');
}

/** Records who acknowledged an alert and why; the alert row itself never changes. */
export function ackAlert(db: StoreDb, idOrPrefix: string, opts: { by?: string | undefined; note: string; at?: Date }): AlertAck {
  const id = resolveAlertId(db, idOrPrefix);
  const ack: AlertAck = {
    alert_id: id,
    acked_by: opts.by ?? currentUser(),
    acked_at: (opts.at ?? new Date()).toISOString(),
    note: opts.note,
  };
  // The acknowledgement and its integrity log entry commit together (docs/integrity.md).
  db.transaction(() => {
    const info = cachedStatement(
      db,
      'INSERT INTO alert_acks (alert_id, acked_by, acked_at, note) VALUES (@alert_id, @acked_by, @acked_at, @note)',
    ).run(ack);
    logRow(db, 'alert_ack', String(info.lastInsertRowid));
  }).immediate();
  return ack;
}

function acksFor(db: StoreDb, ids: string[]): Map<string, AlertAck[]> {
  const out = new Map<string, AlertAck[]>();
  if (ids.length === 0) return out;
  const rows = cachedStatement(
    db,
    'SELECT alert_id, acked_by, acked_at, note FROM alert_acks WHERE alert_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
  ).all(JSON.stringify(ids)) as AlertAck[];
  for (const r of rows) {
    const list = out.get(r.alert_id) ?? [];
    list.push(r);
    out.set(r.alert_id, list);
  }
  return out;
}

function alertWhere(db: StoreDb, filters: AlertFilters): Where {
  const w = new Where();
  addAlertRunScope(db, w, filters);
  addTimeRange(w, 'ts', filters);
  if (filters.severity !== undefined) {
    const min = SEVERITY_NUMBER[filters.severity];
    if (min === undefined) throw new InvalidFilterError('severity', `unknown severity ${JSON.stringify(filters.severity)}`);
    w.add('severity_num >= @severity_num', { severity_num: min });
  }
  if (filters.rule !== undefined) w.add('rule_id = @rule', { rule: filters.rule });
  if (filters.device !== undefined) {
    // A MAC in either form (02:00:.. or 02-00-..) matches rows in ECS form and the colon form older stores hold.
    const mac = ecsMac(filters.device);
    if (mac === undefined) w.add('source_ip = @device', { device: filters.device });
    else w.add('(source_ip = @device OR source_mac IN (@device_mac, @device_mac_legacy))', { device: filters.device, device_mac: mac, device_mac_legacy: legacyStoredMac(mac)! });
  }
  if (filters.country !== undefined) w.add('country = @country', { country: filters.country.toUpperCase() });
  if (filters.asn !== undefined) w.add('asn = @asn', { asn: filters.asn });
  if (filters.domain !== undefined) w.addDomainSuffix('destination_domain', filters.domain);
  if (filters.category !== undefined) w.add('category = @category', { category: filters.category });
  if (filters.unacked) w.add('NOT EXISTS (SELECT 1 FROM alert_acks u WHERE u.alert_id = a.id)', {});
  return w;
}

function toAlertRow(r: Record<string, unknown>, acks: AlertAck[]): AlertRow {
  const { folded: _folded, ...rest } = r;
  return { ...rest, acked: r['acked'] === 1, record: alertRecordOfRow(r), acks } as AlertRow;
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (containers): fall back to the environment.
    return process.env['USER'] ?? process.env['LOGNAME'] ?? 'unknown';
  }
}
