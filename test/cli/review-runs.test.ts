/**
 * The review CLI over a store that has seen the same capture replayed three times (issue 17):
 * runs kept apart, lists default to the latest run of each input, alerts not duplicated and
 * acknowledgements kept, paging that says when it stops, id prefixes, --asn as printed.
 * Oracles: the sqlite3 CLI on the same store, sha256sum on the inputs, tshark on the capture.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES_DIR, PEER_PCAP_DIR } from '../support/fixture-paths.js';

const SESSION = `${FIXTURES_DIR}session-dji-mixed.pcapng`;
const dir = mkdtempSync(join(tmpdir(), 'gw-review-runs-'));
const db = join(dir, 'store.db');

// Every test here blocks in spawnSync: an event-loop turn after each lets the worker answer its runner
// (a worker that never yields for 60 s fails the run with "Timeout calling onTaskUpdate", test/support/fuzz.ts).
afterEach(() => new Promise((resolve) => setImmediate(resolve)));

const sql = (query: string): string[] => execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
const gw = (...args: string[]) => runCli([...args, '--db', db]);
const ndjson = (...args: string[]) => {
  const r = gw(...args, '--format', 'ndjson');
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
};
const replay = (...extra: string[]) => {
  const r = runCli(['replay', SESSION, '--db', db, '--format', 'ndjson', '--fail-on', 'never', '--no-summary', ...extra]);
  expect(r.status, r.stderr).toBe(0);
};


/** Flow and DNS rows name their run by its key in run_keys (schema 11), as the sqlite3 shell sees it. */
const ofRun = (id: string) => `run_id = (SELECT CAST(key AS TEXT) FROM run_keys WHERE run_id = '${id}')`;
describe('the same capture replayed three times', () => {
  let firstRun: string, flowsPerRun: number, alertsAfterOne: string[], acked: string, ack: ReturnType<typeof gw>, runs: string[], latest: string;
  beforeAll(async () => {
    // An event-loop turn between the slow steps: a vitest worker blocked for 60 s loses its runner (test/support/fuzz.ts).
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    replay();
    await turn();
    firstRun = sql('SELECT id FROM runs')[0]!;
    flowsPerRun = Number(sql(`SELECT COUNT(*) FROM flows WHERE ${ofRun(firstRun)}`)[0]);
    alertsAfterOne = sql('SELECT id FROM alerts ORDER BY id');
    // Acknowledge one alert between replays, by a prefix as printed in the table.
    acked = alertsAfterOne[0]!;
    ack = gw('alerts', 'ack', acked.slice(0, 6), '--note', 'approved CDN', '--by', 'analyst');
    await turn();
    replay();
    await turn();
    replay();
    runs = sql('SELECT id FROM runs ORDER BY rowid');
    latest = runs[2]!;
  }, 120_000);

  it('stores three runs with their own rows (sqlite3): nothing overwritten, nothing mixed', () => {
    expect(ack.status, ack.stderr).toBe(0);
    expect(runs).toHaveLength(3);
    expect(flowsPerRun).toBeGreaterThan(20);
    expect(sql('SELECT run_id, COUNT(*) FROM flows GROUP BY run_id').map((l) => Number(l.split('|')[1]))).toEqual([flowsPerRun, flowsPerRun, flowsPerRun]);
  });

  it('flows list shows the latest run only (not 23 -> 46 -> 69); --run and --all-runs reach the others', () => {
    const latestUids = sql(`SELECT uid FROM flows WHERE ${ofRun(latest)} ORDER BY uid`);
    expect(ndjson('flows', 'list').map((f) => f.groundwatch.flow.uid).sort()).toEqual(latestUids);
    expect(ndjson('flows', 'list').every((f) => f.groundwatch.run_id === latest)).toBe(true);
    expect(ndjson('flows', 'list', '--all-runs')).toHaveLength(3 * flowsPerRun);
    const first = ndjson('flows', 'list', '--run', firstRun.slice(0, 8));
    expect(new Set(first.map((f) => f.groundwatch.run_id))).toEqual(new Set([firstRun]));
    expect(first).toHaveLength(flowsPerRun);
  });

  it('dns list defaults to the latest run as well', () => {
    const expected = sql(`SELECT COUNT(*) FROM dns WHERE ${ofRun(latest)}`)[0];
    expect(String(ndjson('dns', 'list').length)).toBe(expected);
    expect(ndjson('dns', 'list', '--name', 'dji.com').every((d) => /(^|\.)dji\.com$/.test(d.dns.question.name))).toBe(true);
  });

  it('alert rows are not duplicated by a re-replay; each is tied to every run that raised it; the ack stays', () => {
    expect(sql('SELECT id FROM alerts ORDER BY id')).toEqual(alertsAfterOne);
    expect(sql('SELECT COUNT(DISTINCT run_id) FROM alert_runs')).toEqual(['3']);
    const shown = ndjson('alerts', 'show', acked.slice(0, 6))[0]!;
    expect(shown.event.id).toBe(acked);
    expect(shown.groundwatch.run_id).toBe(latest);
    expect(shown.groundwatch.acknowledgements).toEqual([{ by: 'analyst', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), note: 'approved CDN' }]);
    const listed = ndjson('alerts', 'list', '--limit', '0').find((a) => a.event.id === acked)!;
    expect(listed.groundwatch.acknowledgements).toHaveLength(1);
  });

  it('--unacked leaves out the acknowledged alert (sqlite3: alerts without an alert_acks row)', () => {
    const expected = sql('SELECT id FROM alerts WHERE id NOT IN (SELECT alert_id FROM alert_acks) ORDER BY id');
    expect(ndjson('alerts', 'list', '--unacked', '--limit', '0').map((a) => a.event.id).sort()).toEqual(expected);
    expect(expected).not.toContain(acked);
  });

  it('runs list marks the latest run; runs show names input and GeoIP files with the SHA-256 sha256sum computes', () => {
    const listed = ndjson('runs', 'list');
    expect(listed.map((r) => r.id)).toEqual([...runs].reverse());
    expect(listed.map((r) => r.latest)).toEqual([true, false, false]);
    const shown = ndjson('runs', 'show', latest.slice(0, 8))[0]!;
    const sha = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
    expect(shown.sources).toEqual([expect.objectContaining({ path: SESSION, sha256: sha(SESSION) })]);
    expect(shown.geoip.length).toBeGreaterThanOrEqual(1);
    for (const g of shown.geoip) {
      expect(g).toMatchObject({ role: expect.any(String), type: expect.any(String), build_date: expect.stringMatching(/^\d{4}-\d\d-\d\d/) });
      expect(g.sha256).toBe(sha(g.path));
    }
    // The runs table's geoip column is filled (it was always NULL).
    expect(sql(`SELECT geoip IS NOT NULL FROM runs WHERE id = '${latest}'`)).toEqual(['1']);
    const text = gw('runs', 'show', latest);
    expect(text.stdout).toMatch(/^latest\s+yes/m);
    expect(text.stdout).toMatch(/^input\.0\s+\S*session-dji-mixed\.pcapng \(pcapng, \d+ bytes, sha256\n\s+[0-9a-f]{64}\)$/m);
    expect(Math.max(...text.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
  });

  it('--run with an id no run has, or a prefix two runs share, is a one-line error, exit 2', () => {
    const none = gw('flows', 'list', '--run', 'zzzz');
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('groundwatch: NOT_FOUND: no run with id "zzzz"\n');
    const both = gw('flows', 'list', '--run', '--all-runs');
    expect(both.status).toBe(2);
  });

  it('paging: a page that stops early says so on stderr; --offset gives the rest; pages add up to the whole list', () => {
    const total = Number(sql(`SELECT COUNT(*) FROM alert_runs WHERE run_id = '${latest}'`)[0]);
    expect(total).toBeGreaterThan(10);
    const first = gw('alerts', 'list', '--limit', '10', '--format', 'ndjson');
    expect(first.stderr).toBe('groundwatch: rows 1-10 shown, more match: --offset 10 for the next page, --limit 0 for all\n');
    const second = gw('alerts', 'list', '--limit', '10', '--offset', '10', '--format', 'ndjson');
    const rest = gw('alerts', 'list', '--limit', '0', '--offset', '20', '--format', 'ndjson');
    expect(rest.stderr).toBe('');
    const ids = [first, second, rest].flatMap((r) => r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).event.id));
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(gw('flows', 'list', '--limit', String(flowsPerRun)).stderr).toBe('');
    expect(gw('flows', 'list', '--limit', String(flowsPerRun - 1)).stderr).toMatch(/^groundwatch: rows 1-\d+ shown, more match: --offset \d+ for the next page/);
  });

  it('alert id prefixes: a unique one resolves, an ambiguous one is one AMBIGUOUS_ID line, exit 2', () => {
    const [shared] = sql('SELECT substr(id, 1, 1) FROM alerts GROUP BY 1 HAVING COUNT(*) > 1 LIMIT 1');
    const r = gw('alerts', 'show', shared!);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: AMBIGUOUS_ID: alert id prefix "\w" matches several: [0-9a-f]{16}, [0-9a-f]{16}/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const [unique] = sql("SELECT id FROM alerts a WHERE (SELECT COUNT(*) FROM alerts b WHERE substr(b.id, 1, 4) = substr(a.id, 1, 4)) = 1 LIMIT 1");
    expect(ndjson('alerts', 'show', unique!.slice(0, 4))[0]!.event.id).toBe(unique);
  });

  it('--asn accepts AS37963 as printed, with the same answer as 37963 (sqlite3)', () => {
    const expected = sql(`SELECT a.id FROM alerts a WHERE asn = 37963 AND EXISTS (SELECT 1 FROM alert_runs r WHERE r.alert_id = a.id AND r.run_id = '${latest}') ORDER BY id`);
    expect(expected.length).toBeGreaterThan(0);
    expect(ndjson('alerts', 'list', '--asn', 'AS37963').map((a) => a.event.id).sort()).toEqual(expected);
    expect(ndjson('alerts', 'list', '--asn', '37963').map((a) => a.event.id).sort()).toEqual(expected);
    expect(ndjson('flows', 'list', '--asn', 'as37963').map((f) => f.destination.as.number)).toEqual(
      sql(`SELECT asn FROM flows WHERE asn = 37963 AND ${ofRun(latest)}`).map(Number),
    );
    expect(gw('alerts', 'list', '--asn', 'ASX').status).toBe(2);
  });

  it('flows show <uid>: the flow, the DNS messages it carried and the alerts raised on it (sqlite3)', () => {
    const [uid] = sql(`SELECT uid FROM dns WHERE ${ofRun(latest)} AND uid IN (SELECT flow_uid FROM alerts) GROUP BY uid LIMIT 1`);
    const records = ndjson('flows', 'show', uid!.slice(0, 10));
    const datasets = records.map((r) => r.event.dataset);
    expect(records[0]!.groundwatch.flow.uid).toBe(uid);
    expect(records[0]!.groundwatch.run_id).toBe(latest);
    expect(datasets.filter((d) => d === 'groundwatch.dns').length).toBe(Number(sql(`SELECT COUNT(*) FROM dns WHERE uid = '${uid}' AND ${ofRun(latest)}`)[0]));
    expect(records.filter((r) => r.event.dataset === 'groundwatch.alert').map((a) => a.event.id).sort()).toEqual(sql(`SELECT id FROM alerts WHERE flow_uid = '${uid}' ORDER BY id`));
    const text = gw('flows', 'show', uid!);
    expect(text.stdout).toMatch(/^DNS messages in this flow: [1-9]/m);
    expect(text.stdout).toMatch(/^Alerts on this flow: [1-9]/m);
    expect(gw('flows', 'show', 'Cnope').stderr).toBe('groundwatch: NOT_FOUND: no flow with id "Cnope"\n');
  });
});

