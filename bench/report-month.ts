/**
 * A month of monitoring in a store, written through the real store code (SqliteSink, the
 * same rows a monitor writes): 30 daily runs of one tablet, ~3,000 flows a day to DJI,
 * SDK, resolver, benign and unnamed destinations, alerts for the concerning ones, a few
 * capture gaps, the DNS answer that named each named flow, the integrity log on (as the monitor
 * has it with a store). Deterministic (seeded), so the bench's self-checks know the totals.
 */
import { IntegrityLog } from '../src/integrity/integrity-log.js';
import { ECS_VERSION, type AlertRecord, type CaptureGapRecord, type CaptureRun, type DnsRecord, type FlowRecord } from '../src/records/ecs.js';
import { isoFromSeconds } from '../src/records/time.js';
import { SqliteSink } from '../src/sinks/sqlite-sink.js';
import { openStore } from '../src/sinks/sqlite-store.js';

export interface MonthTotals {
  flows: number;
  alerts: number;
  destinations: number;
  gaps: number;
  dns: number;
}

interface Dest {
  name?: string;
  ip: string;
  port: number;
  country: string;
  asn: number;
  org: string;
  operator: string;
  alert?: { rule: string; category: NonNullable<AlertRecord['groundwatch']['category']>; severity: AlertRecord['groundwatch']['severity'] };
}

const DAY = 86_400;
const START = Date.UTC(2026, 9, 1) / 1000;
const GEOIP = {
  country_db: { type: 'dbip-country', path: '/usr/share/GeoIP/dbip-country.mmdb', build_date: '2026-09-01T00:00:00.000Z' },
  asn_db: { type: 'GeoLite2-ASN', path: '/usr/share/GeoIP/GeoLite2-ASN.mmdb', build_date: '2026-09-01T00:00:00.000Z' },
};

function destinations(): Dest[] {
  const out: Dest[] = [];
  for (let i = 0; i < 40; i++) out.push({ name: `svc${i}.dji.com`, ip: `120.55.${i}.10`, port: 443, country: 'CN', asn: 37963, org: 'Hangzhou Alibaba Advertising Co.,Ltd.', operator: 'CN', alert: { rule: 'dji.first-party.domain', category: 'dji_endpoint', severity: 'high' } });
  for (let i = 0; i < 20; i++) out.push({ name: `sdk${i}.bugly.qq.com`, ip: `43.132.${i}.25`, port: 443, country: 'SG', asn: 132203, org: 'Shenzhen Tencent Computer Systems Company Limited', operator: 'CN', alert: { rule: 'china.sdk.tencent-bugly', category: 'cn_sdk', severity: 'high' } });
  for (let i = 0; i < 5; i++) out.push({ ip: `114.114.11${i}.114`, port: 53, country: 'CN', asn: 21859, org: 'Zenlayer Inc', operator: 'US', alert: { rule: 'china.resolver.address', category: 'cn_resolver', severity: 'high' } });
  for (let i = 0; i < 300; i++) out.push({ name: `tile${i}.maps.example.org`, ip: `88.198.${i % 250}.${1 + Math.floor(i / 250)}`, port: 443, country: 'DE', asn: 24940, org: 'Hetzner Online GmbH', operator: 'DE' });
  for (let i = 0; i < 50; i++) out.push({ ip: `18.64.${i}.5`, port: 443, country: 'US', asn: 16509, org: 'Amazon.com, Inc.', operator: 'US' });
  return out;
}

