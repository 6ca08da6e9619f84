/**
 * Packet slices stored packed (schema 10: one compressed row per flow and role) export the
 * same packets the capture holds, a store written in the older form (schema 7: one row per
 * packet) still exports them, byte for byte the same pcapng, and a damaged block is a
 * one-line error naming its row. The oracle is tshark on the original capture.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptBlockError, packSlices, unpackSlices } from '../../src/evidence/slice-pack.js';
import type { AlertRecord } from '../../src/records/ecs.js';
import { MIGRATIONS, migrate, SCHEMA_VERSION } from '../../src/sinks/sqlite-schema.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { runCli } from '../support/cli.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';

const FIXTURE = join(FIXTURES_DIR, 'session-dji-mixed.pcapng');
/** The schema before packed slices (the last migration with evidence_packets as the only form). */
const BEFORE_PACKED = 8;
let dir: string;
let db: string;
let alert: AlertRecord;
let uid: string;
let tuple: string;

interface Frame {
  epoch: string;
  len: string;
  raw: string;
}

/** Each frame's time, wire length and bytes as tshark reads them (`-T json -x`). */
function tsharkFrames(file: string, filter?: string): Frame[] {
  const out = execFileSync('tshark', ['-n', '-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'json', '-x'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const packets = JSON.parse(out) as { _source: { layers: { frame: Record<string, string>; frame_raw: [string, ...unknown[]] } } }[];
  return packets.map((p) => ({ epoch: p._source.layers.frame['frame.time_epoch']!, len: p._source.layers.frame['frame.len']!, raw: p._source.layers.frame_raw[0] }));
}

function sqlite3(path: string, sql: string): string {
  // On stdin: a slice's frames as hex would pass the length limit of one argument.
  return execFileSync('sqlite3', [path], { input: sql, encoding: 'utf8' }).trim();
}

function exportBundle(store: string, name: string) {
  const out = join(dir, name);
  return { out, run: runCli(['alerts', 'export', alert.event.id, '--db', store, '--out', out]) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-packed-'));
  db = join(dir, 'full.db');
  // Whole frames: the exported bytes can then be compared with the capture's, byte for byte.
  const replay = runCli(['replay', FIXTURE, '--db', db, '--format', 'ndjson', '--fail-on', 'never', '--no-summary', '--evidence-packets', 'full']);
  expect(replay.status, replay.stderr).toBe(0);
  const alerts = runCli(['alerts', 'list', '--db', db, '--format', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as AlertRecord);
  alert = alerts.find((a) => a.network?.transport === 'tcp' && a.groundwatch.name.source === 'tls_sni')!;
  expect(alert).toBeDefined();
  uid = alert.groundwatch.flow.uid;
  const s = alert.source!;
  const d = alert.destination!;
  tuple = `ip.addr==${s.ip} && ip.addr==${d.ip} && tcp.port==${s.port} && tcp.port==${d.port}`;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('packed packet slices', () => {
  it("store a flow's packets in one row, and export exactly the capture's frames: times, wire lengths, bytes", () => {
    const source = tsharkFrames(FIXTURE, tuple);
    expect(source.length).toBeGreaterThan(3);
    // sqlite3 reads the store: one row for the flow's own packets, holding all of them.
    expect(sqlite3(db, `SELECT count(*), sum(packets) FROM evidence_blocks WHERE flow_uid = '${uid}' AND role = 'flow'`)).toBe(`1|${source.length}`);
    const { out, run } = exportBundle(db, 'new-form');
    expect(run.status, run.stderr).toBe(0);
    expect(tsharkFrames(join(out, 'packets.pcapng'))).toEqual(source);
  });

  it('a store written before packed slices (schema 7 rows) migrates and exports the same pcapng, byte for byte', () => {
    const old = join(dir, 'schema8.db');
    const raw = new Database(old);
    migrate(raw, MIGRATIONS.filter((m) => m.version <= BEFORE_PACKED));
    const columns = (raw.prepare('PRAGMA table_info(alerts)').all() as { name: string }[]).map((c) => c.name).join(', ');
    raw.close();
    // The rows as schema 7's writer made them, one per packet, written by sqlite3 from tshark's reading of the capture.
    const inserts = tsharkFrames(FIXTURE, tuple).map((f) => {
      const [sec, frac = ''] = f.epoch.split('.');
      return `INSERT INTO evidence_packets (flow_uid, role, run_id, ts_sec, ts_nsec, link_type, orig_len, content, data) VALUES ('${uid}', 'flow', NULL, ${sec}, ${Number(frac.padEnd(9, '0'))}, 1, ${f.len}, 'full', X'${f.raw}');`;
    });
    sqlite3(old, `ATTACH '${db}' AS src; INSERT INTO alerts (${columns}) SELECT ${columns} FROM src.alerts WHERE id = '${alert.event.id}'; ${inserts.join(' ')}`);
    expect(sqlite3(old, 'PRAGMA user_version')).toBe(String(BEFORE_PACKED));
    openStore(old).close();
    expect(sqlite3(old, 'PRAGMA user_version')).toBe(String(SCHEMA_VERSION));
    expect(sqlite3(old, 'SELECT count(*) FROM evidence_packets')).toBe(String(inserts.length));
    const before = exportBundle(old, 'old-form');
    expect(before.run.status, before.run.stderr).toBe(0);
    const after = exportBundle(db, 'new-form-again');
    expect(after.run.status, after.run.stderr).toBe(0);
    expect(tsharkFrames(join(before.out, 'packets.pcapng'))).toEqual(tsharkFrames(FIXTURE, tuple));
    expect(readFileSync(join(before.out, 'packets.pcapng')).equals(readFileSync(join(after.out, 'packets.pcapng')))).toBe(true);
  });

  it.each([
    ['cut in half', "UPDATE evidence_blocks SET data = substr(data, 1, length(data) / 2)"],
    // || makes text: the cast keeps it a blob, of the same bytes.
    ['one byte changed', "UPDATE evidence_blocks SET data = CAST(substr(data, 1, 20) || X'5A' || substr(data, 22) AS BLOB)"],
    ['a packed length one too many', 'UPDATE evidence_blocks SET raw_bytes = raw_bytes + 1'],
    ['a packed length one too few', 'UPDATE evidence_blocks SET raw_bytes = raw_bytes - 1'],
    ['a packet count one too many', 'UPDATE evidence_blocks SET packets = packets + 1'],
    ['text instead of a blob', "UPDATE evidence_blocks SET data = 'not a block'"],
    ['another blob', "UPDATE evidence_blocks SET data = X'789c'"],
  ])('a damaged block (%s) is one EVIDENCE_CORRUPT line naming its row, and no bundle', (what, damage) => {
    const copy = join(dir, `damaged-${what.replace(/\W+/g, '-')}.db`);
    sqlite3(db, `VACUUM INTO '${copy}'`);
    const rowid = sqlite3(copy, `SELECT rowid FROM evidence_blocks WHERE flow_uid = '${uid}' AND role = 'flow'`);
    sqlite3(copy, `${damage} WHERE rowid = ${rowid}`);
    const { out, run } = exportBundle(copy, `damaged-${what.replace(/\W+/g, '-')}`);
    expect(run.status, run.stdout + run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n').filter((l) => !l.includes('warning'))).toEqual([
      expect.stringMatching(new RegExp(`^groundwatch: EVIDENCE_CORRUPT: evidence_blocks row ${rowid} \\(flow ${uid}, flow packets\\) is damaged: \\S`)),
    ]);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('every single byte changed anywhere in a packed block is caught (the zlib check), never a crash nor other packets', () => {
    const slices = tsharkFrames(FIXTURE, tuple).map((f, i) => ({ ts_sec: 1_795_426_644 + i, ts_nsec: i * 1000, link_type: 1, orig_len: Number(f.len), content: 'headers' as const, data: Buffer.from(f.raw, 'hex').subarray(0, 66) }));
    const { blob, rawBytes } = packSlices(slices);
    expect(unpackSlices(blob, rawBytes, slices.length).map((s) => Buffer.from(s.data).toString('hex'))).toEqual(slices.map((s) => s.data.toString('hex')));
    for (let at = 0; at < blob.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const damaged = Buffer.from(blob);
        damaged[at] = damaged[at]! ^ flip;
        expect(() => unpackSlices(damaged, rawBytes, slices.length), `byte ${at} ^ ${flip}`).toThrow(CorruptBlockError);
      }
    }
  });
});
