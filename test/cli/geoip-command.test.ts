import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerGeoipCommands } from '../../src/cli/geoip-command.js';
import { GroundwatchError } from '../../src/errors.js';
import { join } from 'node:path';
import { MAXMIND_TEST_DIR } from '../enrich/helpers.js';
import { mmdblookupString, mmdblookupVerbose } from '../enrich/oracle.js';
import { embeddedCountryMmdb, embeddedRegistrantMmdb } from '../../src/enrich/paths.js';

async function run(args: string[], now?: Date): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerGeoipCommands(program, { out: (t) => (out += t), err: (t) => (err += t), ...(now ? { now: () => now } : {}) });
  await program.parseAsync(['node', 'groundwatch', ...args]);
  return { out, err };
}

describe('groundwatch geoip lookup', () => {
  it('answers 120.24.10.20 8.8.8.8 2408:4000::1 from the embedded data (no network)', async () => {
    const { out } = await run(['geoip', 'lookup', '120.24.10.20', '8.8.8.8', '2408:4000::1', '--no-system-geoip', '--format', 'ndjson']);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.ip)).toEqual(['120.24.10.20', '8.8.8.8', '2408:4000::1']);
    // ASNs: @ip-location-db/asn CSV rows (120.24.0.0-120.27.255.255 and 2408:4000::-2408:4015:... = 37963,
    // 8.8.8.0/24 = 15169 Google); operator CN from rules/operators.yaml (research note §2.1)
    expect(lines[0]).toMatchObject({ asn: 37963, operatorCountry: 'CN', operatorName: 'Alibaba Cloud' });
    expect(lines[1]).toMatchObject({ asn: 15169 });
    expect(lines[1]!.operatorCountry).toBeUndefined();
    expect(lines[2]).toMatchObject({ asn: 37963, operatorCountry: 'CN' });
    for (const l of lines) expect((l.asnDb as { type: string }).type).toBe('GroundWatch-ASN');
  }, 120_000);

  it('text output names every field and the database that answered', async () => {
    const { out } = await run(['geoip', 'lookup', '89.160.20.128', '10.1.2.3', '--geoip', MAXMIND_TEST_DIR, '--no-system-geoip']);
    expect(out).toMatch(/^89\.160\.20\.128\n/);
    expect(out).toMatch(/country\s+SE\n/);
    expect(out).toMatch(/registered country\s+DE\n/);
    expect(out).toMatch(/asn\s+AS29518 Bredband2 AB\n/);
    expect(out).toMatch(/country db\s+GeoIP2-Country, built 2026-02-04, .*GeoIP2-Country-Test\.mmdb\n/);
    expect(out).toMatch(/10\.1\.2\.3\n(.*\n)*\s+special range\s+private\n/);
  });

  it('shows both country sources (mmdblookup on the same files) and the mainland-China disagreement', async () => {
    // 18.162.0.10: AWS ap-east-1 Hong Kong (sources in test/enrich/country-sources-cloud.test.ts).
    const { out } = await run(['geoip', 'lookup', '18.162.0.10', '--no-system-geoip']);
    const location = mmdblookupString(embeddedCountryMmdb(), '18.162.0.10', ['country_code']);
    const registrant = mmdblookupString(embeddedRegistrantMmdb(), '18.162.0.10', ['country_code']);
    expect([location, registrant]).toEqual(['HK', 'CN']);
    expect(out).toMatch(/\n  country\s+HK\n/);
    expect(out).toMatch(/\n  registrant country\s+CN\n/);
    expect(out).toMatch(/\n  country db\s+dbip-country, built \d{4}-\d\d-\d\d, .*dbip-country\.mmdb\n/);
    expect(out).toMatch(/\n  registrant db\s+geo-whois-asn-country, built \d{4}-\d\d-\d\d, .*geo-whois-asn-country\.mmdb\n/);
    expect(out).toMatch(/\n  disagreement\s+location and registrant disagree about mainland China \(CN\)/);
    const nd = await run(['geoip', 'lookup', '18.162.0.10', '34.92.0.10', '--no-system-geoip', '--format', 'ndjson']);
    const [aws, google] = nd.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(aws).toMatchObject({ countryIso: 'HK', registrantCountryIso: 'CN', geoDisagreement: 'CN' });
    expect(google).toMatchObject({ countryIso: 'HK', registrantCountryIso: mmdblookupString(embeddedRegistrantMmdb(), '34.92.0.10', ['country_code']) });
    expect(google!.geoDisagreement).toBeUndefined();
  }, 120_000);

  it('a bad address among good ones: the good ones are answered, the bad one named in one USAGE line (exit 2)', async () => {
    let out = '';
    const program = new Command().exitOverride();
    registerGeoipCommands(program, { out: (t) => (out += t), err: () => undefined });
    const err = await program
      .parseAsync(['node', 'groundwatch', 'geoip', 'lookup', '8.8.8.8', '999.1.1.1', '2408:4000::1', '--no-system-geoip', '--format', 'ndjson'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroundwatchError);
    expect((err as GroundwatchError).code).toBe('USAGE');
    expect((err as GroundwatchError).exitCode).toBe(2);
    expect((err as GroundwatchError).toLine()).toBe('groundwatch: USAGE: not an IP address: "999.1.1.1" (the other 2 answered above)');
    const answers = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers.map((a) => a.ip)).toEqual(['8.8.8.8', '2408:4000::1']);
    // The ASN database's CSV rows (see the first test): 8.8.8.0/24 = 15169, 2408:4000::/... = 37963.
    expect(answers.map((a) => a.asn)).toEqual([15169, 37963]);
  }, 120_000);

  it('only bad addresses: one USAGE line naming each, nothing answered', async () => {
    const err = await run(['geoip', 'lookup', '999.1.1.1', 'example.com', '--no-system-geoip']).catch((e: unknown) => e);
    expect((err as GroundwatchError).toLine()).toBe('groundwatch: USAGE: not an IP address: "999.1.1.1", "example.com"');
  });
});

