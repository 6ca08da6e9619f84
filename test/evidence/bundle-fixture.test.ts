/**
 * Done-when for evidence bundles on the shipped session: replay into a store,
 * export an alert, verify the bundle after copying it elsewhere; every file
 * tampered with (or removed, or one added) fails by name; the pcapng holds
 * exactly the flow's packets (tshark reads them; the count is the flow
 * record's and tshark finds the same frames, with the same times and wire
 * lengths, in the original capture), headers only apart from the ClientHello.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/integrity/checkpoint.js';
import { generateSigner } from '../../src/integrity/note-keys.js';
import { signNote } from '../../src/integrity/signed-note.js';
import type { AlertRecord, FlowRecord } from '../../src/records/ecs.js';
import { runCli } from '../support/cli.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';
import { tsharkFieldRows } from '../support/tshark.js';

const FIXTURE = join(FIXTURES_DIR, 'session-dji-mixed.pcapng');
let dir: string;
let db: string;
let alert: AlertRecord;
let bundle: string;
let otherBundle: string;
let publicKey: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-bundle-'));
  db = join(dir, 'gw.db');
  const keys = runCli(['keys', 'init', '--dir', join(dir, 'keys')]);
  expect(keys.status, keys.stderr).toBe(0);
  publicKey = join(dir, 'keys', 'checkpoint.pub');
  const replay = runCli(['replay', FIXTURE, '--db', db, '--key-dir', join(dir, 'keys'), '--format', 'ndjson', '--fail-on', 'never', '--no-summary']);
  expect(replay.status, replay.stderr).toBe(0);
  const alerts = runCli(['alerts', 'list', '--db', db, '--format', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as AlertRecord);
  // A TLS flow whose name was also learned from DNS: the bundle then has a ClientHello and DNS messages.
  alert = alerts.find((a) => a.groundwatch.name.source === 'tls_sni' && a.groundwatch.name.evidence.some((e) => e.source === 'dns'))!;
  expect(alert).toBeDefined();
  bundle = join(dir, 'bundle');
  const exported = runCli(['alerts', 'export', alert.event.id, '--db', db, '--out', bundle]);
  expect(exported.status, exported.stderr).toBe(0);
  const other = alerts.find((a) => a.groundwatch.flow.uid !== alert.groundwatch.flow.uid)!;
  otherBundle = join(dir, 'other-bundle');
  expect(runCli(['alerts', 'export', other.event.id, '--db', db, '--out', otherBundle]).status).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyOf(name: string): string {
  const to = join(mkdtempSync(join(tmpdir(), 'gw-bundle-copy-')), name);
  cpSync(bundle, to, { recursive: true });
  return to;
}

/** What a careful attacker does after changing files: rewrite the manifest's hashes to match. */
function rehash(copy: string): void {
  const path = join(copy, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { files: { name: string; sha256: string; bytes: number }[] };
  for (const f of manifest.files) {
    const bytes = readFileSync(join(copy, f.name));
    f.sha256 = createHash('sha256').update(bytes).digest('hex');
    f.bytes = bytes.length;
  }
  writeFileSync(path, JSON.stringify(manifest, null, 2));
}

function verify(copy: string, ...more: string[]) {
  return runCli(['verify', '--bundle', copy, ...more]);
}

function flowRecord(): FlowRecord {
  return JSON.parse(readFileSync(join(bundle, 'flow.json'), 'utf8')) as FlowRecord;
}

describe('evidence bundle of a fixture alert', () => {
  it('is accepted by verify --bundle in another directory, with the signature checked by the public key', () => {
    const copy = copyOf('elsewhere');
    const r = verify(copy, '--key', publicKey);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}signature checkpoint\.txt: signed by /m);
    expect(r.stdout).toMatch(/^ok {3}inclusion alert\.json: /m);
    expect(r.stdout).toMatch(/^ok {3}inclusion run\.json: /m);
    expect(r.stdout).toContain('verified');
    const json = JSON.parse(verify(copy, '--key', publicKey, '--format', 'json').stdout) as { ok: boolean; checks: unknown[] };
    expect(json.ok).toBe(true);
    // Without the key it still checks everything else, and says the signature was not checked.
    const unkeyed = verify(copy);
    expect(unkeyed.status).toBe(0);
    expect(unkeyed.stdout).toMatch(/signature checkpoint\.txt: not checked: no --key given/);
  });

  it('alert.json is the log entry the checkpoint covers: its leaf hash, by the proof, gives the signed root', () => {
    const checkpoint = parseCheckpoint(readFileSync(join(bundle, 'checkpoint.txt'), 'utf8'));
    const proofs = JSON.parse(readFileSync(join(bundle, 'inclusion-proof.json'), 'utf8')) as { tree_size: number; entries: { file: string; entry_index: number; proof: string[] }[] };
    expect(proofs.tree_size).toBe(checkpoint.size);
    // Independent of the Merkle module: RFC 9162 2.1.3.2 written out here with node:crypto.
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    for (const e of proofs.entries) {
      let fn = e.entry_index;
      let sn = checkpoint.size - 1;
      let r = sha(Buffer.of(0), readFileSync(join(bundle, e.file)));
      for (const p of e.proof.map((x) => Buffer.from(x, 'base64'))) {
        if (fn % 2 === 1 || fn === sn) {
          r = sha(Buffer.of(1), p, r);
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        } else {
          r = sha(Buffer.of(1), r, p);
        }
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
      expect(sn).toBe(0);
      expect(r.equals(checkpoint.root), e.file).toBe(true);
    }
    const entry = JSON.parse(readFileSync(join(bundle, 'alert.json'), 'utf8')) as { kind: string; ref: string };
    expect([entry.kind, entry.ref]).toEqual(['alert', alert.event.id]);
  });

  it('fails on a logged file changed with the manifest rewritten to match, naming it', () => {
    for (const name of ['alert.json', 'run.json']) {
      const copy = copyOf(`rewritten-${name}`);
      const text = readFileSync(join(copy, name), 'utf8');
      const changed = name === 'alert.json' ? text.replace(alert.destination!.ip!, '192.0.2.99') : text.replace(/"packets":\d+/, '"packets":1');
      expect(changed).not.toBe(text);
      writeFileSync(join(copy, name), changed);
      rehash(copy);
      const r = verify(copy, '--key', publicKey);
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^FAIL inclusion ${name.replace('.', '\\.')}: leaf hash [0-9a-f]{64} is not entry`, 'm'));
      expect(r.stderr).toMatch(new RegExp(`verify: FAILED: .*${name.replace('.', '\\.')}`));
    }
  });

  it("fails on another alert's valid entry and proof swapped in", () => {
    const copy = copyOf('swapped');
    for (const name of ['alert.json', 'inclusion-proof.json']) cpSync(join(otherBundle, name), join(copy, name));
    rehash(copy);
    const r = verify(copy, '--key', publicKey);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL entry +alert\.json: the entry is alert \S+, the bundle is for alert /m);
  });

  it("fails on another flow's packets swapped in, naming packets.pcapng", () => {
    const copy = copyOf('other-packets');
    cpSync(join(otherBundle, 'packets.pcapng'), join(copy, 'packets.pcapng'));
    rehash(copy);
    const r = verify(copy, '--key', publicKey);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL slice +packets\.pcapng: packet 1 is (tcp|udp) \S+ -> \S+, not the alert's flow/m);
    expect(verify(bundle, '--key', publicKey).stdout).toMatch(/^ok {3}slice +packets\.pcapng: all \d+ packets are the alert's flow/m);
  });

  it('fails on a checkpoint signed by another key, naming checkpoint.txt', () => {
    const copy = copyOf('forged-checkpoint');
    const cp = parseCheckpoint(readFileSync(join(copy, 'checkpoint.txt'), 'utf8'));
    writeFileSync(join(copy, 'checkpoint.txt'), signNote(cp.text, [generateSigner('groundwatch/forger')]));
    rehash(copy);
    const r = verify(copy, '--key', publicKey);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL signature checkpoint\.txt: no signature by /m);
  });

  it('fails, naming the file, when any file is changed, removed or added', () => {
    const files = readdirSync(bundle).filter((f) => f !== 'manifest.json');
    expect(files.sort()).toEqual(['alert.json', 'checkpoint.txt', 'dns-messages.pcapng', 'dns.ndjson', 'flow.json', 'inclusion-proof.json', 'packets.pcapng', 'run.json']);
    for (const name of files) {
      const copy = copyOf(`tampered-${name}`);
      const bytes = readFileSync(join(copy, name));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(join(copy, name), bytes);
      const r = verify(copy, '--key', publicKey);
      expect(r.status, `${name}: ${r.stdout}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^groundwatch verify: FAILED: bundle .*${name.replace('.', '\\.')}`, 'm'));
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
