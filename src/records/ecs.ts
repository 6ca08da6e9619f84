/**
 * The record contract (ECS field names, see shared design notes). NDJSON lines
 * and SQLite rows carry the same meaning under the same names. Project fields
 * live under `groundwatch.*`.
 */
import type { FlowOrientation, NameSource, Severity, UnknownNameReason } from '../types.js';
import type { CaptureFields } from './provenance.js';

/**
 * The ECS release the records conform to (`ecs.version`, required by ECS in every event);
 * test/records/ecs-conformance.test.ts checks every record against this release's field
 * definitions from the `@elastic/ecs` package.
 */
export const ECS_VERSION = '9.4.0';

export type EventKind = 'event' | 'alert' | 'metric';

export type Dataset =
  | 'groundwatch.flow'
  | 'groundwatch.dns'
  | 'groundwatch.alert'
  | 'groundwatch.stats'
  | 'groundwatch.capture_gap'
  | 'groundwatch.run';

export interface EcsEndpoint {
  ip: string;
  port?: number;
  mac?: string;
  domain?: string;
  bytes?: number;
  packets?: number;
  geo?: { country_iso_code?: string };
  as?: { number?: number; organization?: { name?: string } };
}

export interface GeoEvidence {
  /** The location database (destination.geo.country_iso_code comes from it). */
  country_db?: { type: string; path: string; build_date: string };
  asn_db?: { type: string; path: string; build_date: string };
  /** The registrant (whois) database (groundwatch.registrant comes from it). */
  registrant_db?: { type: string; path: string; build_date: string };
}

/** One source's country answer; country_iso_code is absent when that source has no answer. */
export interface CountryAnswer {
  country_iso_code?: string;
  /** Database type or file name, e.g. dbip-country, geo-whois-asn-country, GeoLite2-Country. */
  database: string;
  build_date: string;
}

/**
 * The two sources disagree about whether the address is in `country_iso_code` (mainland
 * China: CN; HK, MO, TW are not CN). Both answers with their databases, so a reviewer can
 * check either with mmdblookup.
 */
export interface GeoDisagreement {
  country_iso_code: string;
  location: CountryAnswer;
  registrant: CountryAnswer;
}

/** Project fields shared by flow and alert records about the two country sources. */
export interface CountrySourceFields {
  /** Country of the block's registrant: not where the server is (destination.geo is that). */
  registrant?: CountryAnswer;
  geo_disagreement?: GeoDisagreement;
}

export interface JurisdictionFields {
  operator_country?: string;
  operator_name?: string;
  special_range?: string;
}

/** One name and how it was learned (types.ts NameEvidence, in the records' snake_case). */
export interface NameEvidenceFields {
  host: string;
  source: NameSource;
  ts: number;
  dns_chain?: string[];
  dns_server?: string;
  dns_query?: string;
}

export interface NameFields {
  source?: NameSource;
  /** Every name seen, with how it was learned; disagreements are kept. */
  evidence: NameEvidenceFields[];
  conflict: boolean;
  unknown_reason?: UnknownNameReason;
  encrypted_dns?: string;
}

export interface EcsRecordBase {
  '@timestamp': string;
  ecs: { version: string };
  event: {
    kind: EventKind;
    dataset: Dataset;
    category?: string[];
    type?: string[];
    action?: string;
    start?: string;
    end?: string;
    /** Nanoseconds, as ECS defines event.duration. */
    duration?: number;
    id?: string;
    severity?: number;
  };
  source?: EcsEndpoint;
  destination?: EcsEndpoint;
  network?: {
    transport?: string;
    iana_number?: string;
    community_id?: string;
    protocol?: string;
    bytes?: number;
    packets?: number;
    vlan?: { id: string };
  };
  observer?: { hostname?: string; ingress?: { interface?: { name?: string } } };
}

export interface FlowRecord extends EcsRecordBase {
  event: EcsRecordBase['event'] & { kind: 'event'; dataset: 'groundwatch.flow' };
  /** The ClientHello's server_name (with ECH: the outer, public name). */
  tls?: { client: { server_name: string } };
  groundwatch: {
    flow: FlowStartFields & { uid: string; end_reason: FlowEndReason };
    name: NameFields;
    /**
     * What the ClientHello offered: its highest version and its ALPN list. Not ECS
     * tls.version / tls.next_protocol, which are what the handshake negotiated (the
     * ServerHello, which groundwatch does not read). The SNI is ECS tls.client.server_name.
     */
    tls?: { version?: string; alpn?: string[]; ech?: boolean };
    quic?: { version?: string; sni?: string; alpn?: string[] };
    http?: { host?: string; method?: string };
    jurisdiction?: JurisdictionFields;
    geoip?: GeoEvidence;
    /** The run that wrote it (records/provenance.ts). */
    run_id?: string;
    /** The capture file and the flow's first packet in it (replay). */
    capture?: CaptureFields;
  } & CountrySourceFields;
}

/**
 * Whether the connection's start was seen and how its client side was decided
 * (src/flow/orientation.ts): `groundwatch.flow.start_seen`, `groundwatch.flow.orientation`.
 */
