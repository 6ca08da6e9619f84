/**
 * Read side of the store: list flows and alerts with filters, show one alert
 * with its acknowledgements, acknowledge an alert. Lists are newest first.
 * Time filters: since is inclusive, until is exclusive; both accept a date
 * (UTC midnight) or a full ISO 8601 timestamp.
 */
import os from 'node:os';
import { GroundwatchError } from '../errors.js';
import { logRow } from '../integrity/log-store.js';
import { SEVERITY_NUMBER, type AlertRecord, type FlowRecord } from '../records/ecs.js';
import { ecsMac, legacyStoredMac } from '../records/mac.js';
import type { Severity } from '../types.js';
import { InvalidFilterError } from './filter-error.js';
import { cachedStatement, Where } from './query-builder.js';
import type { StoreDb } from './sqlite-store.js';
import { parseTimeFilter } from './timestamps.js';

export const DEFAULT_LIST_LIMIT = 1000;

interface TimeFilters {
  since?: string;
  until?: string;
  /** Rows returned at most (default 1000; 0 = no limit). */
  limit?: number;
}

export interface FlowFilters extends TimeFilters {
  /** Either side of the flow. */
  ip?: string;
  src?: string;
  dst?: string;
  /** The name or any subdomain of it. */
  domain?: string;
  /** Destination (server) port. */
  port?: number;
  transport?: string;
  /** Destination country, ISO 3166 alpha-2. */
  country?: string;
}

export interface AlertFilters extends TimeFilters {
  /** Minimum severity. */
  severity?: Severity;
  rule?: string;
  /** Source IP or source MAC of the device that talked. */
  device?: string;
  country?: string;
  asn?: number;
  domain?: string;
  category?: string;
}

export interface FlowRow {
  uid: string; run_id: string | null; ts_start: string; ts_end: string | null; transport: string | null;
  community_id: string | null; source_ip: string | null; source_port: number | null; source_mac: string | null;
  destination_ip: string | null; destination_port: number | null; destination_domain: string | null;
  name_source: string | null; country: string | null; asn: number | null; as_org: string | null;
  operator_country: string | null; source_bytes: number | null; source_packets: number | null;
  destination_bytes: number | null; destination_packets: number | null; end_reason: string | null;
  record: FlowRecord;
}

export interface AlertRow {
  id: string; run_id: string | null; ts: string; severity: Severity; severity_num: number; rule_id: string;
  rule_version: string | null; ruleset: string | null; category: string | null; flow_uid: string | null;
  source_ip: string | null; source_mac: string | null; destination_ip: string | null; destination_port: number | null;
  transport: string | null; destination_domain: string | null; name_source: string | null; country: string | null;
  asn: number | null; operator_country: string | null; repeats: number; last_seen: string | null;
  acked: boolean; record: AlertRecord;
}

export interface AlertAck {
  alert_id: string;
  acked_by: string;
  acked_at: string;
  note: string;
}

export function listFlows(db: StoreDb, filters: FlowFilters = {}): FlowRow[] {
  const w = new Where();
  addTimeRange(w, 'ts_start', filters);
  if (filters.ip !== undefined) w.add('(source_ip = @ip OR destination_ip = @ip)', { ip: filters.ip });
  if (filters.src !== undefined) w.add('source_ip = @src', { src: filters.src });
  if (filters.dst !== undefined) w.add('destination_ip = @dst', { dst: filters.dst });
  if (filters.domain !== undefined) w.addDomainSuffix('destination_domain', filters.domain);
  if (filters.port !== undefined) w.add('destination_port = @port', { port: filters.port });
  if (filters.transport !== undefined) w.add('transport = @transport', { transport: filters.transport.toLowerCase() });
  if (filters.country !== undefined) w.add('country = @country', { country: filters.country.toUpperCase() });
  const sql = `SELECT * FROM flows ${w.toSql()} ORDER BY ts_start DESC, rowid DESC ${limitSql(filters.limit)}`;
  const rows = cachedStatement(db, sql).all(w.params) as Record<string, unknown>[];
  return rows.map((r) => {
    const { rowid: _rowid, ...rest } = r;
    return { ...rest, record: JSON.parse(r['record'] as string) } as FlowRow;
  });
}

export function listAlerts(db: StoreDb, filters: AlertFilters = {}): AlertRow[] {
  const w = alertWhere(filters);
  const sql = `SELECT a.*, EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id) AS acked
    FROM alerts a ${w.toSql()} ORDER BY ts DESC, id ${limitSql(filters.limit)}`;
  const rows = cachedStatement(db, sql).all(w.params) as Record<string, unknown>[];
  return rows.map(toAlertRow);
}

export function getAlert(db: StoreDb, id: string): (AlertRow & { acks: AlertAck[] }) | undefined {
  const row = cachedStatement(
    db,
    `SELECT a.*, EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id) AS acked FROM alerts a WHERE id = ?`,
  ).get(id) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const acks = cachedStatement(
    db,
    'SELECT alert_id, acked_by, acked_at, note FROM alert_acks WHERE alert_id = ? ORDER BY rowid',
  ).all(id) as AlertAck[];
  return { ...toAlertRow(row), acks };
}

/** Records who acknowledged an alert and why; the alert row itself never changes. */
export function ackAlert(db: StoreDb, id: string, opts: { by?: string; note: string; at?: Date }): AlertAck {
  const exists = cachedStatement(db, 'SELECT 1 FROM alerts WHERE id = ?').get(id);
  if (!exists) throw new GroundwatchError('NOT_FOUND', `no alert with id ${JSON.stringify(id)}`);
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

function alertWhere(filters: AlertFilters): Where {
  const w = new Where();
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
  return w;
}

function addTimeRange(w: Where, column: string, f: TimeFilters): void {
  if (f.since !== undefined) w.add(`${column} >= @since`, { since: parseTimeFilter('since', f.since) });
  if (f.until !== undefined) w.add(`${column} < @until`, { until: parseTimeFilter('until', f.until) });
}

function limitSql(limit: number | undefined): string {
  const n = limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(n) || n < 0) throw new InvalidFilterError('limit', `expected a whole number >= 0, got ${n}`);
  return n === 0 ? '' : `LIMIT ${n}`;
}

function toAlertRow(r: Record<string, unknown>): AlertRow {
  return { ...r, acked: r['acked'] === 1, record: JSON.parse(r['record'] as string) } as AlertRow;
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (containers): fall back to the environment.
    return process.env['USER'] ?? process.env['LOGNAME'] ?? 'unknown';
  }
}
