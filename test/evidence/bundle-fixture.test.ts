/**
 * Done-when for evidence bundles on the shipped session: replay into a store,
 * export an alert, verify the bundle after copying it elsewhere; every file
 * tampered with (or removed, or one added) fails by name; the pcapng holds
 * exactly the flow's packets (tshark reads them; the count is the flow
 * record's and tshark finds the same frames, with the same times and wire
 * lengths, in the original capture), headers only apart from the ClientHello.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord, FlowRecord } from '../../src/records/ecs.js';
import { runCli } from '../support/cli.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';
import { tsharkFieldRows } from '../support/tshark.js';

const FIXTURE = join(FIXTURES_DIR, 'session-dji-mixed.pcapng');
let dir: string;
let db: string;
let alert: AlertRecord;
let bundle: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-bundle-'));
  db = join(dir, 'gw.db');
  const replay = runCli(['replay', FIXTURE, '--db', db, '--format', 'ndjson', '--fail-on', 'never', '--no-summary']);
  expect(replay.status, replay.stderr).toBe(0);
  const alerts = runCli(['alerts', 'list', '--db', db, '--format', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as AlertRecord);
  // A TLS flow whose name was also learned from DNS: the bundle then has a ClientHello and DNS messages.
  alert = alerts.find((a) => a.groundwatch.name.source === 'tls_sni' && a.groundwatch.name.evidence.some((e) => e.source === 'dns'))!;
  expect(alert).toBeDefined();
  bundle = join(dir, 'bundle');
  const exported = runCli(['alerts', 'export', alert.event.id, '--db', db, '--out', bundle]);
  expect(exported.status, exported.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyOf(name: string): string {
  const to = join(mkdtempSync(join(tmpdir(), 'gw-bundle-copy-')), name);
  cpSync(bundle, to, { recursive: true });
  return to;
}

function flowRecord(): FlowRecord {
  return JSON.parse(readFileSync(join(bundle, 'flow.json'), 'utf8')) as FlowRecord;
}

describe('evidence bundle of a fixture alert', () => {
  it('is accepted by verify --bundle in another directory', () => {
    const copy = copyOf('elsewhere');
    const r = runCli(['verify', '--bundle', copy]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('verified');
  });

  it('fails, naming the file, when any file is changed, removed or added', () => {
    const files = readdirSync(bundle).filter((f) => f !== 'manifest.json');
    expect(files).toEqual(expect.arrayContaining(['alert.json', 'flow.json', 'dns.ndjson', 'run.json', 'packets.pcapng', 'dns-messages.pcapng']));
    for (const name of files) {
      const copy = copyOf(`tampered-${name}`);
      const bytes = readFileSync(join(copy, name));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(join(copy, name), bytes);
      const r = runCli(['verify', '--bundle', copy]);
      expect(r.status, `${name}: ${r.stdout}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^groundwatch: BUNDLE_TAMPERED: .*${name.replace('.', '\\.')}`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^FAIL sha256 +${name.replace('.', '\\.')}:`, 'm'));
    }
    const removed = copyOf('removed');
    unlinkSync(join(removed, 'packets.pcapng'));
    const r1 = runCli(['verify', '--bundle', removed]);
    expect(r1.status).toBe(1);
    expect(r1.stdout).toMatch(/packets\.pcapng: listed in the manifest but missing/);
    const added = copyOf('added');
    writeFileSync(join(added, 'extra.txt'), 'planted');
    const r2 = runCli(['verify', '--bundle', added]);
    expect(r2.status).toBe(1);
    expect(r2.stdout).toMatch(/extra\.txt: in the bundle but not in the manifest/);
  });

  it('exits 2 on a path that is not a bundle', () => {
    const r = runCli(['verify', '--bundle', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: BUNDLE_INVALID: /);
  });

  it("holds exactly the flow's packets: the flow record's count, and the same frames tshark finds in the capture", () => {
    const flow = flowRecord();
    const slice = tsharkFieldRows(join(bundle, 'packets.pcapng'), ['frame.time_epoch', 'frame.len', 'frame.comment']);
    expect(slice.length).toBe((flow.source?.packets ?? 0) + (flow.destination?.packets ?? 0));
    const s = flow.source!;
    const d = flow.destination!;
    const tuple = `ip.addr==${s.ip} && ip.addr==${d.ip} && tcp.port==${s.port} && tcp.port==${d.port}`;
    const original = tsharkFieldRows(FIXTURE, ['frame.time_epoch', 'frame.len'], { filter: tuple });
    expect(slice.map(([t, len]) => [t, len])).toEqual(original);
    for (const [, , comment] of slice) expect(comment).toContain(`groundwatch alert ${alert.event.id}`);
  });

  it('keeps the ClientHello whole and cuts every other packet after its TCP header', () => {
    const rows = tsharkFieldRows(join(bundle, 'packets.pcapng'), ['frame.cap_len', 'eth.type', 'ip.hdr_len', 'tcp.hdr_len', 'tls.handshake.extensions_server_name', 'frame.comment'], { twoPass: true });
    const helloRows = rows.filter((r) => r[5]!.includes('ClientHello'));
    expect(helloRows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r[4]).filter((n) => n !== '')).toEqual([alert.destination?.domain]);
    for (const [capLen, , ipHdr, tcpHdr, , comment] of rows) {
      if (comment!.includes('ClientHello')) continue;
      expect(Number(capLen)).toBe(14 + Number(ipHdr) + Number(tcpHdr));
    }
  });

  it('holds the DNS messages that named the destination, whole', () => {
    const dnsName = alert.groundwatch.name.evidence.find((e) => e.source === 'dns')!;
    const rows = tsharkFieldRows(join(bundle, 'dns-messages.pcapng'), ['dns.qry.name', 'dns.flags.response', 'dns.a', 'dns.aaaa', 'frame.comment']);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [qname] of rows) expect(qname).toBe(dnsName.dns_query ?? dnsName.host);
    const answers = rows.filter((r) => r[1] === '1' || r[1] === 'True');
    expect(answers.some((r) => `${r[2]},${r[3]}`.split(',').includes(alert.destination!.ip!))).toBe(true);
    const dnsRecords = readFileSync(join(bundle, 'dns.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dns: { id: string } });
    expect(dnsRecords.length).toBe(rows.length);
  });
});
