/** Builds FlowFacts from what the flow table knows (a live Flow or a FlowSnapshot: no snapshot needed to judge). */
import type { FlowSnapshot } from '../types.js';
import type { FlowFacts } from './types.js';

export type FlowFactSource = Pick<FlowSnapshot, 'clientIp' | 'clientMac' | 'serverIp' | 'serverPort' | 'transport' | 'attribution' | 'geo'>;

export function flowFactsFromSnapshot(flow: FlowFactSource): FlowFacts {
  const a = flow.attribution;
  return {
    device: { ip: flow.clientIp, mac: flow.clientMac },
    destination: {
      ip: flow.serverIp,
      port: flow.serverPort,
      transport: flow.transport,
      domain: a.host,
      nameSource: a.source,
      names: a.names,
      unknownName: a.unknownReason,
      encryptedDns: a.encryptedDns,
    },
    geo: flow.geo,
  };
}
