/** Tests src/cli/rules-command.ts (kept under test/rules/, the tree this helper owns). */
import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerRulesCommands } from '../../src/cli/rules-command.js';
import { GroundwatchError } from '../../src/errors.js';
import type { GeoInfo } from '../../src/types.js';

const fx = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function run(args: string[], geo: GeoInfo = {}): Promise<{ out: string; geoDirs: (string | undefined)[] }> {
  let out = '';
  const geoDirs: (string | undefined)[] = [];
  const program = new Command().exitOverride();
  registerRulesCommands(program, {
    openGeo: async (dir) => {
      geoDirs.push(dir);
      return { lookup: () => geo };
    },
    write: (t) => void (out += t),
  });
  await program.parseAsync(['node', 'groundwatch', ...args]);
  return { out, geoDirs };
}

describe('rules check', () => {
  it('prints OK with counts for the shipped rules folder', async () => {
    const { out } = await run(['rules', 'check']);
    expect(out).toMatch(/^OK: 4 rulesets, \d+ enabled rules \(china@2026\.12\.1, dji@2026\.11\.1, local-data-mode@2026\.11\.1, visibility@2026\.11\.1\)\n$/);
  });

  it('throws RULES_INVALID (exit code 2) with the one-line position error', async () => {
    const err = await run(['rules', 'check', fx('broken/bad-severity.yaml')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroundwatchError);
    expect((err as GroundwatchError).code).toBe('RULES_INVALID');
    expect((err as GroundwatchError).exitCode).toBe(2);
    expect((err as GroundwatchError).toLine()).toMatch(/bad-severity\.yaml:12:15: rule t\.sev:/);
  });
});

describe('rules list', () => {
  it('ndjson has one line per rule', async () => {
    const { out } = await run(['rules', 'list', '--format', 'ndjson', '--rules', fx('dir')]);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ id: 'a.one', ruleset: 'a', action: 'alert', severity: 'low', keys: ['domain_suffix'] })]);
  });

  it('table has a header and the default packs', async () => {
    const { out } = await run(['rules', 'list']);
    expect(out.split('\n')[0]).toMatch(/^ID\s+VER\s+ACTION\s+SEVERITY\s+CATEGORY\s+CONF\s+NAME$/);
    expect(out).toMatch(/^china\.cn-located\s+2\s+alert\s+high\s+cn_located\s+H\s+Destination located in China$/m);
  });

  it('refuses an unknown format', async () => {
    await expect(run(['rules', 'list', '--format', 'xml'])).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('rules explain', () => {
  it('uses the GeoIP directory given and explains the hits', async () => {
    const { out, geoDirs } = await run(['rules', 'explain', '120.24.10.20', '--host', 'flysafe-api.dji.com', '--geoip', '/geo'], {
      countryIso: 'CN', asn: 37963, operatorCountry: 'CN',
    });
    expect(geoDirs).toEqual(['/geo']);
    expect(out).toMatch(/^ALERT china\.cn-located/m);
    expect(out).toMatch(/^ALERT dji\.first-party\.domain/m);
  });

  it('refuses a bad port', async () => {
    await expect(run(['rules', 'explain', '1.2.3.4', '--port', '70000'])).rejects.toMatchObject({ code: 'USAGE' });
  });
});
