/**
 * Issue 11 as a user meets it: a capture with one connection to AWS Hong Kong (ap-east-1,
 * 18.162.0.0/16: registrant database CN, location HK) and one to a mainland address, replayed
 * with the built CLI. The HK flow must not raise china.cn-located (it did while the country
 * answer was the registrant's); the mainland one must. NDJSON and the SQLite store (read back
 * with the sqlite3 CLI) carry both country answers and the disagreement. Expected countries
 * come from mmdblookup on the database files the records name, not from groundwatch.
 * Address sources: see test/enrich/country-sources-cloud.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord, FlowRecord } from '../../src/records/ecs.js';
import { SCHEMA_VERSION } from '../../src/sinks/sqlite-schema.js';
import { mmdblookupString } from '../enrich/oracle.js';
import { runCli } from '../support/cli.js';
import { ACK, ascii, ethernetIp, FIN, LINKTYPE_ETHERNET, pcapFile, PSH, SYN, tcpPacket, type CaptureFrame } from '../support/packet-builder.js';

const DEVICE = '192.168.1.10';
const AWS_HK = '18.162.0.10';
const MAINLAND = '120.55.9.120';

/** A whole TCP connection: handshake, one request and answer, FIN both ways. */
function connection(server: string, clientPort: number, t0: number): CaptureFrame[] {
  const up = { src: DEVICE, dst: server };
  const down = { src: server, dst: DEVICE };
  const c = { srcPort: clientPort, dstPort: 443 };
  const s = { srcPort: 443, dstPort: clientPort };
  const req = ascii('x'.repeat(100));
  const resp = ascii('y'.repeat(200));
  const packets = [
    tcpPacket(up, { ...c, seq: 1000, flags: SYN }),
    tcpPacket(down, { ...s, seq: 5000, ack: 1001, flags: SYN | ACK }),
    tcpPacket(up, { ...c, seq: 1001, ack: 5001, flags: ACK }),
    tcpPacket(up, { ...c, seq: 1001, ack: 5001, flags: PSH | ACK }, req),
    tcpPacket(down, { ...s, seq: 5001, ack: 1101, flags: PSH | ACK }, resp),
    tcpPacket(up, { ...c, seq: 1101, ack: 5201, flags: FIN | ACK }),
    tcpPacket(down, { ...s, seq: 5201, ack: 1102, flags: FIN | ACK }),
    tcpPacket(up, { ...c, seq: 1102, ack: 5202, flags: ACK }),
  ];
  return packets.map((p, i) => ({ tsSec: t0, tsNsec: i * 1_000_000, data: ethernetIp(p) }));
}