describe('a replay with other GeoIP data', () => {
  it('default alerts list shows only what the latest run raised; the earlier alerts stay reachable with --run', () => {
    const store = join(dir, 'geo.db');
    const q = (query: string) => execFileSync('sqlite3', [store, query], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    const go = (...extra: string[]) => runCli(['replay', SESSION, '--db', store, '--format', 'ndjson', '--fail-on', 'never', '--no-summary', ...extra]);
    expect(go().status).toBe(0);
    // MaxMind's test databases place none of the session's addresses: the location rules stop firing.
    expect(go('--geoip', join(FIXTURES_DIR, 'geoip-test'), '--rules', 'rules/').status).toBe(0);
    const [older, newer] = q('SELECT id FROM runs ORDER BY rowid');
    const newerIds = q(`SELECT alert_id FROM alert_runs WHERE run_id = '${newer}' ORDER BY alert_id`);
    const olderIds = q(`SELECT alert_id FROM alert_runs WHERE run_id = '${older}' ORDER BY alert_id`);
    expect(olderIds).not.toEqual(newerIds);
    const list = (...a: string[]) =>
      runCli(['alerts', 'list', '--db', store, '--format', 'ndjson', '--limit', '0', ...a]).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).event.id).sort();
    expect(list()).toEqual(newerIds);
    expect(list('--run', older!)).toEqual(olderIds);
  });
});

