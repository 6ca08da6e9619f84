import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAlertRecord, buildDnsQueryAlertRecord } from '../../src/alerts/build.js';
import { hit, snapshot } from './fixtures.js';

describe('buildAlertRecord', () => {
  const run1 = { runId: 'run-1', files: ['captures/a.pcapng', 'captures/b.pcap'] };
  const rec = buildAlertRecord(snapshot({ origin: { sourceIndex: 1, packetNumber: 42 } }), hit(), 'tls_sni', { tsSec: 1700000000, tsNsec: 123456789 }, run1);

  it('carries the evidence a reviewer needs', () => {
    expect(rec['@timestamp']).toBe('2023-11-14T22:13:20.123456789Z');
    expect(rec.event).toMatchObject({ kind: 'alert', dataset: 'groundwatch.alert', severity: 4, start: '2023-11-14T22:13:20.000000000Z' });
    expect(rec.source).toEqual({ ip: '192.168.1.10', port: 50000, mac: 'AA-BB-CC-DD-EE-FF' });
    expect(rec.destination).toMatchObject({
      ip: '120.24.10.20', port: 443, domain: 'flysafe-api.dji.com',
      geo: { country_iso_code: 'CN' }, as: { number: 37963, organization: { name: 'Hangzhou Alibaba Advertising Co.,Ltd.' } },
    });
    expect(rec.network).toEqual({ transport: 'tcp', iana_number: '6', community_id: '1:abc=' });
    expect(rec.rule).toMatchObject({ id: 'china.cn-located', ruleset: 'china', version: '2@2026.11.1', category: 'cn_located' });
    expect(rec.groundwatch).toMatchObject({
      severity: 'high', category: 'cn_located', flow: { uid: 'CfLow1' }, repeats: 0, bytes_so_far: 4600, trigger: 'tls_sni', run_id: 'run-1',
      capture: { file: 'captures/b.pcap', packet: 42 },
      reasons: ['destination.ip 120.24.10.20 is located in CN (GeoLite2-Country built 2026-06-17)'],
      jurisdiction: { operator_country: 'CN', operator_name: 'Alibaba' },
      geoip: {
        country_db: { type: 'GeoLite2-Country', path: '/geo/c.mmdb', build_date: '2026-06-17' },
        asn_db: { type: 'GeoLite2-ASN', path: '/geo/a.mmdb', build_date: '2026-06-18' },
      },
    });
    expect(rec.groundwatch.name).toEqual({ source: 'tls_sni', evidence: snapshot().attribution.names, conflict: false });
  });

  it('event.id is the first 16 hex of sha256("", flow uid, rule id): deterministic, and the same whatever the run', () => {
    // The empty first part is where the run id once went (never set): ids in existing stores stay valid.
    const expected = createHash('sha256').update('\0CfLow1\0china.cn-located\0').digest('hex').slice(0, 16);
    expect(rec.event.id).toBe(expected);
    expect(buildAlertRecord(snapshot(), hit(), 'dns', '2023-11-14T22:13:21Z', run1).event.id).toBe(expected);
    // Another run (a re-replay of the same capture) gives the same id: the store keeps one row, acknowledgements stay.
    expect(buildAlertRecord(snapshot(), hit(), 'tls_sni', '2023-11-14T22:13:21Z', { runId: 'run-2', files: [] }).event.id).toBe(expected);
    expect(buildAlertRecord(snapshot(), hit(), 'tls_sni', '2023-11-14T22:13:21Z').event.id).toBe(expected);
    expect(buildAlertRecord(snapshot(), hit('china.other'), 'tls_sni', '2023-11-14T22:13:21Z', run1).event.id).not.toBe(expected);
  });

  it('names no capture file when the flow has no origin (live capture) or the file is unknown', () => {
    expect(buildAlertRecord(snapshot(), hit(), 'dns', '2023-11-14T22:13:21Z', run1).groundwatch.capture).toBeUndefined();
    const unknownFile = buildAlertRecord(snapshot({ origin: { sourceIndex: 5, packetNumber: 1 } }), hit(), 'dns', '2023-11-14T22:13:21Z', run1);
    expect(unknownFile.groundwatch.capture).toBeUndefined();
    expect(unknownFile.groundwatch.run_id).toBe('run-1');
  });

  it('the record is plain JSON (no undefined leaks into NDJSON)', () => {
    const text = JSON.stringify(buildAlertRecord(snapshot({ geo: {} }), hit(), 'first_packet', '2023-11-14T22:13:21Z'));
    expect(text).not.toMatch(/undefined/);
    expect(JSON.parse(text).groundwatch.geoip).toBeUndefined();
    const rec = buildAlertRecord(snapshot({ geo: {} }), hit(), 'first_packet', '2023-11-14T22:13:21Z');
    expect(Object.keys(rec.groundwatch)).not.toContain('jurisdiction');
    expect(Object.keys(rec.groundwatch)).not.toContain('geoip');
  });
});

describe('buildDnsQueryAlertRecord', () => {
  const q = {
    device: { ip: '192.168.1.10' }, resolver: { ip: '114.114.114.114', port: 53, transport: 'udp' as const },
    resolverGeo: { countryIso: 'CN' }, qname: 'account-api.dji.com', qtype: 'A',
  };
  const h = { ...hit('china.dns-query.dji-name'), reasons: ['dns.question.name account-api.dji.com is under dji.com'] };

  it('names the query, the resolver and the flow that carried it', () => {
    const run = { runId: 'run-1', files: ['dns.pcap'] };
    const rec = buildDnsQueryAlertRecord({ flowUid: 'Cdns1', clientPort: 40000, dnsId: 4660, packet: { sourceIndex: 0, packetNumber: 7 } }, q, h, '2023-11-14T22:13:21Z', run);
    expect(rec.groundwatch.run_id).toBe('run-1');
    expect(rec.groundwatch.capture).toEqual({ file: 'dns.pcap', packet: 7 });
    expect(rec.groundwatch.dns_query).toEqual({ name: 'account-api.dji.com', type: 'A' });
    expect(rec.groundwatch.trigger).toBe('dns_query');
    expect(rec.destination).toMatchObject({ ip: '114.114.114.114', port: 53, geo: { country_iso_code: 'CN' } });
    expect(rec.source).toEqual({ ip: '192.168.1.10', port: 40000 });
    expect(rec.groundwatch.flow.uid).toBe('Cdns1');
  });

  it('two queries in one flow get distinct, reproducible ids, the same in another run', () => {
    const r = { runId: 'r', files: [] };
    const a = buildDnsQueryAlertRecord({ flowUid: 'Cdns1', clientPort: 40000, dnsId: 1 }, q, h, '2023-11-14T22:13:21Z', r);
    const b = buildDnsQueryAlertRecord({ flowUid: 'Cdns1', clientPort: 40000, dnsId: 2 }, q, h, '2023-11-14T22:13:21Z', r);
    const a2 = buildDnsQueryAlertRecord({ flowUid: 'Cdns1', clientPort: 40000, dnsId: 1 }, q, h, '2023-11-14T22:13:21Z', { runId: 'r2', files: [] });
    expect(a.event.id).not.toBe(b.event.id);
    expect(a.event.id).toBe(a2.event.id);
  });
});
