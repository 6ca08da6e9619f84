/**
 * Record -> row mapping. Every row keeps the whole record in `record`, in the
 * compact stored form (stored-record.ts: deflated JSON), or, for flows and DNS
 * messages, a pointer into a block of them that the sink fills in at commit
 * (record-blocks.ts); the columns are the ECS fields the queries filter on.
 */
import {
  SEVERITY_NUMBER,
  type AlertRecord,
  type CaptureGapRecord,
  type CaptureRun,
  type DnsRecord,
  type FlowRecord,
  type StatsRecord,
} from '../records/ecs.js';
import { ecsMac } from '../records/mac.js';
import { encodeRecord } from './stored-record.js';
import { storedTime } from './timestamps.js';

export type SqlValue = string | number | Buffer | null;
export type Row = Record<string, SqlValue>;

const v = <T extends string | number>(x: T | undefined): T | null => (x === undefined ? null : x);
/** Stored as the record writes it (ECS form); queries also match the colon form older stores hold. */
const mac = (x: string | undefined): string | null => (x === undefined ? null : (ecsMac(x) ?? x));
const json = (x: unknown): string | null => (x === undefined ? null : JSON.stringify(x));
/** SQLite has no boolean: 1 / 0, NULL when unknown. */
const flag = (x: boolean | undefined): number | null => (x === undefined ? null : x ? 1 : 0);

/**
 * Flow columns the queries filter, sort or join on: the only ones a flow row is written with from
 * schema 11 on. The others (flowDetailColumns) are in the record, which every reader decodes anyway;
 * storing them again cost about 125 bytes a flow (issue 18).
 */
export function flowRow(rec: FlowRecord, runId: string | undefined): Row {
  const dst = rec.destination;
  return {
    uid: rec.groundwatch.flow.uid,
    run_id: v(rec.groundwatch.run_id ?? runId),
    ts_start: storedTime(rec.event.start ?? rec['@timestamp']),
    transport: v(rec.network?.transport),
    source_ip: v(rec.source?.ip),
    destination_ip: v(dst?.ip),
    destination_port: v(dst?.port),
    destination_domain: v(dst?.domain),
    country: v(dst?.geo?.country_iso_code),
    asn: v(dst?.as?.number),
  };
}

/** The rest of a flow's columns, as rows written before schema 11 hold them: readers compute them from the record. */
export function flowDetailColumns(rec: FlowRecord): Row {
  // Optional all the way: an old row's record may be any JSON (readers list what they can).
  const src = rec.source;
  const dst = rec.destination;
  const gw = rec.groundwatch;
  return {
    ts_end: storedTime(rec.event?.end),
    community_id: v(rec.network?.community_id),
    source_port: v(src?.port),
    source_mac: mac(src?.mac),
    name_source: v(gw?.name?.source),
    registrant_country: v(gw?.registrant?.country_iso_code),
    geo_disagreement: v(gw?.geo_disagreement?.country_iso_code),
    as_org: v(dst?.as?.organization?.name),
    operator_country: v(gw?.jurisdiction?.operator_country),
    source_bytes: v(src?.bytes),
    source_packets: v(src?.packets),
    destination_bytes: v(dst?.bytes),
    destination_packets: v(dst?.packets),
    end_reason: v(gw?.flow?.end_reason),
    start_seen: flag(gw?.flow?.start_seen),
    orientation: v(gw?.flow?.orientation),
  };
}

/** DNS columns the queries filter, sort or join on (`dns list`, `flows show`, the evidence bundle's name lookup). */
export function dnsRow(rec: DnsRecord, runId: string | undefined): Row {
  return {
    uid: rec.groundwatch.flow.uid,
    run_id: v(rec.groundwatch.run_id ?? runId),
    ts: storedTime(rec['@timestamp']),
    source_ip: v(rec.source?.ip),
    destination_ip: v(rec.destination?.ip),
    dns_question_name: rec.dns.question.name,
    dns_question_type: rec.dns.question.type,
  };
}