describe('groundwatch geoip info', () => {
  it('lists the location and the registrant database with their licences', async () => {
    const { out } = await run(['geoip', 'info', '--no-system-geoip']);
    expect(out).toMatch(/^country\n  type\s+dbip-country\n  path\s+.*dbip-country\.mmdb\n/m);
    expect(out).toMatch(/licence\s+CC BY 4\.0: IP Geolocation by DB-IP/);
    expect(out).toMatch(/^registrant\n  type\s+geo-whois-asn-country\n/m);
    expect(out).toMatch(/licence\s+ip-location-db geo-whois-asn-country/);
  }, 120_000);

  it('lists databases with dates, record counts and licences; warns on stale ones', async () => {
    const now = new Date('2026-03-31T00:00:00Z'); // the test DBs were built 2026-02-04: 54 days earlier
    const stale = await run(['geoip', 'info', '--geoip', MAXMIND_TEST_DIR, '--no-system-geoip'], now);
    expect(stale.out).toMatch(/GeoIP2-Country-Test\.mmdb/);
    expect(stale.out).toMatch(/built\s+2026-02-04T22:49:29\.000Z \(54 days ago\)/);
    expect(stale.out).toMatch(/licence\s+MaxMind test data/);
    expect(stale.err.match(/warning: .* is 54 days old \(limit 35\)/g)).toHaveLength(2);
    const fresh = await run(['geoip', 'info', '--geoip', MAXMIND_TEST_DIR, '--no-system-geoip', '--max-age-days', '60'], now);
    expect(fresh.err).toBe('');
  });

  it('ndjson output carries node counts from the metadata', async () => {
    const { out } = await run(['geoip', 'info', '--geoip', MAXMIND_TEST_DIR, '--no-system-geoip', '--format', 'ndjson']);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as { role: string; recordCount?: number; type?: string });
    // The MaxMind test dir has no registrant (whois) database: that role comes from the embedded one.
    expect(rows.map((r) => r.role)).toEqual(['country', 'registrant', 'asn', 'operators']);
    const verbose = mmdblookupVerbose(join(MAXMIND_TEST_DIR, 'GeoIP2-Country-Test.mmdb'), '81.2.69.160');
    expect(rows[0]!.recordCount).toBe(Number(/Node count:\s+(\d+)/.exec(verbose)![1]));
  });
});
