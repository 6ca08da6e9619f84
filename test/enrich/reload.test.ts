import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counters } from '../../src/counters.js';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { watchGeoDir } from '../../src/enrich/watch.js';
import { GroundwatchError } from '../../src/errors.js';
import { MAXMIND_TEST_DIR } from './helpers.js';

const COUNTRY = 'GeoIP2-Country-Test.mmdb';
const ASN = 'GeoLite2-ASN-Test.mmdb';

function copyOfTestDbs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-geo-'));
  for (const f of [COUNTRY, ASN]) copyFileSync(join(MAXMIND_TEST_DIR, f), join(dir, f));
  return dir;
}

const opts = (dir: string, counters?: Counters) => ({ dir, searchSystemDirs: false, embedded: false, ...(counters ? { counters } : {}) });

describe('GeoResolver.reload', () => {
  it('a garbage replacement keeps the old readers and reports one error', async () => {
    const dir = copyOfTestDbs();
    const counters = new Counters();
    const geo = await GeoResolver.open(opts(dir, counters));
    expect(geo.lookup('89.160.20.128').countryIso).toBe('SE'); // README table
    writeFileSync(join(dir, COUNTRY), Buffer.from('this is not a MaxMind database'.repeat(100)));
    const result = await geo.reload();
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/GeoIP2-Country-Test\.mmdb/);
    expect(result.error).not.toMatch(/\n/);
    expect(geo.lookup('89.160.20.128').countryIso).toBe('SE');
    expect(geo.lookup('81.2.69.160').countryIso).toBe('GB'); // not cached before: answered by the old reader
    expect(counters.get('enrich.geoip.reload_failed')).toBe(1);

    copyFileSync(join(MAXMIND_TEST_DIR, COUNTRY), join(dir, COUNTRY));
    expect(await geo.reload()).toEqual({ ok: true });
    expect(geo.lookup('2.125.160.217').countryIso).toBe('GB');
  });

  it('open() refuses a corrupt explicit file with GEOIP_DB_UNREADABLE', async () => {
    const dir = copyOfTestDbs();
    writeFileSync(join(dir, ASN), Buffer.alloc(4096, 0xab));
    await expect(GeoResolver.open(opts(dir))).rejects.toMatchObject({ code: 'GEOIP_DB_UNREADABLE' });
  });

  it('open() on a missing or empty explicit directory says GEOIP_DB_MISSING', async () => {
    await expect(GeoResolver.open(opts('/nonexistent/geoip'))).rejects.toMatchObject({ code: 'GEOIP_DB_MISSING' });
    await expect(GeoResolver.open(opts(mkdtempSync(join(tmpdir(), 'gw-geo-'))))).rejects.toBeInstanceOf(GroundwatchError);
  });

  it('a database truncated behind its metadata is refused', async () => {
    const dir = copyOfTestDbs();
    const full = join(MAXMIND_TEST_DIR, ASN);
    const bytes = (await import('node:fs')).readFileSync(full);
    // keep the last 300 bytes (metadata) but drop most of the search tree
    writeFileSync(join(dir, ASN), Buffer.concat([bytes.subarray(0, 100), bytes.subarray(bytes.length - 300)]));
    await expect(GeoResolver.open(opts(dir))).rejects.toMatchObject({ code: 'GEOIP_DB_UNREADABLE' });
  });
});

describe('watchGeoDir', () => {
  it('reloads after a database is replaced by rename (as geoipupdate does)', async () => {
    const dir = copyOfTestDbs();
    const geo = await GeoResolver.open(opts(dir));
    const results: Array<{ ok: boolean }> = [];
    const done = new Promise<void>((resolve) => {
      const w = watchGeoDir(geo, (r) => {
        results.push(r);
        w.close();
        resolve();
      }, { debounceMs: 50 });
      copyFileSync(join(MAXMIND_TEST_DIR, COUNTRY), join(dir, 'tmp-download'));
      renameSync(join(dir, 'tmp-download'), join(dir, COUNTRY));
    });
    await done;
    expect(results).toEqual([{ ok: true }]);
  });
});
