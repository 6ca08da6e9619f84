/**
 * How an alert row is shown: a table that fits 120 columns (time, severity,
 * confidence, rule, device, destination, country, AS, acknowledged, id), a CSV
 * with the whole evidence (reasons, AS organisation, operator, database dates,
 * the latest acknowledgement, run and capture file), and NDJSON records that
 * carry their acknowledgements.
 */
import type { AlertRecord } from '../records/ecs.js';
import type { AlertAck, AlertRow } from '../sinks/queries.js';
import { buildDay, databaseLabel, plainReason } from '../util/db-label.js';
import { readableTime } from '../util/readable-time.js';
import type { Columns } from './output-format.js';

export const ALERT_COLUMNS: Columns = [
  { key: 'time', header: 'time' },
  'severity',
  { key: 'confidence', header: 'conf' },
  { key: 'rule_id', header: 'rule.id', maxWidth: 40, shrink: true, minWidth: 12 },
  { key: 'source_ip', header: 'device', shrink: true, minWidth: 12 },
  { key: 'destination', header: 'destination', shrink: true, minWidth: 14 },
  { key: 'country', header: 'cc' },
  'asn',
  { key: 'repeats', header: 'rep' },
  { key: 'acked_mark', header: 'ack' },
  { key: 'id', header: 'id', shrink: true, minWidth: 8 },
];

export const ALERT_CSV_COLUMNS: Columns = [
  'time', 'severity', 'confidence', 'rule_id', 'rule_version', 'category', 'source_ip', 'source_mac', 'destination_ip',
  'destination_port', 'transport', 'destination_domain', 'name_source', 'country', 'asn', 'as_org', 'operator_country',
  'operator_name', 'registrant_country', 'country_db', 'country_db_built', 'asn_db', 'asn_db_built', 'registrant_db',
  'registrant_db_built', 'reasons', 'repeats', 'acked', 'last_ack_at', 'last_ack_by', 'last_ack_note', 'run_id',
  'capture_file', 'capture_packet', 'id',
];

/** H / M / L, as the rule packs' evidence register grades sources (rules/README.md). */
export function confidenceLetter(rec: AlertRecord): string | null {
  return rec.groundwatch?.confidence ?? null;
}

export function alertCells(row: AlertRow): Record<string, unknown> {
  const rec = row.record;
  // A row written by another tool (or by hand) may hold a partial record: list it, never crash.
  const gw: Partial<AlertRecord['groundwatch']> = rec.groundwatch ?? {};
  const dst = rec.destination;
  const last: AlertAck | undefined = row.acks[row.acks.length - 1];
  const geo = gw.geoip;
  const port = row.destination_port === null ? '' : `:${row.destination_port}`;
  return {
    ...row,
    time: readableTime(row.ts),
    confidence: confidenceLetter(rec),
    destination: row.destination_domain ?? (row.destination_ip === null ? null : `${row.destination_ip}${port}`),
    acked_mark: row.acked ? 'yes' : 'no',
    as_org: dst?.as?.organization?.name ?? null,
    operator_name: gw.jurisdiction?.operator_name ?? null,
    registrant_country: gw.registrant?.country_iso_code ?? null,
    country_db: geo?.country_db ? databaseLabel(geo.country_db.type) : null,
    country_db_built: geo?.country_db ? buildDay(geo.country_db.build_date) : null,
    asn_db: geo?.asn_db ? databaseLabel(geo.asn_db.type) : null,
    asn_db_built: geo?.asn_db ? buildDay(geo.asn_db.build_date) : null,
    registrant_db: geo?.registrant_db ? databaseLabel(geo.registrant_db.type) : null,
    registrant_db_built: geo?.registrant_db ? buildDay(geo.registrant_db.build_date) : null,
    reasons: (gw.reasons ?? []).map(plainReason).join('; '),
    last_ack_at: last?.acked_at ?? null,
    last_ack_by: last?.acked_by ?? null,
    last_ack_note: last?.note ?? null,
    capture_file: gw.capture?.file ?? null,
    capture_packet: gw.capture?.packet ?? null,
  };
}

/** The stored record with its acknowledgements (`groundwatch.acknowledgements`, oldest first; empty when none). */
export function alertWithAcks(row: AlertRow): AlertRecord & { groundwatch: { acknowledgements: { by: string; at: string; note: string }[] } } {
  return {
    ...row.record,
    groundwatch: { ...row.record.groundwatch, acknowledgements: row.acks.map((a) => ({ by: a.acked_by, at: a.acked_at, note: a.note })) },
  };
}
