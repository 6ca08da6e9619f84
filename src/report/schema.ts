/**
 * The report's content as one typed document: the single source of the
 * `--format json` output, of the TypeScript types the HTML renderer reads,
 * and of the published JSON Schema (docs/report.schema.json, written from
 * this with zod's toJSONSchema).
 */
import { z } from 'zod';

export const REPORT_SCHEMA_VERSION = 1;

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const isoTime = z.string().describe('ISO 8601 UTC timestamp');

/** What a destination is, from the rule categories that fired for it (rules/*.yaml `category`). */
export const DESTINATION_CATEGORIES = ['dji_first_party', 'third_party_sdk', 'chinese_resolver', 'chinese_network', 'other'] as const;
export const destinationCategory = z.enum(DESTINATION_CATEGORIES);

const inputFile = z.object({ path: z.string(), size: z.number(), sha256: z.string(), format: z.string(), compressed: z.boolean() });

const input = z.object({
  run_id: z.string(),
  mode: z.string(),
  tool_version: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  interface: z.string().nullable(),
  files: z.array(inputFile),
});

const geoipDatabase = z.object({ role: z.enum(['location', 'asn', 'registrant']), type: z.string(), path: z.string(), build_date: z.string() });

const coverage = z.object({
  flows_total: z.number().int(),
  bytes_total: z.number(),
  unnamed_flows: z.number().int(),
  unnamed_bytes: z.number(),
  /** Flows to private, link-local, ... addresses: not egress, left out of the unnamed shares. */
  local_flows: z.number().int(),
  /** 0..1 of the flows (bytes) to public addresses; 0 when there were none. */
  unnamed_flow_share: z.number(),
  unnamed_byte_share: z.number(),
  unknown_reasons: z.record(z.string(), z.number()),
  capture_gaps: z.number().int(),
  capture_gap_seconds: z.number(),
  packets_dropped: z.number().int(),
  records_dropped: z.number().int(),
  /** A replay input was not read to its end (truncated, corrupt) or nothing read could be decoded. */
  input_incomplete: z.boolean(),
  /** No gap, no drop, every input read whole, every flow named: an absence of alerts then means something. */
  complete: z.boolean(),
});

const verdict = z.object({
  outcome: z.enum(['reached', 'none_reached', 'no_flows']),
  /** The one sentence to quote. */
  sentence: z.string(),
  /** What the sentence rests on: gaps, drops, unnamed flows and bytes. */
  qualifier: z.string(),
  concerning_flows: z.number().int(),
  worst_severity: severity.nullable(),
  destinations: z.array(z.object({ key: z.string(), countries: z.array(z.string()), category: destinationCategory })),
});

const asn = z.object({ number: z.number().int(), organization: z.string().nullable() });

export const destinationSchema = z.object({
  key: z.string().describe('the name, or the address when no name was learned'),
  name: z.string().nullable(),
  name_sources: z.array(z.string()),
  addresses: z.array(z.string()),
  addresses_more: z.number().int(),
  countries: z.array(z.string()),
  registrant_countries: z.array(z.string()),
  asns: z.array(asn),
  operator_countries: z.array(z.string()),
  category: destinationCategory,
  worst_severity: severity.nullable(),
  flows: z.number().int(),
  bytes_up: z.number(),
  bytes_down: z.number(),
  first_seen: isoTime.nullable(),
  last_seen: isoTime.nullable(),
  rules: z.array(z.string()),
  alerts: z.number().int(),
});

const ack = z.object({ by: z.string(), at: z.string(), note: z.string() });

export const alertCardSchema = z.object({
  id: z.string(),
  ts: isoTime,
  severity,
  category: z.string().nullable(),
  destination_key: z.string(),
  rule: z.object({ id: z.string(), name: z.string(), version: z.string(), ruleset: z.string(), source: z.string().nullable() }),
  source: z.object({ ip: z.string().nullable(), mac: z.string().nullable() }),
  destination: z.object({ ip: z.string().nullable(), port: z.number().nullable(), transport: z.string().nullable(), domain: z.string().nullable() }),
  reasons: z.array(z.string()),
  name_evidence: z.array(z.object({ host: z.string(), source: z.string(), ts: z.number() })),
  country: z.string().nullable(),
  registrant_country: z.string().nullable(),
  asn: z.number().nullable(),
  as_org: z.string().nullable(),
  operator_country: z.string().nullable(),
  databases: z.array(geoipDatabase),
  repeats: z.number().int(),
  flow_uid: z.string(),
  acks: z.array(ack),
});

const bar = z.object({ key: z.string(), bytes: z.number() });

const timeline = z.object({
  start: isoTime.nullable(),
  end: isoTime.nullable(),
  bucket_seconds: z.number(),
  buckets: z.number().int(),
  lanes: z.array(z.object({ category: destinationCategory, flows: z.array(z.tuple([z.number().int(), z.number().int()])).describe('[bucket index, flows started]') })),
  alert_marks: z.array(z.object({ bucket: z.number().int(), category: destinationCategory, severity, count: z.number().int() })),
});

const integrity = z.object({
  table: z.string(),
  latest: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).nullable(),
  verify_command: z.string(),
});

export const reportSchema = z.object({
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  generated_at: isoTime,
  tool_version: z.string(),
  unit_name: z.string().nullable(),
  scope: z.object({
    source: z.enum(['store', 'replay']),
    db_path: z.string().nullable(),
    run_id: z.string().nullable(),
    since: z.string().nullable(),
    until: z.string().nullable(),
    devices_requested: z.array(z.string()),
  }),
  window: z.object({ start: isoTime.nullable(), end: isoTime.nullable() }),
  devices: z.array(z.object({ ip: z.string(), mac: z.string().nullable(), flows: z.number().int() })),
  devices_more: z.number().int(),
  inputs: z.array(input),
  rule_packs: z.array(z.string()),
  geoip_databases: z.array(geoipDatabase),
  verdict,
  coverage,
  destinations: z.array(destinationSchema),
  charts: z.object({ bytes_by_country: z.array(bar), bytes_by_operator_country: z.array(bar), timeline }),
  alerts: z.array(alertCardSchema).describe('every alert in the window, most severe first'),
  integrity: integrity.nullable(),
});

export type ReportModel = z.infer<typeof reportSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type DestinationCategory = z.infer<typeof destinationCategory>;
export type AlertCard = z.infer<typeof alertCardSchema>;
export type Coverage = z.infer<typeof coverage>;
export type Verdict = z.infer<typeof verdict>;
export type GeoipDatabase = z.infer<typeof geoipDatabase>;
export type ReportInput = z.infer<typeof input>;
export type Timeline = z.infer<typeof timeline>;
export type Integrity = z.infer<typeof integrity>;

/** The published JSON Schema (draft 2020-12), as written to docs/report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    title: 'groundwatch report',
    ...(z.toJSONSchema(reportSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>),
  };
}
