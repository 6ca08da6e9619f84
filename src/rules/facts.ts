/** Builds FlowFacts from what the flow table knows (the pipeline's call). */
import type { FlowSnapshot } from '../types.js';
import type { FlowFacts } from './types.js';

export function flowFactsFromSnapshot(flow: FlowSnapshot): FlowFacts {
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
