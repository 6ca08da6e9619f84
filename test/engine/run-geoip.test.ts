import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GeoResolver } from '../../src/enrich/index.js';
import { runGeoDatabases } from '../../src/engine/run-geoip.js';

describe('run provenance: GeoIP digests', () => {
  it('each database in use is listed with the SHA-256 that sha256sum computes for its file', async () => {
    const geo = await GeoResolver.open({ searchSystemDirs: false });
    const listed = await runGeoDatabases(geo);
    expect(listed.length).toBeGreaterThanOrEqual(3);
    for (const db of listed) {
      const oracle = execFileSync('sha256sum', [db.path], { encoding: 'utf8' }).split(' ')[0];
      expect(db.sha256, db.path).toBe(oracle);
    }
  });

  it('a resolver that kept no bytes falls back to hashing the file', async () => {
    const geo = await GeoResolver.open({ searchSystemDirs: false });
    const listed = await runGeoDatabases({ databases: () => geo.databases() });
    for (const db of listed) expect(db.sha256).toBe(execFileSync('sha256sum', [db.path], { encoding: 'utf8' }).split(' ')[0]);
  });
});
