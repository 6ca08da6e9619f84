/**
 * The store's schema, versioned with PRAGMA user_version. Migrations run in
 * order, each in its own transaction; never edit a shipped migration, append
 * a new one. Column names mirror the ECS field names with dots as underscores.
 */
import type { Database } from 'better-sqlite3';
import { GroundwatchError } from '../errors.js';

export interface Migration {
  version: number;
  up: string;
}

const V1 = `
CREATE TABLE runs (
  id TEXT PRIMARY KEY, tool_version TEXT NOT NULL, mode TEXT NOT NULL,
  started_at TEXT NOT NULL, ended_at TEXT, interface TEXT, sources TEXT NOT NULL,
  packets INTEGER NOT NULL DEFAULT 0, anomalies INTEGER NOT NULL DEFAULT 0,
  flows INTEGER NOT NULL DEFAULT 0, alerts INTEGER NOT NULL DEFAULT 0, rules TEXT, geoip TEXT
);
CREATE TABLE flows (
  rowid INTEGER PRIMARY KEY, uid TEXT NOT NULL, run_id TEXT, ts_start TEXT NOT NULL, ts_end TEXT,
  transport TEXT, community_id TEXT, source_ip TEXT, source_port INTEGER, source_mac TEXT,
  destination_ip TEXT, destination_port INTEGER, destination_domain TEXT, name_source TEXT,
  country TEXT, asn INTEGER, as_org TEXT, operator_country TEXT,
  source_bytes INTEGER, source_packets INTEGER, destination_bytes INTEGER, destination_packets INTEGER,
  end_reason TEXT, record TEXT NOT NULL
);
CREATE INDEX flows_ts ON flows (ts_start);
CREATE INDEX flows_uid ON flows (uid);
CREATE INDEX flows_source_ip ON flows (source_ip, ts_start);
CREATE INDEX flows_destination_ip ON flows (destination_ip, ts_start);
CREATE INDEX flows_destination_port ON flows (destination_port, ts_start);
CREATE INDEX flows_domain ON flows (destination_domain COLLATE NOCASE);
CREATE INDEX flows_country ON flows (country, ts_start);
CREATE TABLE dns (
  rowid INTEGER PRIMARY KEY, uid TEXT NOT NULL, run_id TEXT, ts TEXT NOT NULL,
  transport TEXT, source_ip TEXT, source_port INTEGER, destination_ip TEXT, destination_port INTEGER,
  dns_id INTEGER, dns_type TEXT, dns_question_name TEXT, dns_question_type TEXT,
  dns_response_code TEXT, dns_resolved_ip TEXT, record TEXT NOT NULL
);
CREATE INDEX dns_ts ON dns (ts);
CREATE INDEX dns_uid ON dns (uid);
CREATE INDEX dns_question_name ON dns (dns_question_name COLLATE NOCASE);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, run_id TEXT, ts TEXT NOT NULL, severity TEXT NOT NULL, severity_num INTEGER NOT NULL,
  rule_id TEXT NOT NULL, rule_version TEXT, ruleset TEXT, category TEXT, flow_uid TEXT,
  source_ip TEXT, source_mac TEXT, destination_ip TEXT, destination_port INTEGER, transport TEXT,
  destination_domain TEXT, name_source TEXT, country TEXT, asn INTEGER, operator_country TEXT,
  repeats INTEGER NOT NULL DEFAULT 0, last_seen TEXT, record TEXT NOT NULL
);
CREATE INDEX alerts_ts ON alerts (ts);
CREATE INDEX alerts_severity ON alerts (severity_num, ts);
CREATE INDEX alerts_rule ON alerts (rule_id, ts);
CREATE INDEX alerts_source_ip ON alerts (source_ip, ts);
CREATE INDEX alerts_source_mac ON alerts (source_mac, ts);
CREATE INDEX alerts_country ON alerts (country, ts);
CREATE INDEX alerts_asn ON alerts (asn, ts);
CREATE INDEX alerts_category ON alerts (category, ts);
CREATE INDEX alerts_domain ON alerts (destination_domain COLLATE NOCASE);
CREATE INDEX alerts_flow_uid ON alerts (flow_uid);
CREATE TABLE alert_acks (
  rowid INTEGER PRIMARY KEY, alert_id TEXT NOT NULL REFERENCES alerts (id),
  acked_by TEXT NOT NULL, acked_at TEXT NOT NULL, note TEXT NOT NULL
);
CREATE INDEX alert_acks_alert ON alert_acks (alert_id);
CREATE TABLE stats (rowid INTEGER PRIMARY KEY, run_id TEXT, ts TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX stats_ts ON stats (ts);
CREATE TABLE capture_gaps (
  rowid INTEGER PRIMARY KEY, run_id TEXT, ts_start TEXT NOT NULL, ts_end TEXT,
  interface TEXT, reason TEXT, record TEXT NOT NULL
);
CREATE INDEX capture_gaps_ts ON capture_gaps (ts_start);
`;

