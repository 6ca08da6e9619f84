import { describe, expect, it } from 'vitest';
import { engineFor, flow, ids } from './helpers.js';

describe('names', () => {
  it('domain_suffix covers the apex and every subdomain, nothing else', async () => {
    const e = await engineFor([{ id: 't.sfx', match: { domain_suffix: ['dji.com'] } }]);
    expect(ids(e, flow({ domain: 'dji.com' }))).toEqual(['t.sfx']);
    expect(ids(e, flow({ domain: 'a.b.dji.com' }))).toEqual(['t.sfx']);
    expect(ids(e, flow({ domain: 'notdji.com' }))).toEqual([]);
    expect(ids(e, flow({ domain: 'dji.com.evil.net' }))).toEqual([]);
    expect(ids(e, flow({ domain: 'com' }))).toEqual([]);
  });

  it('domain is exact', async () => {
    const e = await engineFor([{ id: 't.exact', match: { domain: ['api.example.com'] } }]);
    expect(ids(e, flow({ domain: 'api.example.com' }))).toEqual(['t.exact']);
    expect(ids(e, flow({ domain: 'x.api.example.com' }))).toEqual([]);
    expect(ids(e, flow({ domain: 'example.com' }))).toEqual([]);
  });

  it('normalises case, trailing dot and IDNA on both sides', async () => {
    // bücher.example -> xn--bcher-kva.example (the RFC 3492 / IDNA textbook example)
    const e = await engineFor([
      { id: 't.case', match: { domain_suffix: ['DJI.COM.'] } },
      { id: 't.idna', match: { domain: ['bücher.example'] } },
    ]);
    expect(ids(e, flow({ domain: 'FlySafe-API.DJI.com.' }))).toEqual(['t.case']);
    expect(ids(e, flow({ domain: 'xn--bcher-kva.example' }))).toEqual(['t.idna']);
    expect(ids(e, flow({ domain: 'BÜCHER.example' }))).toEqual(['t.idna']);
  });

  it('reports every name that matched, each with how it was learned', async () => {
    const e = await engineFor([{ id: 't.sfx', match: { domain_suffix: ['dji.com'] } }]);
    const r = e.matchFlow(
      flow({
        destination: {
          ip: '192.0.2.1', port: 443, transport: 'tcp', domain: 'flysafe-api.dji.com', nameSource: 'tls_sni',
          names: [
            { host: 'flysafe-api.dji.com', source: 'tls_sni', ts: 1 },
            { host: 'cdn.example.net', source: 'dns', ts: 0, dnsQuery: 'account.dji.com', dnsChain: ['account.dji.com', 'cdn.example.net'] },
          ],
        },
      }),
    );
    expect(r.alerts[0]?.reasons).toEqual([
      'destination.domain flysafe-api.dji.com is under dji.com (learned from tls_sni)',
      'destination.domain account.dji.com is under dji.com (learned from dns query for account.dji.com)',
    ]);
  });

  it('name_source restricts which evidence counts', async () => {
    const e = await engineFor([{ id: 't.sni', match: { domain_suffix: ['dji.com'], name_source: ['tls_sni', 'quic_sni'] } }]);
    const viaDns = flow({ destination: { ip: '192.0.2.1', port: 443, transport: 'tcp', domain: 'a.dji.com', nameSource: 'dns', names: [] } });
    expect(ids(e, viaDns)).toEqual([]);
    expect(ids(e, flow({ domain: 'a.dji.com' }))).toEqual(['t.sni']);
  });

  it('domain and domain_suffix in one match are one name test (either list)', async () => {
    const e = await engineFor([{ id: 't.both', match: { domain: ['api.mapbox.com'], domain_suffix: ['tiles.mapbox.com'] } }]);
    expect(ids(e, flow({ domain: 'api.mapbox.com' }))).toEqual(['t.both']);
    expect(ids(e, flow({ domain: 'a.tiles.mapbox.com' }))).toEqual(['t.both']);
    expect(ids(e, flow({ domain: 'events.mapbox.com' }))).toEqual([]);
  });
});

