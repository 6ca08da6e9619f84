/**
 * `rules explain <name>` explains the name's rules (it used to look the name up as an
 * address and answer "no rule matches"), and alerts carry their rule's confidence. The
 * oracle is the rule packs' YAML read by Python's YAML parser.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';

interface PackRule { id: string; action: string; confidence: string; enabled?: boolean; match: Record<string, unknown> }

const PACKS = ['rules/dji.yaml', 'rules/china.yaml'];
const rules = JSON.parse(
  execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps([r for f in sys.argv[1:] for r in yaml.safe_load(open(f))["rules"]]))', ...PACKS], { cwd: REPO_ROOT, encoding: 'utf8' }),
) as PackRule[];

/** Alert rules whose whole match is a name list that covers `name` (no other condition). */
function nameOnlyRulesFor(name: string): string[] {
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as string[];
  return rules
    .filter((r) => r.action === 'alert' && r.enabled !== false)
    .filter((r) => Object.keys(r.match).every((k) => k === 'domain' || k === 'domain_suffix'))
    .filter((r) => list(r.match['domain']).includes(name) || list(r.match['domain_suffix']).some((s) => name === s || name.endsWith(`.${s}`)))
    .map((r) => r.id)
    .sort();
}

describe('rules explain <host name>', () => {
  it("explains the name's rules, and says the address rules were not evaluated", () => {
    const expected = nameOnlyRulesFor('flysafe-api.dji.com');
    expect(expected).toContain('dji.first-party.domain');
    const r = runCli(['rules', 'explain', 'FlySafe-API.dji.com.', '--rules', ...PACKS]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/no rule matches/);
    const fired = [...r.stdout.matchAll(/^ALERT (\S+) /gm)].map((m) => m[1]).sort();
    expect(fired).toEqual(expect.arrayContaining(expected));
    expect(fired).not.toContain('china.cn-located');
    expect(r.stdout).toMatch(/^destination flysafe-api\.dji\.com port 443\/tcp name flysafe-api\.dji\.com/m);
    expect(r.stdout).toMatch(/address: not given .*country, network and address rules are not evaluated/);
  });

  it('an address still works as before; a name together with --host is a usage error', () => {
    expect(runCli(['rules', 'explain', '120.24.10.20', '--rules', ...PACKS]).stdout).toMatch(/^ALERT china\.cn-located /m);
    const both = runCli(['rules', 'explain', 'a.example', '--host', 'b.example']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/^groundwatch: USAGE: give an address with --host, or a name alone/);
  });
});

describe('alert confidence', () => {
  it("every alert carries its rule's confidence (H/M/L) from the pack", () => {
    const r = runCli(['replay', `${FIXTURES_DIR}session-dji-mixed.pcapng`, '--no-db', '--format', 'ndjson', '--fail-on', 'never', '--no-summary']);
    const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((x) => x.event.dataset === 'groundwatch.alert');
    const byId = new Map(rules.map((x) => [x.id, x.confidence]));
    expect(alerts.length).toBeGreaterThan(5);
    expect(new Set(alerts.map((a) => a.groundwatch.confidence)).size).toBeGreaterThan(1);
    for (const a of alerts) expect(a.groundwatch.confidence).toBe(byId.get(a.rule.id));
  });
});
