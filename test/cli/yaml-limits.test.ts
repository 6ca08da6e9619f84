/**
 * Issue 12, item 10 (red team r8_misc.sh): a YAML alias bomb or a huge file given as rules or
 * as the monitor's config is one RULES_INVALID / CONFIG_INVALID line and exit 2 (was: "internal
 * error", a stack trace and exit 70; a 100 MB rules file ran out of memory after 135 s).
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_YAML_FILE_BYTES } from '../../src/util/yaml-input.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

let dir: string;
const PCAP = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap');

/** The red team's bomb: 12 levels of 9 aliases each, 9^12 (2.8e11) nodes once expanded, in 1 KB. */
function bombLines(): string[] {
  const levels = ['a0: &a0 [x,x,x,x,x,x,x,x,x]'];
  for (let i = 1; i < 12; i++) levels.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  return levels;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-yaml-limits-'));
  writeFileSync(join(dir, 'bomb.yaml'), ['ruleset: t', 'version: "1"', 'description: x', ...bombLines(), 'rules: []', ''].join('\n'));
  writeFileSync(join(dir, 'bomb-config.yaml'), ['interface: lo', ...bombLines(), ''].join('\n'));
  writeFileSync(join(dir, 'huge.yaml'), '');
  truncateSync(join(dir, 'huge.yaml'), 100 * 1024 * 1024); // 100 MB (sparse: costs no disk)
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectOneLine(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
  expect(r.status).toBe(2);
}

describe('YAML alias bombs', () => {
  it('rules check: one RULES_INVALID line, exit 2', () => {
    expectOneLine(runCli(['rules', 'check', join(dir, 'bomb.yaml')]), /^groundwatch: RULES_INVALID: .*bomb\.yaml:1:1: too many alias expansions \(more than 100; an alias bomb\?\)\n$/);
  });

  it('replay --rules: one RULES_INVALID line, exit 2, nothing on stdout', () => {
    const r = runCli(['replay', PCAP, '--rules', join(dir, 'bomb.yaml'), '--no-db', '--format', 'ndjson']);
    expectOneLine(r, /^groundwatch: RULES_INVALID: .*too many alias expansions/);
    expect(r.stdout).toBe('');
  });

  it('monitor --config: one CONFIG_INVALID line, exit 2', () => {
    expectOneLine(runCli(['monitor', '--config', join(dir, 'bomb-config.yaml')]), /^groundwatch: CONFIG_INVALID: .*bomb-config\.yaml: too many alias expansions/);
  });

  it('a few aliases (well under the bound) still work', () => {
    const file = join(dir, 'aliases.yaml');
    const rule = (id: string, match: string): string[] => [
      `  - id: ${id}`, '    version: 1', '    name: n', '    purpose: p', '    source: s', '    confidence: H',
      '    action: alert', '    severity: low', '    category: policy', `    match: ${match}`,
    ];
    const rules = [...rule('aliases.a', '&m { domain_suffix: [example.com] }'), ...rule('aliases.b', '*m'), ...rule('aliases.c', '*m')];
    writeFileSync(file, ['ruleset: aliases', 'version: "1"', 'description: x', 'rules:', ...rules, ''].join('\n'));
    const r = runCli(['rules', 'check', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('OK: 1 rulesets, 3 enabled rules (aliases@1)\n');
  });
});

describe(`YAML file size limit (${MAX_YAML_FILE_BYTES} bytes)`, () => {
  it.each([
    ['rules check', (f: string) => ['rules', 'check', f], 'RULES_INVALID'],
    ['replay --rules', (f: string) => ['replay', PCAP, '--rules', f, '--no-db', '--format', 'ndjson'], 'RULES_INVALID'],
    ['monitor --config', (f: string) => ['monitor', '--config', f], 'CONFIG_INVALID'],
  ])('%s with a 100 MB file: refused before reading, one line, exit 2, at once', (_name, args, code) => {
    const started = Date.now();
    const r = runCli(args(join(dir, 'huge.yaml')));
    expectOneLine(r, new RegExp(`^groundwatch: ${code}: .*huge\\.yaml: file too large \\(104857600 bytes; the limit for YAML files is ${MAX_YAML_FILE_BYTES} bytes\\)\\n$`));
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a file that reports no size (/dev/zero) is cut at the limit', () => {
    expectOneLine(runCli(['rules', 'check', '/dev/zero']), /^groundwatch: RULES_INVALID: \/dev\/zero: file too large \(at least \d+ bytes/);
  });

  it('exactly at the limit is accepted, one byte over is refused', () => {
    const pack = readFileSync(join(REPO_ROOT, 'rules/dji.yaml'), 'utf8');
    const padded = (total: number): string => `${pack}\n#${'x'.repeat(total - Buffer.byteLength(pack) - 3)}\n`;
    const atLimit = join(dir, 'at-limit.yaml');
    const over = join(dir, 'over-limit.yaml');
    writeFileSync(atLimit, padded(MAX_YAML_FILE_BYTES));
    writeFileSync(over, padded(MAX_YAML_FILE_BYTES + 1));
    expect(Buffer.byteLength(readFileSync(atLimit))).toBe(MAX_YAML_FILE_BYTES);
    const ok = runCli(['rules', 'check', atLimit]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^OK: 1 rulesets/);
    expectOneLine(runCli(['rules', 'check', over]), /file too large \(1048577 bytes/);
  });
});