/** A small deterministic PRNG (mulberry32): the same month every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function writeMonth(dbPath: string, days = 30, flowsPerDay = 3000): Promise<MonthTotals> {
  const db = openStore(dbPath);
  const sink = new SqliteSink(db, { batchSize: 5000, maxPending: 50_000, integrity: new IntegrityLog(db) });
  const dests = destinations();
  const random = rng(17);
  const totals: MonthTotals = { flows: 0, alerts: 0, destinations: dests.length, gaps: 0, dns: 0 };
  for (let day = 0; day < days; day++) {
    const run: CaptureRun = {
      id: `month-run-${day}`, tool_version: 'bench', mode: 'monitor', started_at: new Date((START + day * DAY) * 1000).toISOString(),
      interface: 'eth1', sources: [], packets: 0, anomalies: 0, flows: 0, alerts: 0, rules: ['dji@2026.11.1', 'china@2026.12.1'],
    };
    sink.startRun(run);
    const alerted = new Set<number>();
    for (let n = 0; n < flowsPerDay; n++) {
      const di = Math.floor(random() ** 2 * dests.length);
      const d = dests[di]!;
      const t = START + day * DAY + 6 * 3600 + random() * 12 * 3600;
      const uid = `Cm${day}x${n}`;
      if (d.name) {
        sink.write(dnsAnswer(d, uid, t - 0.05, run.id, n));
        totals.dns++;
      }
      sink.write(flowRecord(d, uid, t, run.id, Math.floor(random() * 60_000)));
      totals.flows++;
      // One alert per concerning destination a day (the suppressor folds the rest into repeats).
      if (d.alert && !alerted.has(di)) {
        alerted.add(di);
        sink.write(alertRecord(d, uid, t, run.id, day));
        totals.alerts++;
      }
      if (sink.needsFlush()) await sink.flush();
    }
    if (day % 10 === 3) {
      sink.write(gapRecord(START + day * DAY + 9 * 3600, run.id));
      totals.gaps++;
    }
    run.ended_at = new Date((START + day * DAY + 19 * 3600) * 1000).toISOString();
    sink.endRun(run);
    await sink.flush();
  }
  await sink.close();
  return totals;
}

function flowRecord(d: Dest, uid: string, t: number, runId: string, bytes: number): FlowRecord {
  return {
    '@timestamp': isoFromSeconds(t),
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.flow', category: ['network'], type: ['connection', 'end'], start: isoFromSeconds(t), end: isoFromSeconds(t + 20) },
    source: { ip: '192.168.2.20', port: 40000 + (bytes % 20000), mac: '02-00-00-00-02-14', bytes: Math.floor(bytes / 4), packets: 10 },
    destination: { ip: d.ip, port: d.port, ...(d.name ? { domain: d.name } : {}), bytes, packets: 12, geo: { country_iso_code: d.country }, as: { number: d.asn, organization: { name: d.org } } },
    network: { transport: d.port === 53 ? 'udp' : 'tcp' },
    groundwatch: {
      flow: { uid, end_reason: 'fin', start_seen: true, orientation: 'syn' },
      name: d.name
        ? { source: 'tls_sni', evidence: [{ host: d.name, source: 'tls_sni', ts: t }], conflict: false }
        : { evidence: [], conflict: false, unknown_reason: d.port === 53 ? 'not_inspected' : 'tls_ech' },
      jurisdiction: { operator_country: d.operator },
      geoip: GEOIP,
      run_id: runId,
    },
  };
}

function alertRecord(d: Dest, uid: string, t: number, runId: string, day: number): AlertRecord {
  const a = d.alert!;
  return {
    '@timestamp': isoFromSeconds(t),
    ecs: { version: ECS_VERSION },
    event: { kind: 'alert', dataset: 'groundwatch.alert', id: `${uid}-${a.rule}-${day}`, severity: 73 },
    rule: { id: a.rule, name: a.rule, ruleset: a.rule.split('.')[0]!, version: '1@bench', reference: 'bench' },
    source: { ip: '192.168.2.20', mac: '02-00-00-00-02-14' },
    destination: { ip: d.ip, port: d.port, ...(d.name ? { domain: d.name } : {}), geo: { country_iso_code: d.country }, as: { number: d.asn, organization: { name: d.org } } },
    network: { transport: d.port === 53 ? 'udp' : 'tcp' },
    groundwatch: {
      severity: a.severity, reasons: [`destination matches ${a.rule}`], category: a.category, flow: { uid, start_seen: true, orientation: 'syn' },
      name: d.name ? { source: 'tls_sni', evidence: [{ host: d.name, source: 'tls_sni', ts: t }], conflict: false } : { evidence: [], conflict: false },
      jurisdiction: { operator_country: d.operator }, geoip: GEOIP, repeats: 3, trigger: 'tls_sni', run_id: runId,
    },
  };
}

/** The resolver's answer that named a flow (carried by its own UDP flow, uid D...). */
function dnsAnswer(d: Dest, flowUid: string, t: number, runId: string, n: number): DnsRecord {
  return {
    '@timestamp': isoFromSeconds(t),
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.dns', category: ['network'], type: ['protocol'] },
    source: { ip: '192.168.2.20', port: 30000 + (n % 30000) },
    destination: { ip: '192.168.2.1', port: 53 },
    network: { transport: 'udp', protocol: 'dns' },
    dns: {
      id: String(n % 65536), type: 'answer', question: { name: d.name!, type: 'A' },
      answers: [{ name: d.name!, type: 'A', ttl: 60, data: d.ip }], resolved_ip: [d.ip], response_code: 'NOERROR',
    },
    groundwatch: { flow: { uid: `D${flowUid.slice(1)}` }, run_id: runId },
  };
}

function gapRecord(t: number, runId: string): CaptureGapRecord {
  return {
    '@timestamp': isoFromSeconds(t),
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.capture_gap' },
    groundwatch: { gap: { start: isoFromSeconds(t), end: isoFromSeconds(t + 90), reason: 'capture_worker_restart', interface: 'eth1' }, run_id: runId },
  };
}