/**
 * Two country sources (issue 11): `country` stays the location answer (destination.geo);
 * `registrant_country` is the registrant (whois) answer, and `geo_disagreement` the country
 * the two disagree about (CN: one says mainland China, the other not), NULL when they agree.
 */
const V2 = `
ALTER TABLE flows ADD COLUMN registrant_country TEXT;
ALTER TABLE flows ADD COLUMN geo_disagreement TEXT;
ALTER TABLE alerts ADD COLUMN registrant_country TEXT;
ALTER TABLE alerts ADD COLUMN geo_disagreement TEXT;
CREATE INDEX alerts_geo_disagreement ON alerts (geo_disagreement, ts) WHERE geo_disagreement IS NOT NULL;
`;

/** Whether a flow's start was seen and how its client side was decided (groundwatch.flow.start_seen / orientation). */
const V3_FLOW_START = `
ALTER TABLE flows ADD COLUMN start_seen INTEGER;
ALTER TABLE flows ADD COLUMN orientation TEXT;
ALTER TABLE alerts ADD COLUMN start_seen INTEGER;
ALTER TABLE alerts ADD COLUMN orientation TEXT;
`;

/**
 * The delivery outbox (issue 14): one row per (destination, message), written in the same
 * transaction as the alert (or gap) row it carries. `destination` is the URL label without
 * secrets; times are milliseconds since the epoch; `state` is pending | delivered | disabled.
 */
const V4_OUTBOX = `
CREATE TABLE outbox (
  rowid INTEGER PRIMARY KEY, destination TEXT NOT NULL, message_id TEXT NOT NULL,
  kind TEXT NOT NULL, severity TEXT NOT NULL, severity_num INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
  ts TEXT NOT NULL, payload TEXT NOT NULL, summary TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, delivered_at INTEGER,
  UNIQUE (destination, message_id)
);
CREATE INDEX outbox_due ON outbox (destination, state, next_attempt_at);
CREATE INDEX outbox_shed ON outbox (state, severity_num, created_at);
`;

/**
 * The integrity log (issue 16, docs/integrity.md): entries numbered from 0 without gaps, each the
 * canonical bytes of a stored row and its RFC 9162 leaf hash, and the checkpoints (signed notes).
 * `integrity_baseline` lists the rows a store already held when it gained the log: `verify`
 * reports them as not covered instead of as added behind the log's back. A run also records its
 * rule pack files' SHA-256 and its effective configuration's hash.
 */
const V5_INTEGRITY_LOG = `
CREATE TABLE integrity_log (
  idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL,
  entry BLOB NOT NULL, leaf_hash BLOB NOT NULL, logged_at TEXT NOT NULL
);
CREATE INDEX integrity_log_ref ON integrity_log (kind, ref, idx);
CREATE TABLE integrity_checkpoints (
  rowid INTEGER PRIMARY KEY, tree_size INTEGER NOT NULL, root_hash BLOB NOT NULL,
  note TEXT NOT NULL, signed_by TEXT, created_at TEXT NOT NULL
);
ALTER TABLE runs ADD COLUMN rule_files TEXT;
ALTER TABLE runs ADD COLUMN config_sha256 TEXT;
CREATE TABLE integrity_baseline (kind TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (kind, ref)) WITHOUT ROWID;
INSERT INTO integrity_baseline SELECT 'alert', id FROM alerts;
INSERT INTO integrity_baseline SELECT 'alert_ack', rowid FROM alert_acks;
INSERT INTO integrity_baseline SELECT 'run', id FROM runs;
INSERT INTO integrity_baseline SELECT 'capture_gap', rowid FROM capture_gaps;
INSERT INTO integrity_baseline SELECT 'stats', rowid FROM stats;
`;

