/**
 * Stale GeoIP data: the age of each database comes from mmdblookup's own
 * reading of the file's build epoch (the oracle), not from our reader; the
 * stats record of a replay reports exactly the databases older than the
 * limit; and the advice names things that exist: an npm subcommand, the
 * packages that hold the very files in use, the directory that declares them,
 * and a flag `monitor` and `replay` accept. `npm ci` (reinstalls the pinned,
 * i.e. the same, data) is no longer the advice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { GeoResolver } from '../../src/enrich/geo-resolver.js';
import { asnCsvPaths, packageDir } from '../../src/enrich/paths.js';
import { DEFAULT_GEOIP_MAX_AGE_DAYS, embeddedRefreshCommand, refreshAdvice, staleDatabases, staleWarning } from '../../src/enrich/staleness.js';
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
    const r = runCli(['replay', join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng'), '--no-db', '--format', 'ndjson', '--events', 'all', '--fail-on', 'never']);
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

  it('comes with advice that names a real command, the packages holding the files in use, and a real flag', async () => {
    const cmd = embeddedRefreshCommand().split(' ');
    expect(cmd.slice(0, 2)).toEqual(['npm', '--prefix']);
    const [prefix, verb, ...packages] = cmd.slice(2);
    expect(verb).toBe('update');
    // `npm update` is an npm subcommand (npm's own help says so, offline).
    const help = spawnSync('npm', ['update', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^npm update \[<pkg>\.\.\.\]$/m);
    // The prefix is the installation, whose package.json declares every package named, with a range npm may move within.
    const manifest = JSON.parse(readFileSync(join(prefix!, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.name).toBe('groundwatch');
    // (the ASN CSVs are a devDependency: a checkout rebuilds the ASN database, an installed package ships it built)
    for (const p of packages) expect(manifest.dependencies[p] ?? manifest.devDependencies[p], p).toMatch(/^\^/);
    // The packages are where the embedded databases in use come from (the ASN one is built from the third).
    const geo = await GeoResolver.open({ searchSystemDirs: false });
    const embedded = geo.databases().filter((d) => d.origin === 'embedded');
    expect(embedded.map((d) => d.role).sort()).toEqual(['asn', 'country', 'registrant']);
    for (const d of embedded.filter((e) => e.role !== 'asn')) expect(packages.some((p) => d.path.startsWith(packageDir(p!)))).toBe(true);
    expect(existsSync(asnCsvPaths().ipv4)).toBe(true);
    expect(packages.some((p) => asnCsvPaths().ipv4.startsWith(packageDir(p!)))).toBe(true);
    // The flag the advice offers exists on both commands that read GeoIP.
    const program = await buildProgram();
    for (const name of ['monitor', 'replay']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd.options.map((o) => o.long), name).toContain('--geoip');
    }
    const advice = refreshAdvice(staleDatabases(geo.databases(), 0));
    expect(advice).toContain(embeddedRefreshCommand());
    expect(advice).toContain('--geoip <dir>');
    expect(advice).not.toContain('npm ci');
  });

  it('geoip info no longer advises npm ci', () => {
    const r = runCli(['geoip', 'info', '--max-age-days', '0', '--no-system-geoip']);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('days old'));
    expect(warnings.length).toBe(3);
    for (const w of warnings) {
      expect(w).not.toContain('npm ci');
      expect(w).toContain(embeddedRefreshCommand());
    }
  });
});
