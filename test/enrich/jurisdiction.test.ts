import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { OperatorTable } from '../../src/enrich/operators.js';
import { GroundwatchError } from '../../src/errors.js';
import { ASN_CSV_DIR } from './helpers.js';
import { findRow, parseRow, v4ToBig, v6ToBig, type OracleRow } from './oracle.js';

/** The CSV row holding an address: the oracle for ASN and organisation. */
const csvCache = new Map<boolean, OracleRow[]>();
function csvRow(ip: string): OracleRow | undefined {
  const v6 = ip.includes(':');
  let rows = csvCache.get(v6);
  if (!rows) {
    const text = readFileSync(join(ASN_CSV_DIR, v6 ? 'asn-ipv6.csv' : 'asn-ipv4.csv'), 'utf8');
    rows = text.split('\n').filter(Boolean).map((l) => parseRow(l, v6));
    csvCache.set(v6, rows);
  }
  return findRow(rows, v6 ? v6ToBig(ip) : v4ToBig(ip));
}

describe('jurisdiction from the embedded data', () => {
  let geo: GeoResolver;
  beforeAll(async () => {
    geo = await GeoResolver.open({ searchSystemDirs: false });
  }, 120_000);

  // Expected ASNs: research note §1.4 / §2.1 (47.91.161.230 = AS45102, 119.29.29.29 = AS132203);
  // 120.24.10.20 and 2408:4000::1: the CSV row itself.
  it.each([
    ['120.24.10.20', undefined, 'Alibaba Cloud'],
    ['47.91.161.230', 45102, 'Alibaba Cloud'],
    ['119.29.29.29', 132203, 'Tencent Cloud'],
    ['2408:4000::1', undefined, 'Alibaba Cloud'],
  ] as const)('%s', (ip, noteAsn, operator) => {
    const row = csvRow(ip);
    expect(row).toBeDefined();
    const g = geo.lookup(ip);
    expect(g.asn).toBe(row!.asn);
    expect(g.asOrg).toBe(row!.org);
    if (noteAsn !== undefined) expect(g.asn).toBe(noteAsn);
    expect(g.operatorCountry).toBe('CN');
    expect(g.operatorName).toBe(operator);
    expect(g.asnDb?.type).toBe('GroundWatch-ASN');
    expect(g.asnDb?.buildDate).toBe('2026-06-17T19:00:00.000Z'); // package version 2.3.2026061719
    expect(g.countryDb?.path).toMatch(/dbip-country\.mmdb$/);
    expect(g.registrantDb?.path).toMatch(/geo-whois-asn-country\.mmdb$/);
  });

  it('registrant (whois) country: the research note (§2.3) reports US for 47.91.161.230 and HK for 119.29.29.29', () => {
    expect(geo.lookup('47.91.161.230').registrantCountryIso).toBe('US');
    expect(geo.lookup('119.29.29.29').registrantCountryIso).toBe('HK');
  });

  it('location country: the research note (§2.3) has 47.91.161.230 in HK per a location database (GeoLite2)', () => {
    expect(geo.lookup('47.91.161.230').countryIso).toBe('HK');
  });

  it('a non-Chinese network gets no operator country', () => {
    const row = csvRow('8.8.8.8');
    const g = geo.lookup('8.8.8.8');
    expect(g.asn).toBe(row!.asn);
    expect(g.operatorCountry).toBeUndefined();
  });
});

describe('rules/operators.yaml', () => {
  it('holds every ASN of the research note tables §2.1 / §2.2 with its operator country', async () => {
    const table = await OperatorTable.load();
    const cn = [37963, 45102, 24429, 45090, 132203, 133478, 55990, 63727, 38365, 55967, 59019, 137718, 131486, 137753,
      45062, 4134, 4809, 4812, 4811, 4813, 4816, 4835, 23724, 58466, 134774, 134773, 138950, 4837, 9929, 4808, 17621,
      17622, 17623, 17816, 9808, 56040, 56041, 56042, 56046, 56047, 56048, 24400, 9394, 4538, 38255, 24406, 17428,
      24133, 55960, 146788, 7641, 134963, 136907, 135377, 58453, 58807, 23764, 10099, 396986];
    expect(cn.filter((asn) => table.get(asn)?.country !== 'CN')).toEqual([]);
    expect(table.get(3491)?.country).toBe('HK'); // PCCW: HK stays HK
    expect(table.get(15169)).toBeUndefined();
  });

  it('rejects an ASN listed twice, a lower-case country and unknown fields', async () => {
    const op = (name: string, country: string, asn: number) =>
      `  - { name: ${name}, country: ${country}, confidence: H, asns: [{ asn: ${asn}, registered_name: x, source: s }] }\n`;
    const bad = [
      `version: 1\noperators:\n${op('A', 'CN', 1)}${op('B', 'CN', 1)}`,
      `version: 1\noperators:\n${op('A', 'cn', 1)}`,
      `version: 1\noperators:\n${op('A', 'CN', 1)}extra: 1\n`,
      `version: 1\noperators: [`,
    ];
    for (const text of bad) {
      await expect(OperatorTable.fromText(text)).rejects.toThrow(GroundwatchError);
    }
    expect((await OperatorTable.fromText(`version: 1\noperators:\n${op('A', 'MO', 7)}`)).get(7)?.country).toBe('MO');
  });
});
