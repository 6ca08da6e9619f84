import type { Flow } from '../flow/flow.js';
import type { GeoInfo } from '../types.js';
import type { EcsEndpoint, FlowEndReason, FlowRecord, GeoEvidence, JurisdictionFields, NameFields } from './ecs.js';
import { isoFromSecNsec } from './time.js';

export function buildFlowRecord(flow: Flow, endReason: FlowEndReason, runId?: string): FlowRecord {
  const start = isoFromSecNsec(flow.firstTsSec, flow.firstTsNsec);
  const end = isoFromSecNsec(flow.lastTsSec, flow.lastTsNsec);
  const durationNs = (flow.lastTsSec - flow.firstTsSec) * 1e9 + (flow.lastTsNsec - flow.firstTsNsec);
  const a = flow.attribution;
  const record: FlowRecord = {
    '@timestamp': start,
    event: {
      kind: 'event',
      dataset: 'groundwatch.flow',
      category: ['network'],
      type: ['connection', 'end'],
      start,
      end,
      duration: Math.max(0, durationNs),
    },
    source: endpoint(flow.clientIp, flow.clientPort, flow.clientMac, flow.bytesToServer, flow.packetsToServer),
    destination: {
      ...endpoint(flow.serverIp, flow.serverPort, flow.serverMac, flow.bytesToClient, flow.packetsToClient),
      ...destinationGeo(flow.geo),
      ...(a.host !== undefined ? { domain: a.host } : {}),
    },
    network: {
      transport: flow.transport,
      iana_number: String(flow.protocol),
      community_id: flow.communityId,
      bytes: flow.bytesToServer + flow.bytesToClient,
      packets: flow.packetsToServer + flow.packetsToClient,
      ...(flow.vlans?.length ? { vlan: { id: String(flow.vlans[flow.vlans.length - 1]) } } : {}),
    },
    groundwatch: {
      flow: { uid: flow.uid, end_reason: endReason },
      name: nameFields(flow),
      ...(a.tls ? { tls: { ...a.tls } } : {}),
      ...(a.quic ? { quic: { ...a.quic } } : {}),
      ...(a.http ? { http: { ...a.http } } : {}),
      ...jurisdictionAndEvidence(flow.geo),
      ...(runId ? { run_id: runId } : {}),
    },
  };
  const protocol = appProtocol(flow);
  if (protocol) record.network!.protocol = protocol;
  return record;
}

function endpoint(ip: string, port: number, mac: string | undefined, bytes: number, packets: number): EcsEndpoint {
  return { ip, port, ...(mac ? { mac } : {}), bytes, packets };
}

export function destinationGeo(geo: GeoInfo): Pick<EcsEndpoint, 'geo' | 'as'> {
  const out: Pick<EcsEndpoint, 'geo' | 'as'> = {};
  if (geo.countryIso) out.geo = { country_iso_code: geo.countryIso };
  if (geo.asn !== undefined) out.as = { number: geo.asn, ...(geo.asOrg ? { organization: { name: geo.asOrg } } : {}) };
  return out;
}

export function nameFields(flow: Pick<Flow, 'attribution'>): NameFields {
  const a = flow.attribution;
  const fields: NameFields = { evidence: a.names, conflict: a.conflict };
  if (a.source) fields.source = a.source;
  if (a.unknownReason) fields.unknown_reason = a.unknownReason;
  if (a.encryptedDns) fields.encrypted_dns = a.encryptedDns;
  return fields;
}

export function jurisdictionAndEvidence(geo: GeoInfo): { jurisdiction?: JurisdictionFields; geoip?: GeoEvidence } {
  const jurisdiction: JurisdictionFields = {};
  if (geo.operatorCountry) jurisdiction.operator_country = geo.operatorCountry;
  if (geo.operatorName) jurisdiction.operator_name = geo.operatorName;
  if (geo.special) jurisdiction.special_range = geo.special;
  const geoip: GeoEvidence = {};
  if (geo.countryDb) geoip.country_db = { type: geo.countryDb.type, path: geo.countryDb.path, build_date: geo.countryDb.buildDate };
  if (geo.asnDb) geoip.asn_db = { type: geo.asnDb.type, path: geo.asnDb.path, build_date: geo.asnDb.buildDate };
  return {
    ...(Object.keys(jurisdiction).length ? { jurisdiction } : {}),
    ...(Object.keys(geoip).length ? { geoip } : {}),
  };
}

function appProtocol(flow: Flow): string | undefined {
  const a = flow.attribution;
  if (a.encryptedDns) return a.encryptedDns;
  if (a.quic) return 'quic';
  if (a.tls) return 'tls';
  if (a.http) return 'http';
  if (flow.serverPort === 53 || flow.clientPort === 53) return 'dns';
  return undefined;
}
