/**
 * Issue 12, item 11 (red team r8_misc.sh): every usage error, on every command, is one line
 * `groundwatch: USAGE: ...` and exit 2 (the documented "bad input or usage" status; 1 means a
 * policy violation). Before: commander's two lines `error: ...` + hint and exit 1 for alerts,
 * flows, rules and geoip, and `groundwatch alerts` alone printed help and exited 0.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const USAGE_ERRORS: Array<[string, string[], RegExp]> = [
  // unknown option, on every command
  ['replay: unknown option', ['replay', 'x.pcap', '--bogus'], /unknown option '--bogus' \(see 'groundwatch replay --help'\)/],
  ['monitor: unknown option', ['monitor', '--bogus'], /unknown option '--bogus' \(see 'groundwatch monitor --help'\)/],
  ['interfaces: unknown option', ['interfaces', '--bogus'], /unknown option '--bogus'/],
  ['alerts list: unknown option', ['alerts', 'list', '--bogus'], /unknown option '--bogus' \(see 'groundwatch alerts list --help'\)/],
  ['alerts show: unknown option', ['alerts', 'show', 'x', '--bogus'], /unknown option '--bogus'/],
  ['alerts ack: unknown option', ['alerts', 'ack', 'x', '--note', 'n', '--bogus'], /unknown option '--bogus'/],
  ['flows list: unknown option', ['flows', 'list', '--bogus'], /unknown option '--bogus'/],
  ['rules check: unknown option', ['rules', 'check', '--bogus'], /unknown option '--bogus'/],
  ['rules list: unknown option', ['rules', 'list', '--bogus'], /unknown option '--bogus'/],
  ['rules explain: unknown option', ['rules', 'explain', '1.2.3.4', '--bogus'], /unknown option '--bogus'/],
  ['geoip lookup: unknown option', ['geoip', 'lookup', '1.2.3.4', '--bogus'], /unknown option '--bogus'/],
  ['geoip info: unknown option', ['geoip', 'info', '--bogus'], /unknown option '--bogus'/],
  ['top level: unknown option', ['--bogus'], /unknown option '--bogus' \(see 'groundwatch --help'\)/],
  // an option without its value
  ['replay --db without a value', ['replay', 'x.pcap', '--db'], /option '--db <path>' argument missing/],
  ['monitor --interface without a value', ['monitor', '--interface'], /option '-i, --interface <name>' argument missing/],
  ['alerts list --since without a value', ['alerts', 'list', '--since'], /option '--since <time>' argument missing/],
  ['flows list --limit without a value', ['flows', 'list', '--limit'], /option '--limit <n>' argument missing/],
  ['rules list --format without a value', ['rules', 'list', '--format'], /option '--format <format>' argument missing/],
  ['geoip info --max-age-days without a value', ['geoip', 'info', '--max-age-days'], /argument missing/],
  // a missing argument
  ['replay without files', ['replay'], /missing required argument 'files'/],
  ['alerts show without an id', ['alerts', 'show'], /missing required argument 'id'/],
  ['alerts ack without an id', ['alerts', 'ack', '--note', 'n'], /missing required argument 'id'/],
  ['alerts ack without its required --note', ['alerts', 'ack', 'x'], /required option '--note <text>' not specified/],
  ['geoip lookup without an address', ['geoip', 'lookup'], /missing required argument 'ip' \(see 'groundwatch geoip lookup --help'\)/],
  ['rules explain without an address', ['rules', 'explain'], /missing required argument 'ip-or-name'/],
  // an invalid choice or value
  ['replay --format xml', ['replay', 'x.pcap', '--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are text, ndjson\./],
  ['geoip info --max-age-days -1', ['geoip', 'info', '--max-age-days', '-1'], /--max-age-days wants a whole number >= 0/],
  // unknown or missing command
  ['unknown command', ['bogus'], /unknown command 'bogus'/],
  ['unknown alerts command', ['alerts', 'bogus'], /unknown command 'bogus' \(see 'groundwatch alerts --help'\)/],
  ['groundwatch alone', [], /'groundwatch' needs a command: replay, monitor, interfaces, runs, flows, dns, alerts, gaps, rules, geoip/],
  ['alerts alone', ['alerts'], /'groundwatch alerts' needs a command: list, show, ack/],
  ['flows alone', ['flows'], /'groundwatch flows' needs a command: list/],
  ['rules alone', ['rules'], /'groundwatch rules' needs a command: check, list, explain/],
  ['geoip alone', ['geoip'], /'groundwatch geoip' needs a command: lookup, info/],
];

describe('usage errors: one line, exit 2, on every command', () => {
  it.each(USAGE_ERRORS)('%s', (_name, args, message) => {
    const r = runCli(args, { env: { GROUNDWATCH_DB: '/nonexistent/never-opened.db' } });
    expect(r.stderr).toMatch(/^groundwatch: USAGE: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });
});

describe('--help still prints help and exits 0', () => {
  it.each([
    [['--help']],
    [['replay', '--help']],
    [['monitor', '--help']],
    [['interfaces', '--help']],
    [['alerts', '--help']],
    [['alerts', 'list', '--help']],
    [['flows', 'list', '--help']],
    [['rules', '--help']],
    [['geoip', 'lookup', '--help']],
    [['help', 'alerts']],
  ])('%j', (args) => {
    const r = runCli(args);
    expect(r.stdout).toMatch(/^Usage: groundwatch/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('--version prints the version and exits 0', () => {
    const r = runCli(['--version']);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.status).toBe(0);
  });
});
