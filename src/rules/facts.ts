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

/**
 * What of FlowFacts can change while a flow runs (addresses, ports and geo
 * cannot), as one string: equal fingerprints under the same rules give the
 * same hits. Keep in step with flowFactsFromSnapshot above.
 */
export function changingFactsFingerprint(flow: Pick<FlowFactSource, 'attribution' | 'clientMac'>): string {
  const a = flow.attribution;
  return `${a.host ?? ''}|${a.source ?? ''}|${a.names.length}|${a.unknownReason ?? ''}|${a.encryptedDns ?? ''}|${flow.clientMac ?? ''}`;
}
