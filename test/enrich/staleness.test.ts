/**
 * Stale GeoIP data: the age of each database comes from mmdblookup's own
 * reading of the file's build epoch (the oracle), not from our reader; the
 * stats record of a replay reports exactly the databases older than the
 * limit; and the advice names things that exist: the directories discovery
 * searches, the flags and config key that set the limit. Neither `npm ci`
 * (reinstalls the pinned data) nor `npm update` (the registry has nothing
 * newer, see src/enrich/staleness.ts) is the advice any more.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { SYSTEM_GEOIP_DIRS } from '../../src/enrich/paths.js';
import { MonitorConfigSchema } from '../../src/config/monitor-schema.js';
import { DEFAULT_GEOIP_MAX_AGE_DAYS, MONITOR_ADVICE, REPLAY_ADVICE, refreshAdvice, staleDatabases, staleWarning } from '../../src/enrich/staleness.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const DAY_MS = 86_400_000;

/** The build epoch mmdblookup reads from a database's metadata. */
function buildEpochByMmdblookup(path: string): number {
  const r = spawnSync('mmdblookup', ['--file', path, '--ip', '1.1.1.1', '--verbose'], { encoding: 'utf8' });
  const m = /Build epoch:\s+(\d+)/.exec(r.stdout);
  if (!m) throw new Error(`mmdblookup gave no build epoch for ${path}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

describe('stale GeoIP data', () => {
  it('is every database whose build date (per mmdblookup) is older than the limit', async () => {
    const geo = await GeoResolver.open({});
    const now = new Date();
    const dbs = geo.databases(now);
    expect(dbs.length).toBe(3);
    const ages = new Map(dbs.map((d) => [d.role, Math.floor((now.getTime() - buildEpochByMmdblookup(d.path) * 1000) / DAY_MS)]));
    for (const limit of [0, Math.min(...ages.values()) - 1, Math.max(...ages.values()) - 1, Math.max(...ages.values()), DEFAULT_GEOIP_MAX_AGE_DAYS]) {
      const expected = [...ages].filter(([, age]) => age > limit).map(([role]) => role).sort();
      expect(staleDatabases(dbs, limit).map((s) => s.role).sort(), `limit ${limit}`).toEqual(expected);
      expect(staleWarning(dbs, limit) !== undefined).toBe(expected.length > 0);
    }
  });

  it('is reported in every stats record, as mmdblookup dates it', async () => {
    const geo = await GeoResolver.open({});
    const now = Date.now();
    const expected = geo.databases().filter((d) => Math.floor((now - buildEpochByMmdblookup(d.path) * 1000) / DAY_MS) > DEFAULT_GEOIP_MAX_AGE_DAYS).map((d) => d.role).sort();
    // The default limit (vitest.config.ts accepts old data for the other tests).
    const r = runCli(['replay', join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng'), '--no-db', '--format', 'ndjson', '--events', 'all', '--fail-on', 'never'], { env: { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '' } });
    expect(r.status, r.stderr).toBe(0);
    const stats = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: { dataset: string }; groundwatch: { stats?: { geoip: { stale: boolean; max_age_days: number; stale_databases: { role: string }[] } } } })
      .filter((x) => x.event.dataset === 'groundwatch.stats');
    expect(stats.length).toBeGreaterThan(0);
    for (const s of stats) {
      const g = s.groundwatch.stats!.geoip;
      expect(g.max_age_days).toBe(DEFAULT_GEOIP_MAX_AGE_DAYS);
      expect(g.stale_databases.map((d) => d.role).sort()).toEqual(expected);
      expect(g.stale).toBe(expected.length > 0);
    }
  });

  it('comes with advice that names places discovery searches and flags and keys that exist, not npm', async () => {
    const geo = await GeoResolver.open({ searchSystemDirs: false });
    const all = staleDatabases(geo.databases(), 0);
    expect(all.map((d) => d.origin)).toEqual(['embedded', 'embedded', 'embedded']);
    for (const [context, accepts] of [[MONITOR_ADVICE, ['geoip_max_age_days', '--geoip-max-age-days']], [REPLAY_ADVICE, ['--geoip-max-age-days', '$GROUNDWATCH_GEOIP_MAX_AGE_DAYS']]] as const) {
      const advice = refreshAdvice(all, context);
      // npm ci reinstalls the pinned data; npm update finds nothing newer on the registry (checked by hand, see staleness.ts).
      expect(advice).not.toMatch(/\bnpm\b/);
      for (const dir of SYSTEM_GEOIP_DIRS) expect(advice).toContain(dir);
      expect(advice).toContain('--geoip <dir>');
      for (const a of accepts) expect(advice).toContain(a);
      // One hint per stale role, in the role's own words.
      for (const role of ['country', 'registrant', 'asn']) expect(advice).toContain(`${role}: `);
    }
    expect(refreshAdvice(all, MONITOR_ADVICE)).toContain('systemctl restart groundwatch');
    expect(refreshAdvice(all, REPLAY_ADVICE)).not.toContain('restart');
    // The flags and the key it offers exist.
    const program = await buildProgram();
    for (const name of ['monitor', 'replay']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd.options.map((o) => o.long), name).toEqual(expect.arrayContaining(['--geoip', '--geoip-max-age-days']));
    }
    expect(Object.keys(MonitorConfigSchema.shape)).toContain('geoip_max_age_days');
  });

  it('geoip info no longer advises npm', () => {
    const r = runCli(['geoip', 'info', '--max-age-days', '0', '--no-system-geoip']);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('days old'));
    expect(warnings.length).toBe(3);
    for (const w of warnings) {
      expect(w).not.toMatch(/\bnpm\b/);
      expect(w).toContain('put newer .mmdb files in /usr/share/GeoIP or /var/lib/GeoIP');
    }
  });
});
