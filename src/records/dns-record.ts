import type { DnsSeen } from '../attribution/dns/index.js';
import { resolveAnswers } from '../attribution/dns/index.js';
import { ECS_VERSION, type DnsRecord } from './ecs.js';
import { macField } from './mac.js';
import type { PacketOrigin } from '../types.js';
import { provenanceFields, type RunProvenance } from './provenance.js';
import { isoFromSecNsec } from './time.js';

export function buildDnsRecord(seen: DnsSeen, run?: RunProvenance, origin?: PacketOrigin): DnsRecord {
  const { flow, message, packet } = seen;
  const question = message.questions[0] ?? { name: '', type: '' };
  const resolutions = message.isResponse ? resolveAnswers(message) : [];
  const chain = resolutions.find((r) => r.chain.length > 1)?.chain;
  const resolved = resolutions.flatMap((r) => r.addresses.map((a) => a.ip));
  const record: DnsRecord = {
    '@timestamp': isoFromSecNsec(packet.tsSec, packet.tsNsec),
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.dns', category: ['network'], type: ['protocol'] },
    source: { ip: flow.clientIp, port: flow.clientPort, ...macField(flow.clientMac) },
    destination: { ip: flow.serverIp, port: flow.serverPort },
    network: { transport: flow.transport, protocol: 'dns', community_id: flow.communityId },
    dns: {
      id: String(message.id),
      type: message.isResponse ? 'answer' : 'query',
      question,
      ...(message.isResponse ? { answers: message.answers, resolved_ip: resolved, response_code: message.rcode } : {}),
    },
    groundwatch: {
      flow: { uid: flow.uid },
      ...(chain ? { dns: { chain } } : {}),
      ...provenanceFields(run, origin),
    },
  };
  return record;
}