export interface FlowStartFields {
  start_seen: boolean;
  orientation: FlowOrientation;
}

export type FlowEndReason = 'fin' | 'rst' | 'idle_timeout' | 'evicted' | 'end_of_input' | 'shutdown';

export interface DnsAnswerFields {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnsRecord extends EcsRecordBase {
  event: EcsRecordBase['event'] & { kind: 'event'; dataset: 'groundwatch.dns' };
  dns: {
    /** The DNS message id, as text (ECS dns.id is a keyword). */
    id: string;
    type: 'query' | 'answer';
    question: { name: string; type: string };
    answers?: DnsAnswerFields[];
    resolved_ip?: string[];
    response_code?: string;
  };
  groundwatch: {
    flow: { uid: string };
    /** CNAME chain from the asked name to the addresses, as evidence. */
    dns?: { chain?: string[] };
    run_id?: string;
    /** The capture file and the packet that carried the message (replay). */
    capture?: CaptureFields;
  };
}

export type AlertCategory =
  | 'cn_located'
  | 'cn_operated'
  | 'dji_endpoint'
  | 'cn_resolver'
  | 'cn_sdk'
  | 'unnamed'
  | 'local_data_mode'
  | 'policy';

export interface AlertRecord extends EcsRecordBase {
  event: EcsRecordBase['event'] & { kind: 'alert'; dataset: 'groundwatch.alert'; id: string };
  rule: { id: string; name: string; ruleset: string; version: string; description?: string; category?: string; reference?: string };
  groundwatch: {
    severity: Severity;
    /**
     * How well the rule's sources support it (the rule's `confidence`): H seen on the wire by an
     * independent party and in DJI code or docs, M in code or a secondary report only, L a single
     * community list or an inference (rules/README.md). Absent in records written before it existed.
     */
    confidence?: 'H' | 'M' | 'L';
    /** Every reason that matched, human readable, one per matcher. */
    reasons: string[];
    category?: AlertCategory;
    /** start_seen / orientation of the flow that raised it (absent only in records written before they existed). */
    flow: Partial<FlowStartFields> & { uid: string };
    name: NameFields;
    jurisdiction?: JurisdictionFields;
    geoip?: GeoEvidence;
    /** Repeats of the same (device, destination, rule) folded into this alert. */
    repeats: number;
    /** The connections those repeats came from (alerts/suppress.ts), the first ones, bounded; `omitted` more not listed. */
    folded?: FoldedFlows;
    bytes_so_far?: number;
    /** The evidence that completed the match: 'first_packet', 'tls_sni', 'dns', ... */
    trigger: string;
    /** The run that raised it last (the id does not depend on it: records/provenance.ts). */
    run_id?: string;
    /** The capture file and packet: the flow's first packet, or the DNS query's packet. */
    capture?: CaptureFields;
    dns_query?: { name: string; type: string };
  } & CountrySourceFields;
}

/** One folded repeat's connection: its flow and 5-tuple. */
export interface FoldedFlow {
  flow_uid: string;
  source_ip?: string;
  source_port?: number;
  destination_ip?: string;
  destination_port?: number;
  transport?: string;
}

export interface FoldedFlows {
  flows: FoldedFlow[];
  /** Repeats folded beyond the listed flows. */
  omitted: number;
}

export interface StatsRecord extends EcsRecordBase {
  event: EcsRecordBase['event'] & { kind: 'metric'; dataset: 'groundwatch.stats' };
  groundwatch: {
    stats: Record<string, unknown>;
    run_id?: string;
  };
}

export interface CaptureGapRecord extends EcsRecordBase {
  event: EcsRecordBase['event'] & { kind: 'event'; dataset: 'groundwatch.capture_gap' };
  groundwatch: {
    gap: { start: string; end?: string; reason: string; interface: string };
    run_id?: string;
  };
}

export type GroundwatchRecord = FlowRecord | DnsRecord | AlertRecord | StatsRecord | CaptureGapRecord;

/** One capture run (a replay or a monitor session), stored as provenance. */
export interface CaptureRun {
  id: string;
  tool_version: string;
  mode: 'replay' | 'monitor';
  started_at: string;
  ended_at?: string;
  interface?: string;
  sources: { path: string; size: number; sha256: string; format: string; compressed: boolean }[];
  packets: number;
  anomalies: number;
  flows: number;
  alerts: number;
  rules?: string[];
  /** The rule pack files loaded, with the SHA-256 of their bytes (integrity log, docs/integrity.md). */
  rule_files?: { path: string; sha256: string }[];
  /** SHA-256 of the run's effective configuration as canonical JSON (flags and config file merged). */
  config_sha256?: string;
  /** The GeoIP databases the run used (engine/run-geoip.ts). */
  geoip?: RunGeoDatabase[];
}

/** One GeoIP database a run used: what it answers, which file, how old, which bytes. */
export interface RunGeoDatabase {
  role: string;
  type: string;
  path: string;
  build_date: string;
  sha256?: string;
}

export const SEVERITY_NUMBER: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
