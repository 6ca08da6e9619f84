/**
 * A MaxMind Country database as the location source (what `--geoip` or geoipupdate gives),
 * the embedded whois database as the registrant source. Location answers come from MaxMind's
 * own test data (fixtures/geoip-test/GeoIP2-Country-Test.json, the source the .mmdb was built
 * from), registrant answers from mmdblookup on the whois file: neither from groundwatch.
 * In that fake data 2001:250::/31 is CN while the whois database has AU for it (APNIC's
 * registry country), so the location source says CN and the registrant does not.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countrySourceFields } from '../../src/records/evidence.js';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { embeddedCountryMmdb, embeddedRegistrantMmdb } from '../../src/enrich/paths.js';
import { RuleEngine } from '../../src/rules/engine.js';
import { defaultRulePaths, loadRules } from '../../src/rules/load.js';
import type { FlowFacts } from '../../src/rules/types.js';
import { MAXMIND_TEST_DIR } from './helpers.js';
import { mmdblookupString, v4ToBig, v6ToBig } from './oracle.js';

const DIR = MAXMIND_TEST_DIR;
const COUNTRY_TEST = join(DIR, 'GeoIP2-Country-Test.mmdb');
const REGISTRANT_FILE = embeddedRegistrantMmdb();

/** The JSON's networks as [first, last, country] (IPv4 written as ::a.b.c.d/len, IPv4-compatible). */
function knownAnswers(): Array<[bigint, bigint, string | undefined]> {
  const rows = JSON.parse(readFileSync(join(DIR, 'GeoIP2-Country-Test.json'), 'utf8')) as Array<Record<string, { country?: { iso_code?: string } }>>;
  return rows.flatMap((row) =>
    Object.entries(row).map(([net, rec]): [bigint, bigint, string | undefined] => {
      const [addr, lenText] = net.split('/') as [string, string];
      const v4 = /^::(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
      const base = v4 ? v4ToBig(v4[1]!) : v6ToBig(addr);
      const size = 1n << BigInt(128 - Number(lenText));
      return [base, base + size - 1n, rec.country?.iso_code];
    }),
  );
}

function jsonCountry(ip: string): string | undefined {
  const x = ip.includes(':') ? v6ToBig(ip) : v4ToBig(ip);
  return knownAnswers().find(([lo, hi]) => lo <= x && x <= hi)?.[2];
}

const facts = (ip: string, geo: FlowFacts['geo']): FlowFacts => ({
  device: { ip: '192.168.1.10' },
  destination: { ip, port: 443, transport: 'tcp', names: [] },
  geo,
});

describe('MaxMind test Country DB as location, embedded whois as registrant', () => {
  let geo: GeoResolver;
  let engine: RuleEngine;
  beforeAll(async () => {
    geo = await GeoResolver.open({ dir: COUNTRY_TEST, searchSystemDirs: false });
    engine = new RuleEngine(await loadRules(defaultRulePaths()));
  }, 120_000);

  it.each([
    ['2001:250::1', 'CN'],
    ['175.16.199.1', 'CN'],
    ['2001:2e0::1', 'HK'],
    ['2001:288::1', 'TW'],
  ])('%s: location answer equals the JSON (%s) and mmdblookup; registrant equals mmdblookup on the whois file', (ip, place) => {
    const g = geo.lookup(ip);
    expect(jsonCountry(ip)).toBe(place);
    expect(g.countryIso).toBe(place);
    expect(g.countryIso).toBe(mmdblookupString(COUNTRY_TEST, ip, ['country', 'iso_code']));
    expect(g.countryDb?.type).toBe('GeoIP2-Country');
    expect(g.registrantCountryIso).toBe(mmdblookupString(REGISTRANT_FILE, ip, ['country_code']));
    expect(g.registrantDb?.path).toBe(REGISTRANT_FILE);
  });

  it('2001:250::1 (location CN, registrant AU): china.cn-located fires and the record carries the disagreement', () => {
    const g = geo.lookup('2001:250::1');
    expect(g.registrantCountryIso).toBe('AU');
    const ids = engine.matchFlow(facts('2001:250::1', g)).alerts.map((h) => h.rule.id);
    expect(ids).toContain('china.cn-located');
    expect(ids).not.toContain('china.cn-disputed');
    expect(countrySourceFields(g).geo_disagreement).toEqual({
      country_iso_code: 'CN',
      location: { country_iso_code: 'CN', database: 'GeoIP2-Country', build_date: '2026-02-04T22:49:29.000Z' },
      registrant: { country_iso_code: 'AU', database: 'geo-whois-asn-country', build_date: g.registrantDb!.buildDate },
    });
  });

  it('175.16.199.1 (CN in both): china.cn-located, no disagreement', () => {
    const g = geo.lookup('175.16.199.1');
    expect(g.registrantCountryIso).toBe('CN');
    expect(engine.matchFlow(facts('175.16.199.1', g)).alerts.map((h) => h.rule.id)).toContain('china.cn-located');
    expect(countrySourceFields(g).geo_disagreement).toBeUndefined();
  });

  it.each(['2001:2e0::1', '2001:288::1'])('%s (HK / TW, registrant not CN): no CN alert, no disagreement', (ip) => {
    const g = geo.lookup(ip);
    const ids = engine.matchFlow(facts(ip, g)).alerts.map((h) => h.rule.id);
    expect(ids).not.toContain('china.cn-located');
    expect(ids).not.toContain('china.cn-disputed');
    expect(countrySourceFields(g).geo_disagreement).toBeUndefined();
  });
});

describe('roles in a --geoip directory', () => {
  it('a whois file is the registrant, never the location, even beside nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-roles-'));
    copyFileSync(REGISTRANT_FILE, join(dir, 'geo-whois-asn-country.mmdb'));
    const geo = await GeoResolver.open({ dir, searchSystemDirs: false, embedded: false });
    expect(geo.databases().map((d) => [d.role, d.origin, d.type])).toEqual([['registrant', 'explicit', 'geo-whois-asn-country']]);
    expect(geo.lookup('18.162.0.10').countryIso).toBeUndefined();
    expect(geo.lookup('18.162.0.10').registrantCountryIso).toBe(mmdblookupString(REGISTRANT_FILE, '18.162.0.10', ['country_code']));
  });

  it('MaxMind Country beats DB-IP Lite for the location role; the whois file beside them is the registrant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-roles-'));
    copyFileSync(COUNTRY_TEST, join(dir, 'GeoIP2-Country-Test.mmdb'));
    copyFileSync(embeddedCountryMmdb(), join(dir, 'dbip-country.mmdb'));
    copyFileSync(REGISTRANT_FILE, join(dir, 'geo-whois-asn-country.mmdb'));
    const geo = await GeoResolver.open({ dir, searchSystemDirs: false, embedded: false });
    expect(geo.databases().map((d) => [d.role, d.type])).toEqual([['country', 'GeoIP2-Country'], ['registrant', 'geo-whois-asn-country']]);
  });
});