/** The rest of a DNS message's columns, computed from its record when read (see flowDetailColumns). */
export function dnsDetailColumns(rec: DnsRecord): Row {
  return {
    transport: v(rec.network?.transport),
    source_port: v(rec.source?.port),
    destination_port: v(rec.destination?.port),
    // INTEGER, as the column holds it (ECS dns.id is a keyword in the record, the message id is a number).
    dns_id: rec.dns?.id === undefined ? null : Number(rec.dns.id),
    dns_type: v(rec.dns?.type),
    dns_response_code: v(rec.dns?.response_code),
    dns_resolved_ip: json(rec.dns?.resolved_ip),
  };
}

export function alertRow(rec: AlertRecord, runId: string | undefined): Row {
  const gw = rec.groundwatch;
  const dst = rec.destination;
  return {
    id: rec.event.id,
    run_id: v(gw.run_id ?? runId),
    ts: storedTime(rec['@timestamp']),
    severity: gw.severity,
    severity_num: SEVERITY_NUMBER[gw.severity] ?? 0,
    rule_id: rec.rule.id,
    rule_version: v(rec.rule.version),
    ruleset: v(rec.rule.ruleset),
    category: v(gw.category),
    flow_uid: gw.flow.uid,
    source_ip: v(rec.source?.ip),
    source_mac: mac(rec.source?.mac),
    destination_ip: v(dst?.ip),
    destination_port: v(dst?.port),
    transport: v(rec.network?.transport),
    destination_domain: v(dst?.domain),
    name_source: v(gw.name.source),
    country: v(dst?.geo?.country_iso_code),
    registrant_country: v(gw.registrant?.country_iso_code),
    geo_disagreement: v(gw.geo_disagreement?.country_iso_code),
    asn: v(dst?.as?.number),
    operator_country: v(gw.jurisdiction?.operator_country),
    repeats: gw.repeats,
    last_seen: storedTime(rec['@timestamp']),
    start_seen: flag(gw.flow.start_seen),
    orientation: v(gw.flow.orientation),
    // Later repeats update `repeats` and `folded` (SqliteSink.updateAlertRepeats), never the stored record.
    folded: null,
    record: encodeRecord('alert', rec),
  };
}

export function statsRow(rec: StatsRecord, runId: string | undefined): Row {
  return { run_id: v(rec.groundwatch.run_id ?? runId), ts: storedTime(rec['@timestamp']), record: encodeRecord('stats', rec) };
}

export function gapRow(rec: CaptureGapRecord, runId: string | undefined): Row {
  const gap = rec.groundwatch.gap;
  return {
    run_id: v(rec.groundwatch.run_id ?? runId),
    ts_start: storedTime(gap.start),
    ts_end: storedTime(gap.end),
    interface: gap.interface,
    reason: gap.reason,
    record: encodeRecord('capture_gap', rec),
  };
}

export function runRow(run: CaptureRun): Row {
  return {
    id: run.id,
    tool_version: run.tool_version,
    mode: run.mode,
    started_at: run.started_at,
    ended_at: v(run.ended_at),
    interface: v(run.interface),
    sources: JSON.stringify(run.sources),
    packets: run.packets,
    anomalies: run.anomalies,
    flows: run.flows,
    alerts: run.alerts,
    rules: json(run.rules),
    geoip: json(run.geoip),
    rule_files: json(run.rule_files),
    config_sha256: v(run.config_sha256),
    input_key: inputKey(run),
  };
}

/** A replay's input, whatever the paths: its files' SHA-256s, sorted. NULL for live capture or before the files are read. */
export function inputKey(run: Pick<CaptureRun, 'mode' | 'sources'>): string | null {
  if (run.mode !== 'replay' || run.sources.length === 0) return null;
  return run.sources.map((s) => s.sha256).sort().join(',');
}

/** Which run raised (or raised again) an alert. */
export function alertRunRow(rec: AlertRecord, runId: string | undefined): Row | undefined {
  const run = rec.groundwatch.run_id ?? runId;
  return run === undefined ? undefined : { alert_id: rec.event.id, run_id: run };
}