/**
 * Packet slices kept as evidence for alerted flows (src/evidence/, docs/evidence.md): link, IP and
 * transport headers by default, whole frames only where config says `full`, plus the DNS messages
 * and ClientHello that named the flow. `role` says whether the packet is the flow's own or a DNS
 * message that named it; `content` what the bytes are; `orig_len` the length on the wire.
 */
const V7_EVIDENCE_PACKETS = `
CREATE TABLE evidence_packets (
  rowid INTEGER PRIMARY KEY, flow_uid TEXT NOT NULL, role TEXT NOT NULL, run_id TEXT,
  ts_sec INTEGER NOT NULL, ts_nsec INTEGER NOT NULL, link_type INTEGER NOT NULL,
  orig_len INTEGER NOT NULL, content TEXT NOT NULL, data BLOB NOT NULL
);
CREATE INDEX evidence_packets_flow ON evidence_packets (flow_uid, role);
`;

/**
 * Runs kept apart (issue 17): `runs.input_key` names a replay's input (its files' SHA-256s,
 * sorted, joined by ','; NULL for live capture and for a replay still running), so lists can
 * default to the latest run of each input. An alert row is one finding (its id does not depend
 * on the run); `alert_runs` says which runs raised it, so `--run` finds it in each of them.
 * Rows of earlier runs are backfilled.
 */
const V6_RUN_PROVENANCE = `
ALTER TABLE runs ADD COLUMN input_key TEXT;
CREATE INDEX runs_input ON runs (input_key);
CREATE INDEX flows_run ON flows (run_id);
CREATE INDEX dns_run ON dns (run_id);
CREATE INDEX capture_gaps_run ON capture_gaps (run_id);
CREATE TABLE alert_runs (
  alert_id TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (alert_id, run_id)
) WITHOUT ROWID;
CREATE INDEX alert_runs_run ON alert_runs (run_id);
INSERT OR IGNORE INTO alert_runs (alert_id, run_id) SELECT id, run_id FROM alerts WHERE run_id IS NOT NULL;
UPDATE runs SET input_key = (
  SELECT group_concat(sha, ',') FROM (SELECT json_extract(s.value, '$.sha256') AS sha FROM json_each(runs.sources) s ORDER BY sha)
) WHERE mode = 'replay' AND json_array_length(sources) > 0
  -- a run already in the integrity log keeps its logged row as it is (verify rebuilds entries from rows)
  AND id IN (SELECT ref FROM integrity_baseline WHERE kind = 'run');
`;

/**
 * The lean store (issue 18). Records are stored compressed from now on (sinks/stored-record.ts);
 * rows written before keep their JSON text, which every reader still accepts, and age out under
 * retention: converting them here would rewrite the whole file inside one start-up transaction.
 * An alert's later repeats no longer rewrite its record (it is compressed): they set `repeats`
 * and the new `folded` column (the folded connections' JSON), which readers put into the record.
 * Three indexes no query can use go (checked with EXPLAIN QUERY PLAN over every statement the
 * readers, retention, verify and the writers prepare, bench/store-plans.mjs): the domain filters
 * match `name = ? OR name LIKE '%.suffix'`, which no index serves, and nothing filters on
 * geo_disagreement. The DNS question-name index stays: the evidence bundle's lookup uses it.
 */
const V8_LEAN_STORE = `
ALTER TABLE alerts ADD COLUMN folded TEXT;
DROP INDEX IF EXISTS flows_domain;
DROP INDEX IF EXISTS alerts_domain;
DROP INDEX IF EXISTS alerts_geo_disagreement;
`;

