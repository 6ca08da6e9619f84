import { describe, expect, it, beforeAll } from 'vitest';
import { join } from 'node:path';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { MAXMIND_TEST_DIR } from './helpers.js';

/**
 * Every row of fixtures/geoip-test/README.md ("Example lookups", each checked there with
 * mmdblookup). undefined = "not found", "-" or "no organization field".
 */
const ROWS: Array<{ ip: string; country?: string; registered?: string; asn?: number; org?: string }> = [
  { ip: '81.2.69.160', country: 'GB', registered: 'US' },
  { ip: '89.160.20.128', country: 'SE', registered: 'DE', asn: 29518, org: 'Bredband2 AB' },
  { ip: '216.160.83.58', country: 'US', registered: 'GB', asn: 209 },
  { ip: '2.125.160.217', country: 'GB', registered: 'FR' },
  { ip: '67.43.156.1', country: 'BT', registered: 'RO', asn: 35908 },
  { ip: '202.196.224.1', country: 'PH' },
  { ip: '214.1.1.1', asn: 721, org: 'DoD Network Information Center' },
  { ip: '149.101.100.1', country: 'US', registered: 'GB', asn: 6167, org: 'CELLCO-PART' },
  { ip: '1.0.0.1', asn: 15169, org: 'Google Inc.' },
  { ip: '2001:218::1', country: 'JP', registered: 'JP' },
  { ip: '2a02:d3c0::1', country: 'GB', registered: 'GB' },
  { ip: '2001:4600::1', asn: 2119, org: 'Telenor Norge AS' },
  { ip: '::ffff:81.2.69.160', country: 'GB', registered: 'US' },
  { ip: '8.8.8.8' },
];

describe('GeoResolver on MaxMind test databases', () => {
  let geo: GeoResolver;
  beforeAll(async () => {
    geo = await GeoResolver.open({ dir: MAXMIND_TEST_DIR, searchSystemDirs: false, embedded: false });
  });

  it('uses the Country DB (not the City DB) and the ASN DB of the directory', () => {
    const dbs = geo.databases();
    expect(dbs.map((d) => [d.role, d.type, d.path])).toEqual([
      ['country', 'GeoIP2-Country', join(MAXMIND_TEST_DIR, 'GeoIP2-Country-Test.mmdb')],
      ['asn', 'GeoLite2-ASN', join(MAXMIND_TEST_DIR, 'GeoLite2-ASN-Test.mmdb')],
    ]);
    // README: build epoch 1770245369, record size 28 for all three.
    expect(dbs.every((d) => d.buildDate === new Date(1770245369 * 1000).toISOString() && d.recordSize === 28)).toBe(true);
  });

  it.each(ROWS)('$ip', (row) => {
    const g = geo.lookup(row.ip);
    expect(g.countryIso).toBe(row.country);
    if (row.registered !== undefined) expect(g.registeredCountryIso).toBe(row.registered);
    if (row.country === undefined) expect(g.registeredCountryIso).toBeUndefined();
    expect(g.asn).toBe(row.asn);
    expect(g.asOrg).toBe(row.org);
    expect(g.special).toBeUndefined();
    expect(g.countryDb?.type).toBe('GeoIP2-Country');
    expect(g.asnDb?.type).toBe('GeoLite2-ASN');
    expect(g.asnDb?.buildDate).toBe('2026-02-04T22:49:29.000Z');
  });

  it('10.0.0.1 (README: not found anywhere) is classified private without a lookup', () => {
    expect(geo.lookup('10.0.0.1')).toEqual({ special: 'private' });
  });

  it('answers from the IPv4-mapped form equal the IPv4 ones (README: aliased)', () => {
    expect(geo.lookup('::ffff:89.160.20.128')).toEqual(geo.lookup('89.160.20.128'));
  });

  it('a garbage address is counted, not thrown', () => {
    expect(geo.lookup('not-an-ip')).toEqual({});
  });

  it('a City DB alone serves as the country database', async () => {
    const city = await GeoResolver.open({ dir: join(MAXMIND_TEST_DIR, 'GeoIP2-City-Test.mmdb'), searchSystemDirs: false, embedded: false });
    expect(city.lookup('81.2.69.160').countryIso).toBe('GB'); // README: City DB row London, GB
    expect(city.lookup('81.2.69.160').asnDb).toBeUndefined();
  });
});
