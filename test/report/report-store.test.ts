/**
 * `groundwatch report --db`: selection by run, time and device, acknowledgements on the cards,
 * the benign-only verdict with its coverage figures, the integrity section only when the store
 * has a log, and one-line errors. The benign capture is cut from the session fixture by tshark
 * (only the map-tile, map-API and local flows), and its flow count and SNI names are tshark's.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/schema.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
/** Benign flows of the plan (fixtures/README.md, category e): map tiles, map API, their lookups, the local UDP link. */
const BENIGN_FILTER =
  'ip.addr==88.198.70.14 || ip.addr==18.64.20.5 || udp.port==9003 || dns.qry.name=="tile.openstreetmap.org" || dns.qry.name=="api.mapbox.com"';

const dir = mkdtempSync(join(tmpdir(), 'gw-report-store-'));
const db = join(dir, 'gw.db');
const benign = join(dir, 'benign.pcapng');

function tshark(file: string, fields: string[], filter?: string): string[][] {
  const args = ['-n', '-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])];
  return execFileSync('tshark', args, { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split('\t'));
}

/** Distinct TCP/UDP conversations (5-tuples, either direction), as tshark decodes them. */
function conversations(file: string): string[] {
  const rows = tshark(file, ['ip.src', 'ip.dst', 'ip.proto', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport']);
  const keys = rows.map(([s, d, p, ts, td, us, ud]) => {
    const a = `${s}:${ts || us}`;
    const b = `${d}:${td || ud}`;
    return `${p}|${[a, b].sort().join('|')}`;
  });
  return [...new Set(keys)];
}

function report(args: string[]): { status: number | null; model: ReportModel | undefined; stderr: string } {
  const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
  const r = runCli(['report', '--db', db, '--out', out, ...args]);
  return { status: r.status, stderr: r.stderr, model: r.status === 0 ? (JSON.parse(readFileSync(out, 'utf8')) as ReportModel) : undefined };
}

let sessionRun = '';
let benignRun = '';

beforeAll(() => {
  execFileSync('tshark', ['-r', FIXTURE, '-Y', BENIGN_FILTER, '-w', benign, '-F', 'pcapng']);
  expect(runCli(['replay', FIXTURE, '--db', db, '--format', 'ndjson', '--no-summary', '--fail-on', 'never']).status).toBe(0);
  expect(runCli(['replay', benign, '--db', db, '--format', 'ndjson', '--no-summary', '--fail-on', 'never']).status).toBe(0);
  const store = new Database(db, { readonly: true });
  const runs = store.prepare('SELECT id, sources FROM runs ORDER BY started_at').all() as { id: string; sources: string }[];
  store.close();
  sessionRun = runs.find((r) => r.sources.includes('session-dji-mixed'))!.id;
  benignRun = runs.find((r) => r.sources.includes('benign'))!.id;
});

describe('report --db', () => {
  it('a run of the session: verdict reached, acknowledgements on their cards, provenance from the runs table', () => {
    const store = new Database(db, { readonly: true });
    const alertId = (store.prepare("SELECT id FROM alerts WHERE run_id = ? AND destination_ip = '120.55.9.120' LIMIT 1").pluck().get(sessionRun)) as string;
    store.close();
    expect(runCli(['alerts', 'ack', alertId, '--db', db, '--note', 'seen in the <b>field</b> test', '--by', 'duty officer']).status).toBe(0);
    const { model, stderr } = report(['--run', sessionRun, '--format', 'json']);
    expect(model, stderr).toBeDefined();
    expect(model!.verdict.outcome).toBe('reached');
    const card = model!.alerts.find((a) => a.id === alertId)!;
    expect(card.acks).toEqual([{ by: 'duty officer', at: expect.any(String), note: 'seen in the <b>field</b> test' }]);
    expect(model!.alerts.filter((a) => a.acks.length > 0)).toHaveLength(1);
    expect(model!.inputs.map((i) => i.run_id)).toEqual([sessionRun]);
    expect(model!.inputs[0]!.files[0]!.path).toContain('session-dji-mixed.pcapng');
    expect(model!.rule_packs).toEqual(expect.arrayContaining([expect.stringMatching(/^dji@/), expect.stringMatching(/^china@/)]));
    expect(model!.geoip_databases.map((d) => d.role).sort()).toEqual(['asn', 'location', 'registrant']);
  });

  it('the benign-only capture: no flow reached them, with its coverage figures (tshark as the oracle)', () => {
    const { model } = report(['--run', benignRun]);
    const flows = conversations(benign);
    expect(model!.coverage.flows_total).toBe(flows.length);
    expect(model!.verdict.outcome).toBe('none_reached');
    expect(model!.verdict.sentence).toBe(
      `No flow from the device 192.168.2.20 reached Chinese networks or DJI endpoints (${flows.length} flows examined).`,
    );
    // Both public flows carry an SNI (tshark), so none is unnamed; the rest are local.
    const publicFlows = flows.filter((f) => /88\.198\.70\.14|18\.64\.20\.5/.test(f));
    const snis = tshark(benign, ['tls.handshake.extensions_server_name'], 'tls.handshake.extensions_server_name').map(([s]) => s);
    expect(new Set(snis)).toEqual(new Set(['tile.openstreetmap.org', 'api.mapbox.com']));
    expect(model!.verdict.qualifier).toContain('no capture gaps and no dropped packets or records in the window');
    expect(model!.verdict.qualifier).toContain(`0 of ${publicFlows.length} flows to public addresses (0.0 %)`);
    expect(model!.verdict.qualifier).toContain(`; ${flows.length - publicFlows.length} local flows`);
    expect(model!.alerts).toEqual([]);
  });

  it('the HTML of the benign run says so in its verdict', () => {
    const out = join(dir, 'benign.html');
    const r = runCli(['report', '--db', db, '--run', benignRun, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/<p class="sentence" id="verdict-sentence">No flow from the device 192\.168\.2\.20 reached Chinese networks or DJI endpoints/);
    expect(html).toContain('<section id="verdict" class="verdict none_reached"');
  });

  it('selects by time (packet time) and by device', () => {
    const all = report([]).model!;
    expect(all.inputs).toHaveLength(2);
    const later = report(['--since', '2026-11-24']).model!;
    expect(later.verdict.outcome).toBe('no_flows');
    expect(later.coverage.flows_total).toBe(0);
    const day = report(['--since', '2026-11-23', '--until', '2026-11-24']).model!;
    expect(day.coverage.flows_total).toBe(all.coverage.flows_total);
    const other = report(['--device', '10.9.9.9']).model!;
    expect(other.verdict.outcome).toBe('no_flows');
    expect(other.verdict.sentence).toBe('No flow from the device 10.9.9.9 was recorded in this window: nothing can be said about where its traffic went.');
    const tablet = report(['--device', '02:00:00:00:02:14']).model!;
    expect(tablet.coverage.flows_total).toBe(all.coverage.flows_total);
  });

  it('shows the integrity section only when the store has an integrity checkpoint', () => {
    // The replays above wrote checkpoints: the section shows the newest (the sqlite3 shell is the oracle).
    const out = join(dir, 'with-log.html');
    expect(runCli(['report', '--db', db, '--out', out]).status).toBe(0);
    const html = readFileSync(out, 'utf8');
    const newestRoot = execFileSync('sqlite3', [db, 'SELECT lower(hex(root_hash)) FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1'], { encoding: 'utf8' }).trim();
    const olderRoots = execFileSync('sqlite3', [db, 'SELECT lower(hex(root_hash)) FROM integrity_checkpoints ORDER BY rowid DESC LIMIT -1 OFFSET 1'], { encoding: 'utf8' }).trim().split('\n').filter((r) => r && r !== newestRoot);
    expect(newestRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(html).toContain('id="integrity"');
    expect(html).toContain(`groundwatch verify --db ${db}`);
    expect(html).toContain(`<code>${newestRoot}</code>`);
    for (const r of olderRoots) expect(html).not.toContain(`<code>${r}</code>`);
    const noCheckpoint = join(dir, 'no-checkpoint.db');
    copyFileSync(db, noCheckpoint);
    const store = new Database(noCheckpoint);
    store.exec('DELETE FROM integrity_checkpoints');
    store.close();
    const plain = join(dir, 'plain.html');
    expect(runCli(['report', '--db', noCheckpoint, '--out', plain]).status).toBe(0);
    expect(readFileSync(plain, 'utf8')).not.toContain('id="integrity"');
  });

  it('takes the unit name from --unit, or from unit_name in a monitor config file', () => {
    const config = join(dir, 'groundwatch.yaml');
    writeFileSync(config, 'interface: eth1\nunit_name: "Unit <7> Süd"\n');
    expect(report(['--run', benignRun, '--config', config]).model!.unit_name).toBe('Unit <7> Süd');
    expect(report(['--run', benignRun, '--config', config, '--unit', 'Box 2']).model!.unit_name).toBe('Box 2');
    const out = join(dir, 'unit.html');
    expect(runCli(['report', '--db', db, '--run', benignRun, '--config', config, '--out', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<h1>Unit &lt;7&gt; Süd — egress report</h1>');
  });

  it('bad requests are one line and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['report', '--db', db], /^groundwatch: USAGE: report needs --out/],
      [['report', '--db', db, '--out', join(dir, 'x.html'), '--run', 'no-such-run'], /^groundwatch: NOT_FOUND: no run with id "no-such-run"/],
      [['report', '--db', db, '--out', join(dir, 'x.html'), '--run', sessionRun, '--since', '2026-01-01'], /^groundwatch: USAGE: give either --run or --since\/--until/],
      [['report', '--db', db, '--out', join(dir, 'x.html'), '--since', 'yesterday'], /^groundwatch: USAGE: .*since/],
      [['report', '--db', db, '--out', join(dir, 'no', 'such', 'dir', 'x.html')], /^groundwatch: REPORT_WRITE_FAILED: cannot write report/],
      [['report', '--db', join(dir, 'missing.db'), '--out', join(dir, 'x.html')], /^groundwatch: DB_OPEN_FAILED:/],
    ];
    for (const [args, line] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
    }
  });
});