/**
 * Record blocks (issue 18): flow and DNS records are compressed together, up to 128 to a block,
 * and each row's `record` holds a pointer into its block (sinks/record-blocks.ts). `ts_max` is the
 * latest retention time among a block's records (flows ts_start, DNS ts): retention deletes a block
 * once it is older than the limit, when every row pointing into it is gone. Rows written before
 * keep their records as they are, and every reader accepts both.
 */
const V9_RECORD_BLOCKS = `
CREATE TABLE record_blocks (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ts_max TEXT NOT NULL, data BLOB NOT NULL
);
`;

/**
 * Evidence packet slices packed (issue 18): one row per run of slices of one flow in one role
 * (the slices a flush found pending for it, usually all of them), packed and compressed as one
 * blob (evidence/slice-pack.ts: layout byte, then per slice its time, wire length, link type,
 * content kind and bytes; deflate over the whole, zlib format: its Adler-32 shows a damaged
 * block). `packets` counts the slices, `raw_bytes` is the packed length before compression
 * (the reader's bound when inflating). A store's `evidence_packets` rows (schema 7, one per
 * packet) stay where they are and every reader still reads them, older first: converting them
 * needs zlib, which SQL has not, and the store's byte bound deletes them first anyway.
 */
const V10_EVIDENCE_BLOCKS = `
CREATE TABLE evidence_blocks (
  rowid INTEGER PRIMARY KEY, flow_uid TEXT NOT NULL, role TEXT NOT NULL, run_id TEXT,
  packets INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE INDEX evidence_blocks_flow ON evidence_blocks (flow_uid, role);
`;

/**
 * Lean flow and DNS rows (issue 18). From this version a flow or DNS row is written with only the
 * columns a query filters, sorts or joins on (sinks/sqlite-rows.ts flowRow, dnsRow); the others
 * (ports, MACs, byte and packet counts, end reason, DNS id and answers, ...) are left NULL and
 * readers compute them from the row's record, which they decode anyway (flowDetailColumns,
 * dnsDetailColumns). And their run_id holds a short key for the run, from `run_keys`, not its
 * 36-character id (sinks/run-keys.ts). Rows written before keep both as they are; readers take
 * either. The version also tells an older groundwatch, which would show those NULLs and keys,
 * that it cannot read this store.
 */
const V11_LEAN_ROWS = `
CREATE TABLE run_keys (key INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, up: V1 },
  { version: 2, up: V2 },
  { version: 3, up: V3_FLOW_START },
  { version: 4, up: V4_OUTBOX },
  { version: 5, up: V5_INTEGRITY_LOG },
  { version: 6, up: V6_RUN_PROVENANCE },
  { version: 7, up: V7_EVIDENCE_PACKETS },
  { version: 8, up: V8_LEAN_STORE },
  { version: 9, up: V9_RECORD_BLOCKS },
  { version: 10, up: V10_EVIDENCE_BLOCKS },
  { version: 11, up: V11_LEAN_ROWS },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema to SCHEMA_VERSION; refuses a database written by newer code. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const target = migrations[migrations.length - 1]?.version ?? 0;
  const current = schemaVersion(db);
  if (current > target) throw tooNew(db, current, target);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}

/** For read-only opens: the schema must already be exactly what this code reads. */
export function checkSchema(db: Database): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) throw tooNew(db, current, SCHEMA_VERSION);
  if (current < SCHEMA_VERSION) {
    throw new GroundwatchError(
      'DB_OPEN_FAILED',
      `${db.name}: schema version ${current} is older than ${SCHEMA_VERSION} (not a groundwatch store, or open it read-write once to migrate)`,
    );
  }
}

function tooNew(db: Database, current: number, target: number): GroundwatchError {
  return new GroundwatchError(
    'DB_SCHEMA_TOO_NEW',
    `${db.name}: schema version ${current} is newer than this groundwatch understands (${target}); upgrade groundwatch`,
  );
}