function sqlite(db: string, sql: string): string[][] {
  const r = spawnSync('sqlite3', ['-readonly', '-separator', '|', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

describe('replay: location decides china.cn-located, a disagreement is said', () => {
  let flows: FlowRecord[];
  let alerts: AlertRecord[];
  let db: string;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-country-sources-'));
    const pcap = join(dir, 'two-regions.pcap');
    writeFileSync(pcap, pcapFile(LINKTYPE_ETHERNET, [...connection(AWS_HK, 50001, 1_780_000_000), ...connection(MAINLAND, 50002, 1_780_000_010)]));
    db = join(dir, 'gw.db');
    const r = runCli(['replay', pcap, '--db', db, '--format', 'ndjson', '--events', 'flows', '--no-summary', '--fail-on', 'never']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as FlowRecord | AlertRecord);
    flows = recs.filter((x): x is FlowRecord => x.event.dataset === 'groundwatch.flow');
    alerts = recs.filter((x): x is AlertRecord => x.event.dataset === 'groundwatch.alert');
  }, 120_000);

  const alertIds = (ip: string): string[] => alerts.filter((a) => a.destination?.ip === ip).map((a) => a.rule.id).sort();

  it('AWS Hong Kong: no china.cn-located; china.cn-disputed (medium) from the device', () => {
    expect(alertIds(AWS_HK)).not.toContain('china.cn-located');
    const disputed = alerts.find((a) => a.destination?.ip === AWS_HK && a.rule.id === 'china.cn-disputed');
    expect(disputed?.groundwatch.severity).toBe('medium');
    expect(disputed?.source?.ip).toBe(DEVICE);
  });

  it('the mainland address still raises china.cn-located (high)', () => {
    const located = alerts.find((a) => a.destination?.ip === MAINLAND && a.rule.id === 'china.cn-located');
    expect(located?.groundwatch.severity).toBe('high');
    expect(alertIds(MAINLAND)).not.toContain('china.cn-disputed');
  });

  it('flow and alert records: destination.geo is the location answer, groundwatch.registrant the whois one (mmdblookup on the named files)', () => {
    for (const rec of [...flows, ...alerts]) {
      const ip = rec.destination!.ip;
      const geoip = rec.groundwatch.geoip!;
      expect(rec.destination?.geo?.country_iso_code).toBe(mmdblookupString(geoip.country_db!.path, ip, ['country_code']));
      expect(rec.groundwatch.registrant?.country_iso_code).toBe(mmdblookupString(geoip.registrant_db!.path, ip, ['country_code']));
      expect(geoip.country_db!.path).toMatch(/dbip-country\.mmdb$/);
      expect(geoip.registrant_db!.path).toMatch(/geo-whois-asn-country\.mmdb$/);
    }
    const hk = flows.find((f) => f.destination?.ip === AWS_HK)!;
    expect(hk.destination?.geo?.country_iso_code).toBe('HK');
    expect(hk.groundwatch.registrant?.country_iso_code).toBe('CN');
  });

  it('the disagreement block names both answers, databases and dates, in the flow and in its alert', () => {
    const flow = flows.find((f) => f.destination?.ip === AWS_HK)!;
    const alert = alerts.find((a) => a.destination?.ip === AWS_HK && a.rule.id === 'china.cn-disputed')!;
    for (const rec of [flow, alert]) {
      const geoip = rec.groundwatch.geoip!;
      expect(rec.groundwatch.geo_disagreement).toEqual({
        country_iso_code: 'CN',
        location: { country_iso_code: 'HK', database: 'dbip-country', build_date: geoip.country_db!.build_date },
        registrant: { country_iso_code: 'CN', database: 'geo-whois-asn-country', build_date: geoip.registrant_db!.build_date },
      });
    }
    expect(flows.find((f) => f.destination?.ip === MAINLAND)!.groundwatch.geo_disagreement).toBeUndefined();
  });

  it('SQLite (read with the sqlite3 CLI): country, registrant_country and geo_disagreement columns', () => {
    // Flow rows carry the location column queries filter on; the registrant answer is in the record (schema 11).
    expect(sqlite(db, 'SELECT destination_ip, country, ifnull(registrant_country, \'-\'), ifnull(geo_disagreement, \'-\') FROM flows ORDER BY destination_ip')).toEqual([
      [MAINLAND, 'CN', '-', '-'],
      [AWS_HK, 'HK', '-', '-'],
    ]);
    const listed = runCli(['flows', 'list', '--db', db, '--format', 'csv']);
    expect(listed.status).toBe(0);
    const [header, ...lines] = listed.stdout.trim().split('\n').map((l) => l.split(','));
    const column = (name: string) => header!.indexOf(name);
    expect(lines.map((l) => [l[column('destination_ip')], l[column('country')], l[column('registrant_country')]]).sort()).toEqual([
      [MAINLAND, 'CN', 'CN'],
      [AWS_HK, 'HK', 'CN'],
    ].sort());
    const rows = sqlite(db, 'SELECT rule_id, country, registrant_country, ifnull(geo_disagreement, \'-\') FROM alerts WHERE destination_ip = \'18.162.0.10\' ORDER BY rule_id');
    expect(rows).toContainEqual(['china.cn-disputed', 'HK', 'CN', 'CN']);
    expect(rows.map((r) => r[0])).not.toContain('china.cn-located');
    expect(sqlite(db, 'PRAGMA user_version')).toEqual([[String(SCHEMA_VERSION)]]);
  });
});
