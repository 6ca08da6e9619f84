import type { RuleHit } from '../../src/rules/types.js';
import type { FlowSnapshot } from '../../src/types.js';

export function snapshot(over: Partial<FlowSnapshot> = {}): FlowSnapshot {
  return {
    uid: 'CfLow1', communityId: '1:abc=', protocol: 6, transport: 'tcp',
    clientIp: '192.168.1.10', clientPort: 50000, clientMac: 'aa:bb:cc:dd:ee:ff',
    serverIp: '120.24.10.20', serverPort: 443,
    firstTs: 1700000000, lastTs: 1700000001, firstTsIso: '2023-11-14T22:13:20.000000000Z', lastTsIso: '2023-11-14T22:13:21.000000000Z',
    packetsToServer: 3, packetsToClient: 2, bytesToServer: 600, bytesToClient: 4000, startSeen: true, orientation: 'syn',
    attribution: { host: 'flysafe-api.dji.com', source: 'tls_sni', names: [{ host: 'flysafe-api.dji.com', source: 'tls_sni', ts: 1700000000.1 }], conflict: false },
    geo: {
      countryIso: 'CN', asn: 37963, asOrg: 'Hangzhou Alibaba Advertising Co.,Ltd.', operatorCountry: 'CN', operatorName: 'Alibaba',
      countryDb: { type: 'GeoLite2-Country', path: '/geo/c.mmdb', buildDate: '2026-06-17' },
      asnDb: { type: 'GeoLite2-ASN', path: '/geo/a.mmdb', buildDate: '2026-06-18' },
    },
    ...over,
  };
}

export function hit(id = 'china.cn-located'): RuleHit {
  return {
    rule: {
      id, version: 2, name: 'Destination located in China', ruleset: 'china', rulesetVersion: '2026.11.1', action: 'alert', severity: 'high',
      category: 'cn_located', purpose: 'p', source: 's', confidence: 'H', file: 'rules/china.yaml', applies: 'flow', predicates: [], order: 0,
    },
    reasons: ['destination.ip 120.24.10.20 is located in CN (GeoLite2-Country built 2026-06-17)'],
  };
}
