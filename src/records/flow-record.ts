import type { Flow } from '../flow/flow.js';
import { countrySourceFields, geoEvidence, jurisdiction, nameFields, optional, withGeo } from './evidence.js';
import { ECS_VERSION, type EcsEndpoint, type FlowEndReason, type FlowRecord } from './ecs.js';
import { macField } from './mac.js';
import { provenanceFields, type RunProvenance } from './provenance.js';
import { isoFromSecNsec } from './time.js';

export function buildFlowRecord(flow: Flow, endReason: FlowEndReason, run?: RunProvenance): FlowRecord {
  const start = isoFromSecNsec(flow.firstTsSec, flow.firstTsNsec);
  const end = isoFromSecNsec(flow.lastTsSec, flow.lastTsNsec);
  const durationNs = (flow.lastTsSec - flow.firstTsSec) * 1e9 + (flow.lastTsNsec - flow.firstTsNsec);
  const a = flow.attribution;
  // The SNI is ECS's tls.client.server_name; the rest of the ClientHello facts stay project fields.
  const { sni, ...offered } = a.tls ?? {};
  const record: FlowRecord = {
    '@timestamp': start,
    ecs: { version: ECS_VERSION },
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
    destination: withGeo(
      { ...endpoint(flow.serverIp, flow.serverPort, flow.serverMac, flow.bytesToClient, flow.packetsToClient), ...(a.host !== undefined ? { domain: a.host } : {}) },
      flow.geo,
    ),
    network: {
      transport: flow.transport,
      iana_number: String(flow.protocol),
      community_id: flow.communityId,
      bytes: flow.bytesToServer + flow.bytesToClient,
      packets: flow.packetsToServer + flow.packetsToClient,
      ...(flow.vlans?.length ? { vlan: { id: String(flow.vlans[flow.vlans.length - 1]) } } : {}),
    },
    ...(sni !== undefined ? { tls: { client: { server_name: sni } } } : {}),
    groundwatch: {
      flow: { uid: flow.uid, end_reason: endReason, start_seen: flow.startSeen, orientation: flow.orientation },
      name: nameFields(flow.attribution),
      ...(Object.keys(offered).length > 0 ? { tls: offered } : {}),
      ...(a.quic ? { quic: { ...a.quic } } : {}),
      ...(a.http ? { http: { ...a.http } } : {}),
      ...optional('jurisdiction', jurisdiction(flow.geo)),
      ...optional('geoip', geoEvidence(flow.geo)),
      ...countrySourceFields(flow.geo),
      ...provenanceFields(run, flow.origin),
    },
  };
  const protocol = appProtocol(flow);
  if (protocol) record.network!.protocol = protocol;
  return record;
}

function endpoint(ip: string, port: number, mac: string | undefined, bytes: number, packets: number): EcsEndpoint {
  return { ip, port, ...macField(mac), bytes, packets };
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
