/**
 * Alert records (src/records/ecs.ts AlertRecord) with the evidence a security
 * team needs to defend them: the name and how it was learned, address, port,
 * country, ASN, operator, GeoIP database dates, rule id + version, flow uid,
 * device ip/mac and bytes so far.
 */
import { ECS_VERSION, SEVERITY_NUMBER, type AlertRecord } from '../records/ecs.js';
import { macField } from '../records/mac.js';
import { isoFromSecNsec } from '../records/time.js';
import type { FlowOrientation, FlowSnapshot, PacketOrigin } from '../types.js';
import { provenanceFields, type RunProvenance } from '../records/provenance.js';
import type { DnsQueryFacts, RuleHit } from '../rules/types.js';
import { alertId } from './alert-id.js';
import { countrySourceFields, geoEvidence, jurisdiction, nameFields, optional, withGeo } from '../records/evidence.js';
import { ruleFields } from './rule-fields.js';

export type AlertTime = { tsSec: number; tsNsec: number } | string;

/**
 * The id's first part: once the run id, which was never set, so every id ever written hashed ''.
 * Kept empty for good: an alert's id must not depend on the run, or a re-replay of the same
 * capture would duplicate every alert and orphan its acknowledgements.
 */
const NO_RUN = '';

function timestamp(ts: AlertTime): string {
  return typeof ts === 'string' ? ts : isoFromSecNsec(ts.tsSec, ts.tsNsec);
}

/** What the rule concluded: the first fields of every alert's groundwatch block, flow or DNS query. */
function verdictFields(hit: RuleHit): Pick<AlertRecord['groundwatch'], 'severity' | 'confidence' | 'reasons' | 'category'> {
  const rule = hit.rule;
  return { severity: rule.severity, confidence: rule.confidence, reasons: [...hit.reasons], category: rule.category };
}

export function buildAlertRecord(flow: FlowSnapshot, hit: RuleHit, trigger: string, ts: AlertTime, run?: RunProvenance): AlertRecord {
  const a = flow.attribution;
  const rule = hit.rule;
  return {
    '@timestamp': timestamp(ts),
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'alert',
      dataset: 'groundwatch.alert',
      id: alertId(NO_RUN, flow.uid, rule.id),
      category: ['network'],
      type: ['connection'],
      action: rule.id,
      start: flow.firstTsIso,
      severity: SEVERITY_NUMBER[rule.severity],
    },
    source: { ip: flow.clientIp, port: flow.clientPort, ...macField(flow.clientMac) },
    destination: withGeo(
      { ip: flow.serverIp, port: flow.serverPort, ...(a.host ? { domain: a.host } : {}), bytes: flow.bytesToServer, packets: flow.packetsToServer },
      flow.geo,
    ),
    network: { transport: flow.transport, iana_number: String(flow.protocol), community_id: flow.communityId },
    rule: ruleFields(rule),
    groundwatch: {
      ...verdictFields(hit),
      flow: { uid: flow.uid, start_seen: flow.startSeen, orientation: flow.orientation },
      name: nameFields(a),
      ...optional('jurisdiction', jurisdiction(flow.geo)),
      ...optional('geoip', geoEvidence(flow.geo)),
      ...countrySourceFields(flow.geo),
      repeats: 0,
      bytes_so_far: flow.bytesToServer + flow.bytesToClient,
      trigger,
      ...provenanceFields(run, flow.origin),
    },
  };
}

/** Where a DNS query was seen: the flow that carried it. */
export interface DnsQueryOrigin {
  flowUid: string;
  communityId?: string;
  clientPort: number;
  /** DNS message id, so two queries for the same name in one flow get distinct alert ids. */
  dnsId: number;
  startSeen?: boolean;
  orientation?: FlowOrientation;
  /** The packet that carried the query (replay). */
  packet?: PacketOrigin;
}

export function buildDnsQueryAlertRecord(origin: DnsQueryOrigin, q: DnsQueryFacts, hit: RuleHit, ts: AlertTime, run?: RunProvenance): AlertRecord {
  const rule = hit.rule;
  const iso = timestamp(ts);
  return {
    '@timestamp': iso,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'alert',
      dataset: 'groundwatch.alert',
      id: alertId(NO_RUN, origin.flowUid, rule.id, q.qname, q.qtype, origin.dnsId, iso),
      category: ['network'],
      type: ['protocol'],
      action: rule.id,
      severity: SEVERITY_NUMBER[rule.severity],
    },
    source: { ip: q.device.ip, port: origin.clientPort, ...macField(q.device.mac) },
    destination: withGeo({ ip: q.resolver.ip, port: q.resolver.port }, q.resolverGeo),
    network: { transport: q.resolver.transport, protocol: 'dns', ...(origin.communityId ? { community_id: origin.communityId } : {}) },
    rule: ruleFields(rule),
    groundwatch: {
      ...verdictFields(hit),
      flow: {
        uid: origin.flowUid,
        ...(origin.startSeen !== undefined ? { start_seen: origin.startSeen } : {}),
        ...(origin.orientation ? { orientation: origin.orientation } : {}),
      },
      name: { evidence: [], conflict: false },
      ...optional('jurisdiction', jurisdiction(q.resolverGeo)),
      ...optional('geoip', geoEvidence(q.resolverGeo)),
      ...countrySourceFields(q.resolverGeo),
      repeats: 0,
      trigger: 'dns_query',
      dns_query: { name: q.qname, type: q.qtype },
      ...provenanceFields(run, origin.packet),
    },
  };
}
