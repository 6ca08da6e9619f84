/**
 * What an evidence bundle says about one alert, read from the store: the
 * alert, its flow record, the DNS transactions that named it, the run's
 * provenance and the stored packet slices.
 */
import { GroundwatchError } from '../errors.js';
import type { AlertRecord, DnsRecord, FlowRecord } from '../records/ecs.js';
import { getAlert, type AlertRow } from '../sinks/queries.js';
import type { StoreDb } from '../sinks/sqlite-store.js';
import { readStoredRecord } from '../sinks/stored-record-reader.js';
import { foldHostName } from '../util/host-name.js';
import type { SliceRow } from './slice-store.js';
import { storedSlice } from './stored-slices.js';

export interface BundleContents {
  alert: AlertRow;
  /** Absent while the flow is still open (a live monitor writes it when the flow ends). */
  flow: FlowRecord | undefined;
  dns: DnsRecord[];
  run: Record<string, unknown> | undefined;
  flowPackets: SliceRow[];
  dnsPackets: SliceRow[];
}

/** DNS rows read per name: a name asked every few seconds for months must not load them all. */
const MAX_DNS_ROWS_PER_NAME = 500;

export function readBundleContents(db: StoreDb, alertId: string): BundleContents {
  const alert = getAlert(db, alertId);
  if (!alert) throw new GroundwatchError('NOT_FOUND', `no alert with id ${JSON.stringify(alertId)}`);
  const uid = alert.record.groundwatch.flow.uid;
  const flowRow = db.prepare('SELECT record FROM flows WHERE uid = ? ORDER BY rowid DESC LIMIT 1').get(uid) as { record: unknown } | undefined;
  const runRow = alert.run_id === null ? undefined : (db.prepare('SELECT * FROM runs WHERE id = ?').get(alert.run_id) as Record<string, unknown> | undefined);
  return {
    alert,
    flow: flowRow ? readStoredRecord<FlowRecord>(db, flowRow.record) : undefined,
    dns: namingDns(db, alert.record, alert.ts),
    run: runRow ? parseJsonColumns(runRow, ['sources', 'rules', 'geoip']) : undefined,
    flowPackets: storedSlice(db, uid, 'flow'),
    dnsPackets: storedSlice(db, uid, 'dns'),
  };
}

/**
 * The DNS transactions that named the alert's destination: answers, up to the
 * alert's time, for a name the alert learned from DNS that resolve to its
 * address, with their queries (same id and name); and the flow's own DNS
 * messages when the alert is about a DNS query.
 */
function namingDns(db: StoreDb, alert: AlertRecord, storedTs: string): DnsRecord[] {
  const own = (db.prepare('SELECT record FROM dns WHERE uid = ? ORDER BY rowid').all(alert.groundwatch.flow.uid) as { record: unknown }[]).map((r) => parse(db, r));
  const address = alert.destination?.ip;
  const names = new Set(alert.groundwatch.name.evidence.filter((e) => e.source === 'dns').map((e) => foldHostName(e.dns_query ?? e.host)));
  const named: DnsRecord[] = [];
  for (const name of names) {
    const rows = (db.prepare('SELECT record FROM dns WHERE dns_question_name = ? COLLATE NOCASE AND ts <= ? ORDER BY rowid DESC LIMIT ?').all(name, storedTs, MAX_DNS_ROWS_PER_NAME) as { record: unknown }[]).map((r) => parse(db, r));
    const answers = rows.filter((r) => r.dns.type === 'answer' && address !== undefined && (r.dns.resolved_ip ?? []).includes(address));
    const ids = new Set(answers.map((r) => r.dns.id));
    named.push(...rows.filter((r) => answers.includes(r) || (r.dns.type === 'query' && ids.has(r.dns.id))).reverse());
  }
  const seen = new Set<string>();
  return [...own, ...named].filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parse(db: StoreDb, row: { record: unknown }): DnsRecord {
  return readStoredRecord<DnsRecord>(db, row.record);
}

function parseJsonColumns(row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  const out = { ...row };
  for (const c of columns) {
    const v = out[c];
    if (typeof v !== 'string') continue;
    try {
      out[c] = JSON.parse(v);
    } catch {
      // Kept as stored: the bundle shows what the store holds.
    }
  }
  return out;
}