describe('addresses', () => {
  it('IPv4 CIDR boundaries', async () => {
    const e = await engineFor([{ id: 't.v4', match: { cidr: ['192.0.2.128/25', '10.0.0.0/8'] } }]);
    expect(ids(e, flow({ ip: '192.0.2.127' }))).toEqual([]);
    expect(ids(e, flow({ ip: '192.0.2.128' }))).toEqual(['t.v4']);
    expect(ids(e, flow({ ip: '192.0.2.255' }))).toEqual(['t.v4']);
    expect(ids(e, flow({ ip: '10.0.0.0' }))).toEqual(['t.v4']);
    expect(ids(e, flow({ ip: '10.255.255.255' }))).toEqual(['t.v4']);
    expect(ids(e, flow({ ip: '9.255.255.255' }))).toEqual([]);
    expect(ids(e, flow({ ip: '11.0.0.0' }))).toEqual([]);
    expect(ids(e, flow({ ip: '::ffff:10.1.2.3' }))).toEqual(['t.v4']);
  });

  it('IPv6 CIDR boundaries and host entries', async () => {
    const e = await engineFor([{ id: 't.v6', match: { cidr: ['2001:db8::/32', '2400:3200::1'] } }]);
    expect(ids(e, flow({ ip: '2001:db8::' }))).toEqual(['t.v6']);
    expect(ids(e, flow({ ip: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' }))).toEqual(['t.v6']);
    expect(ids(e, flow({ ip: '2001:db9::' }))).toEqual([]);
    expect(ids(e, flow({ ip: '2001:db7:ffff::1' }))).toEqual([]);
    expect(ids(e, flow({ ip: '2400:3200:0:0:0:0:0:1' }))).toEqual(['t.v6']);
    expect(ids(e, flow({ ip: '2400:3200::2' }))).toEqual([]);
    expect(ids(e, flow({ ip: '32.1.13.184' }))).toEqual([]); // same leading bytes as 2001:db8, but IPv4
  });

  it('ASN, country and operator country sets, with reasons naming the databases', async () => {
    const e = await engineFor([
      { id: 't.asn', match: { asn: [45102, 'AS37963'] } },
      { id: 't.cc', match: { country: ['cn', 'RU'] } },
      { id: 't.op', match: { operator_country: ['CN'] } },
    ]);
    const geo = {
      countryIso: 'CN', asn: 37963, asOrg: 'Hangzhou Alibaba Advertising Co.,Ltd.', operatorCountry: 'CN', operatorName: 'Alibaba',
      countryDb: { type: 'GeoLite2-Country', path: '/x', buildDate: '2026-06-17' },
    };
    const r = e.matchFlow(flow({ ip: '120.24.10.20', geo }));
    expect(r.alerts.map((h) => [h.rule.id, h.reasons])).toEqual([
      ['t.asn', ['destination.ip 120.24.10.20 is announced by AS37963 (Hangzhou Alibaba Advertising Co.,Ltd.)']],
      ['t.cc', ['destination.ip 120.24.10.20 is located in CN (GeoLite2-Country built 2026-06-17)']],
      ['t.op', ['AS37963 is operated by Alibaba (CN)']],
    ]);
    expect(ids(e, flow({ geo: { countryIso: 'DE', asn: 16509, operatorCountry: 'US' } }))).toEqual([]);
  });

  it('ports and port ranges, transport', async () => {
    const e = await engineFor([
      { id: 't.range', match: { port: ['8000-8100'] } },
      { id: 't.single', match: { port: [53], transport: ['udp'] } },
    ]);
    expect(ids(e, flow({ port: 7999 }))).toEqual([]);
    expect(ids(e, flow({ port: 8000 }))).toEqual(['t.range']);
    expect(ids(e, flow({ port: 8100 }))).toEqual(['t.range']);
    expect(ids(e, flow({ port: 8101 }))).toEqual([]);
    expect(ids(e, flow({ port: 53, transport: 'udp' }))).toEqual(['t.single']);
    expect(ids(e, flow({ port: 53, transport: 'tcp' }))).toEqual([]);
  });

  it('device by ip, range or mac', async () => {
    const e = await engineFor([
      { id: 't.ip', match: { device: ['10.0.0.5'] } },
      { id: 't.net', match: { device: ['10.0.1.0/24'] } },
      { id: 't.mac', match: { device: ['AA-BB-CC-DD-EE-FF'] } },
    ]);
    expect(ids(e, flow({ device: { ip: '10.0.0.5' } }))).toEqual(['t.ip']);
    expect(ids(e, flow({ device: { ip: '10.0.0.6' } }))).toEqual([]);
    expect(ids(e, flow({ device: { ip: '10.0.1.255' } }))).toEqual(['t.net']);
    expect(ids(e, flow({ device: { ip: '10.0.2.1', mac: 'aa:bb:cc:dd:ee:ff' } }))).toEqual(['t.mac']);
  });

  it('special ranges and not', async () => {
    const e = await engineFor([{ id: 't.egress', match: { not: { special: ['private', 'link_local'] } } }]);
    expect(ids(e, flow({ geo: { special: 'private' } }))).toEqual([]);
    expect(ids(e, flow({ geo: { countryIso: 'NL' } }))).toEqual(['t.egress']);
  });

  it('any holds when one alternative holds, and gives the reasons of each that holds', async () => {
    const e = await engineFor([{ id: 't.any', match: { port: [443], any: [{ country: ['CN'] }, { asn: [45102] }] } }]);
    expect(ids(e, flow({ geo: { countryIso: 'HK', asn: 1 } }))).toEqual([]);
    const r = e.matchFlow(flow({ geo: { countryIso: 'CN', asn: 45102 } }));
    expect(r.alerts[0]?.reasons).toHaveLength(3);
  });
});

describe('names that cannot be learned', () => {
  it('name_unknown true matches a flow without names; a list matches only those reasons', async () => {
    const e = await engineFor([
      { id: 't.any-unknown', match: { name_unknown: true } },
      { id: 't.ech', match: { name_unknown: ['tls_ech'] } },
    ]);
    expect(ids(e, flow({ domain: 'a.example' }))).toEqual([]);
    expect(ids(e, flow())).toEqual(['t.any-unknown']);
    const ech = flow({ destination: { ip: '192.0.2.1', port: 443, transport: 'tcp', names: [], unknownName: 'tls_ech' } });
    expect(ids(e, ech)).toEqual(['t.any-unknown', 't.ech']);
  });

  it('encrypted_dns matches the flow kind', async () => {
    const e = await engineFor([{ id: 't.doh', match: { encrypted_dns: ['doh'] } }, { id: 't.edns', match: { encrypted_dns: true } }]);
    const dot = flow({ destination: { ip: '192.0.2.1', port: 853, transport: 'tcp', names: [], encryptedDns: 'dot' } });
    expect(ids(e, dot)).toEqual(['t.edns']);
    const doh = flow({ destination: { ip: '192.0.2.1', port: 443, transport: 'tcp', names: [], encryptedDns: 'doh' } });
    expect(ids(e, doh)).toEqual(['t.doh', 't.edns']);
  });
});

describe('allow rules', () => {
  it('an allow rule silences the rules it names and nothing else', async () => {
    const e = await engineFor([
      { id: 't.egress', match: { not: { special: ['private'] } } },
      { id: 't.other', match: { domain_suffix: ['mapbox.com'] } },
      { id: 't.allow-tiles', action: 'allow', allows: ['t.egress'], match: { domain: ['api.mapbox.com'] } },
    ]);
    const r = e.matchFlow(flow({ domain: 'api.mapbox.com' }));
    expect(r.alerts.map((h) => h.rule.id)).toEqual(['t.other']);
    expect(r.suppressed.map((h) => h.rule.id)).toEqual(['t.egress']);
    expect(r.allowedBy.map((h) => h.rule.id)).toEqual(['t.allow-tiles']);
    expect(ids(e, flow({ domain: 'events.mapbox.com' }))).toEqual(['t.egress', 't.other']);
  });

  it('without allows, an allow rule silences every alert of the flow; prefix.* silences a family', async () => {
    const all = await engineFor([
      { id: 't.a', match: { port: [443] } },
      { id: 't.allow', action: 'allow', match: { domain: ['own.example'] } },
    ]);
    expect(ids(all, flow({ domain: 'own.example' }))).toEqual([]);
    const fam = await engineFor([
      { id: 't.x.one', match: { port: [443] } },
      { id: 't.y', match: { port: [443] } },
      { id: 't.allow', action: 'allow', allows: ['t.x.*'], match: { port: [443] } },
    ]);
    expect(ids(fam, flow())).toEqual(['t.y']);
  });
});

describe('dns_query rules', () => {
  const q = (qname: string, resolverIp: string, geo = {}) => ({
    device: { ip: '192.168.1.10' }, resolver: { ip: resolverIp, port: 53, transport: 'udp' as const }, resolverGeo: geo, qname, qtype: 'A',
  });

  it('match the asked name and the resolver, and never flows', async () => {
    const e = await engineFor([
      { id: 't.q', match: { dns_query: { name_suffix: ['dji.com'], type: ['A', 'AAAA'] }, any: [{ cidr: ['114.114.114.114'] }, { country: ['CN'] }] } },
    ]);
    expect(e.matchDnsQuery(q('Flysafe-API.dji.com.', '114.114.114.114')).alerts.map((h) => h.reasons)).toEqual([
      [
        'dns.question.name flysafe-api.dji.com is under dji.com (type A) sent to resolver 114.114.114.114:53/udp',
        'resolver.ip 114.114.114.114 is in 114.114.114.114',
      ],
    ]);
    expect(e.matchDnsQuery(q('flysafe-api.dji.com', '9.9.9.9', { countryIso: 'CH' })).alerts).toEqual([]);
    expect(e.matchDnsQuery(q('flysafe-api.dji.com', '1.2.3.4', { countryIso: 'CN' })).alerts).toHaveLength(1);
    expect(e.matchDnsQuery(q('example.org', '114.114.114.114')).alerts).toEqual([]);
    expect(ids(e, flow({ ip: '114.114.114.114', port: 53, transport: 'udp' }))).toEqual([]);
  });
});

describe('hostile names', () => {
  it('an over-long name still matches a suffix rule, on its last labels, and the reason says so', async () => {
    const e = await engineFor([{ id: 't.sfx', match: { domain_suffix: ['dji.com'] } }, { id: 't.exact', match: { domain: ['a.dji.com'] } }]);
    const long = `${'x.'.repeat(400)}a.dji.com`;
    const r = e.matchFlow(flow({ domain: long }));
    expect(r.alerts.map((h) => h.rule.id)).toEqual(['t.sfx']);
    expect(r.alerts[0]?.reasons[0]).toMatch(/longer than 253 characters, matched on its last labels/);
  });

  it('names that IDNA cannot convert and empty labels do not throw', async () => {
    const e = await engineFor([{ id: 't.sfx', match: { domain_suffix: ['dji.com'] } }]);
    for (const bad of ['a..dji.com', '.', '\u0000.dji.com', 'xn--.dji.com', 'a b.dji.com', '\uD800.com']) {
      expect(() => e.matchFlow(flow({ domain: bad }))).not.toThrow();
    }
  });
});
