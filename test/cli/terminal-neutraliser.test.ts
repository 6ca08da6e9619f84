/**
 * Issue 12, item 12 (red team r7/r8): terminal text outside packet names. File names in warning
 * and error lines, organisation names from an MMDB in `geoip lookup` and `rules explain`, rule
 * pack names and user input quoted in errors all reach a person's terminal; a raw ESC, BEL or C1
 * control retitled a pane. Everything printed for a person now goes through one neutraliser.
 * Oracle for "neutralised": no byte of the C0 set (but the line feed), DEL, the C1 set, or the
 * bidi / zero-width / line-separator code points is left in what is printed (ECMA-48 §5, Unicode
 * general categories Cc/Cf/Zl/Zp), and each forged line break stays on its line.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralizeTerminalLine, neutralizeTerminalText, sanitizeForTerminal } from '../../src/util/terminal-text.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

/** Everything a terminal may act on or hide, except the line feed that ends our own lines. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

const HOSTILE = '\u001b]0;PWNED\u0007\u001b[31m\u009b2J\u202eevil\r\nALERT forged';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-neutraliser-'));
  execFileSync('python3', [join(REPO_ROOT, 'fixtures/redteam/mk_mmdb.py'), dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectNeutral(text: string): void {
  expect(text).not.toMatch(RAW_CONTROL);
  expect(text).not.toMatch(/^ALERT (fake|forged)/m); // a line break inside a value forged no line
}

describe('the neutraliser', () => {
  it.each([sanitizeForTerminal, neutralizeTerminalLine])('%o escapes ESC, BEL, CR, LF, C1 CSI, bidi override visibly', (fn) => {
    const out = fn(HOSTILE);
    expectNeutral(out);
    expect(out).toContain('\\x1b]0;PWNED\\x07\\x1b[31m\\x9b2J\\u202eevil\\x0d\\x0aALERT forged');
  });

  it('text keeps its own line breaks and leaves fields escaped by sanitizeForTerminal unchanged', () => {
    const field = sanitizeForTerminal(HOSTILE);
    expect(neutralizeTerminalText(`a ${field}\nb\u001b[2J\n`)).toBe(`a ${field}\nb\\x1b[2J\n`);
    expect(neutralizeTerminalLine(field)).toBe(field);
  });
});

describe('CLI output for a person', () => {
  it('a warning naming a hostile file name (red team r8 D10) is one neutralised line', () => {
    const name = join(dir, `x${HOSTILE}.pcap`);
    copyFileSync(join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap'), name);
    // The appended bytes read as a record header claiming ~1.7 GB: skipped unread (over the record bound) and cut short by the end of the file.
    writeFileSync(name, Buffer.concat([readFileSync(name), readFileSync(join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap')).subarray(0, 100)]));
    const r = runCli(['replay', name, '--no-db', '--fail-on', 'never', '--format', 'text']);
    expect(r.status).toBe(0);
    const warning = r.stderr.split('\n').filter((l) => l.includes('CAPTURE_TRUNCATED'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain('x\\x1b]0;PWNED\\x07\\x1b[31m\\x9b2J\\u202eevil\\x0d\\x0aALERT forged.pcap');
    expectNeutral(r.stderr);
    expectNeutral(r.stdout); // the summary names the input too
    expect(r.stdout).toContain('\\x1b]0;PWNED');
  });

  it('an error line quoting a hostile path is neutralised', () => {
    const r = runCli(['replay', join(dir, `missing${HOSTILE}.pcap`), '--no-db']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: INPUT_NOT_FOUND: [^\n]*\\x1b\]0;PWNED[^\n]*\n$/);
    expectNeutral(r.stderr);
  });

  it('a usage error quoting a hostile option is one neutralised line', () => {
    const r = runCli(['alerts', 'list', `--${HOSTILE}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: USAGE: unknown option [^\n]*\n$/);
    expectNeutral(r.stderr);
  });

  it('geoip lookup: an MMDB organisation name with escapes and CR LF (red team r7 "ansi")', () => {
    // mmdblookup (libmaxminddb) reads the raw string back: the database really carries the escapes.
    const oracle = execFileSync('mmdblookup', ['--file', join(dir, 'ansi_asn/GeoLite2-ASN.mmdb'), '--ip', '114.114.114.114', 'autonomous_system_organization'], { encoding: 'utf8' });
    expect(oracle).toContain('\u001b]0;MMDB-PWN\u0007');
    const r = runCli(['geoip', 'lookup', '114.114.114.114', '--geoip', join(dir, 'ansi_asn'), '--no-system-geoip']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('AS4134 \\x1b]0;MMDB-PWN\\x07\\x1b[31mEvil Org\\x0d\\x0aALERT fake\n');
    expect(r.stdout.split('\n')).toHaveLength(11); // address + 9 rows (location and registrant country and db) + final newline
    expectNeutral(r.stdout);
    expectNeutral(r.stderr);
  });

  it('rules explain: the same organisation and a hostile --host name', () => {
    const r = runCli(['rules', 'explain', '114.114.114.114', '--host', `a${HOSTILE}.example`, '--geoip', join(dir, 'ansi_asn')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('network: AS4134 \\x1b]0;MMDB-PWN\\x07\\x1b[31mEvil Org\\x0d\\x0aALERT fake');
    expectNeutral(r.stdout);
  });

  it('rules check and rules list: a pack version and a rule name that carry escapes', () => {
    const file = join(dir, 'pack.yaml');
    const rule = ['  - id: p.one', '    version: 1', '    name: "n\\e]0;PWNED\\a\\nALERT forged"', '    purpose: p', '    source: s', '    confidence: H', '    action: alert', '    severity: low', '    category: policy', '    match: { domain_suffix: [example.com] }'];
    writeFileSync(file, ['ruleset: p', 'version: "1\\e]0;PWNED\\a\\nALERT forged"', 'description: x', 'rules:', ...rule, ''].join('\n'));
    const check = runCli(['rules', 'check', file]);
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe('OK: 1 rulesets, 1 enabled rules (p@1\\x1b]0;PWNED\\x07\\x0aALERT forged)\n');
    const list = runCli(['rules', 'list', '--rules', file]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('n\\x1b]0;PWNED\\x07\\x0aALERT forged');
    expectNeutral(list.stdout);
  });
});
