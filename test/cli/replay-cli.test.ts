/** `groundwatch replay` as a user runs it: exit statuses, one-line errors, outputs. */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { PEER_DIR } from '../support/peer-manifest.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'gw-replay-'));
const TLS = `${PEER_DIR}dns-then-tls13__arkime-curl-enabled-tls13.pcap`;

describe('groundwatch replay: bad input', () => {
  it.each([
    ['a missing file', () => '/nonexistent/capture.pcap', 'INPUT_NOT_FOUND'],
    ['an empty file', () => { const f = join(tmp(), 'empty.pcap'); writeFileSync(f, ''); return f; }, 'INPUT_EMPTY'],
    ['a garbage file', () => { const f = join(tmp(), 'garbage.pcap'); writeFileSync(f, 'this is not a capture file at all\n'.repeat(10)); return f; }, 'INPUT_NOT_A_CAPTURE'],
    ['a header-only stub', () => { const f = join(tmp(), 'stub.pcap'); writeFileSync(f, readFileSync(TLS).subarray(0, 10)); return f; }, 'CAPTURE_TRUNCATED'],
  ])('%s: one line with a stable code, exit 2, nothing written', (_what, make, code) => {
    const dir = tmp();
    const r = runCli(['replay', make(), '--db', join(dir, 'gw.db'), '--format', 'ndjson']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^groundwatch: ${code}: `));
    expect(existsSync(join(dir, 'gw.db'))).toBe(false);
  });

  it('a truncated last record: one warning, the packets before it kept; exit 2 as the input is incomplete, 0 with --fail-on never', () => {
    const dir = tmp();
    const f = join(dir, 'cut.pcap');
    const whole = readFileSync(TLS);
    writeFileSync(f, whole.subarray(0, whole.length - 20));
    for (const [failOn, status] of [[[], 2], [['--fail-on', 'never'], 0]] as const) {
      const r = runCli(['replay', f, '--no-db', '--format', 'ndjson', '--events', 'all', '--no-summary', ...failOn]);
      expect(r.status).toBe(status);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('groundwatch:'))).toEqual([expect.stringMatching(/^groundwatch: CAPTURE_TRUNCATED: /)]);
      const stats = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.event.dataset === 'groundwatch.stats');
      expect(stats.groundwatch.stats.packets.received).toBe(34);
    }
  });

  it('a usage error exits 2', () => {
    expect(runCli(['replay']).status).toBe(2);
    expect(runCli(['replay', TLS, '--fail-on', 'loud']).status).toBe(2);
  });
});

describe('groundwatch replay: outputs', () => {
  it('ndjson on stdout with --events all, one JSON object per line, and the store written', () => {
    const dir = tmp();
    const db = join(dir, 'gw.db');
    const r = runCli(['replay', TLS, '--db', db, '--format', 'ndjson', '--events', 'all', '--no-summary']);
    expect(r.status).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(recs.filter((x) => x.event.dataset === 'groundwatch.flow')).toHaveLength(2);
    const list = runCli(['flows', 'list', '--db', db, '--format', 'ndjson']);
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    expect(list.stdout).toContain('enabled.tls13.com');
  });

  it('text output names the destination and prints a summary', () => {
    const r = runCli(['replay', TLS, '--no-db', '--format', 'text', '--events', 'flows']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/FLOW .*104\.16\.125\.34:443\/tcp\s+enabled\.tls13\.com \(tls_sni\)/);
    expect(r.stdout).toMatch(/packets\s+35 read/);
  });
});

describe('groundwatch replay: CI gate', () => {
  const SESSION = 'fixtures/session-dji-mixed.pcapng';

  it('--fail-on high exits 1 and writes JUnit XML that an independent parser reads', () => {
    const dir = tmp();
    const report = join(dir, 'report.xml');
    const r = runCli(['replay', SESSION, '--no-db', '--fail-on', 'high', '--junit', report, '--format', 'ndjson', '--no-summary']);
    expect(r.status).toBe(1);
    const parsed = spawnSync('python3', ['-c', PARSE_JUNIT, report], { encoding: 'utf8' });
    expect(parsed.status, parsed.stderr).toBe(0);
    const suite = JSON.parse(parsed.stdout) as { tests: number; failures: number; cases: { name: string; failed: boolean }[] };
    expect(suite.failures).toBeGreaterThan(0);
    expect(suite.cases.find((c) => c.name === 'china.cn-located -> flysafe-api.dji.com (120.55.9.120:443/tcp)')?.failed).toBe(true);
    expect(suite.cases.find((c) => c.name.startsWith('dji.first-party.domain -> dl.djicdn.com'))?.failed).toBe(false);
    // Deterministic: the same capture gives the same report.
    const again = join(dir, 'again.xml');
    runCli(['replay', SESSION, '--no-db', '--fail-on', 'high', '--junit', again, '--format', 'ndjson', '--no-summary']);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(report, 'utf8'));
  });

  it.each([
    ['never', 0],
    ['critical', 0],
    ['medium', 1],
  ])('--fail-on %s exits %i', (severity, status) => {
    expect(runCli(['replay', SESSION, '--no-db', '--fail-on', severity, '--format', 'ndjson', '--no-summary']).status).toBe(status);
  });

  it('a benign capture passes the gate', () => {
    expect(runCli(['replay', TLS, '--no-db', '--fail-on', 'info', '--format', 'ndjson', '--no-summary']).status).toBe(0);
  });
});

const PARSE_JUNIT = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find('testsuite')
cases = [{'name': c.get('name'), 'failed': c.find('failure') is not None} for c in suite.findall('testcase')]
print(json.dumps({'tests': int(suite.get('tests')), 'failures': int(suite.get('failures')), 'cases': cases}))
`;

describe('the installed command', () => {
  it('the bin file is executable after the build (npx groundwatch execs it directly)', () => {
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