describe('JUnit: one testsuite per input file', () => {
  const PARSE = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(json.dumps([{'name': s.get('name'), 'tests': int(s.get('tests')), 'failures': int(s.get('failures')),
  'cases': [{'name': c.get('name'), 'file': c.get('file'), 'failed': c.find('failure') is not None,
             'text': ''.join(c.itertext())} for c in s.findall('testcase')]} for s in root.findall('testsuite')]))
`;
  const BENIGN = `${PEER_PCAP_DIR}tls13-sni-ipv4__sv-community-id-ipv4.pcap`;

  it('a failing case sits in the suite of the file its packets came from; a clean file passes on its own', () => {
    const report = join(dir, 'ci', 'nested', 'junit.xml'); // a directory that does not exist yet
    const r = runCli(['replay', BENIGN, SESSION, '--no-db', '--fail-on', 'high', '--junit', report, '--format', 'ndjson', '--no-summary']);
    expect(r.status, r.stderr).toBe(1);
    const suites = JSON.parse(execFileSync('python3', ['-c', PARSE, report], { encoding: 'utf8' })) as { name: string; failures: number; cases: { name: string; file: string; failed: boolean; text: string }[] }[];
    expect(suites.map((s) => s.name)).toEqual([BENIGN, SESSION]);
    expect(suites[0]!.failures).toBe(0);
    expect(suites[0]!.cases.map((c) => c.name)).toEqual(['no alerts']);
    expect(suites[1]!.failures).toBeGreaterThan(0);
    expect(suites[1]!.cases.every((c) => c.file === SESSION)).toBe(true);
    expect(suites[1]!.cases.find((c) => c.name === 'china.cn-located -> flysafe-api.dji.com (120.55.9.120:443/tcp)')?.failed).toBe(true);
  });

  it('a folded repeat lists the connection it folded, which tshark finds in the capture', () => {
    const report = join(dir, 'folded.xml');
    runCli(['replay', SESSION, '--no-db', '--fail-on', 'never', '--junit', report, '--format', 'ndjson', '--no-summary']);
    const suites = JSON.parse(execFileSync('python3', ['-c', PARSE, report], { encoding: 'utf8' })) as { cases: { text: string }[] }[];
    const folded = suites[0]!.cases.map((c) => c.text).find((t) => t.includes('within the suppression window'))!;
    expect(folded).toBeDefined();
    const m = /repeated (\d+) time\(s\) within the suppression window, on these connections:\n\s+([\d.]+):(\d+) -> ([\d.]+):(\d+)\/tcp flow (C\w+)/.exec(folded)!;
    expect(m).not.toBeNull();
    const [, , sip, sport, dip, dport] = m;
    const frames = execFileSync('tshark', ['-n', '-r', SESSION, '-Y', `ip.src==${sip} && tcp.srcport==${sport} && ip.dst==${dip} && tcp.dstport==${dport}`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
    expect(frames.trim().split('\n').filter(Boolean).length).toBeGreaterThan(0);
  });

  it('--junit onto a directory: one OUTPUT_WRITE_FAILED line, exit 2, no stack trace', () => {
    const r = runCli(['replay', SESSION, '--no-db', '--fail-on', 'never', '--junit', dir, '--format', 'ndjson', '--no-summary']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: OUTPUT_WRITE_FAILED: --junit .*: cannot write the report \(EISDIR\)\n$/);
  });
});
