/**
 * pcapng packets whose time no record can carry (beyond JavaScript's Date
 * range or a four-digit year: 2^64-1 units, if_tsresol 2^0 or 10^0, a huge
 * negative if_tsoffset) are counted as an anomaly and the replay goes on;
 * the store keeps everything the NDJSON log has (red team r1_ts_crash.sh).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, REPO_ROOT } from '../support/cli.js';
import { PcapngWriter } from '../support/capture-writer.js';
import { tsharkFieldRows } from '../support/tshark.js';

const LINKTYPE_ETHERNET = 1;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the times an ISO 8601 four-digit year can say. */
const RECORDABLE = [-62_167_219_200, 253_402_300_799];

/** The records of a classic little-endian microsecond pcap (the shipped fixture is one). */
function pcapRecords(bytes: Buffer): { sec: number; usec: number; data: Buffer; wireLen: number }[] {
  expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
  const out = [];
  for (let off = 24; off + 16 <= bytes.length; ) {
    const capLen = bytes.readUInt32LE(off + 8);
    out.push({ sec: bytes.readUInt32LE(off), usec: bytes.readUInt32LE(off + 4), data: bytes.subarray(off + 16, off + 16 + capLen), wireLen: bytes.readUInt32LE(off + 12) });
    off += 16 + capLen;
  }
  return out;
}

/** The fixture session as pcapng, then its last frame again from four interfaces whose times are out of range. */
function captureWithBadTimes(): string {
  const records = pcapRecords(readFileSync(join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap')));
  const w = new PcapngWriter().section(true);
  w.interface(LINKTYPE_ETHERNET, { snaplen: 65535 }); // 0: microseconds
  w.interface(LINKTYPE_ETHERNET, { snaplen: 65535, tsresol: 0x80 }); // 1: 2^-0 s per unit
  w.interface(LINKTYPE_ETHERNET, { snaplen: 65535, tsresol: 0 }); // 2: 10^-0 s per unit
  w.interface(LINKTYPE_ETHERNET, { snaplen: 65535, tsoffset: -(2n ** 62n) }); // 3: a huge negative offset
  for (const r of records) w.epb(0, BigInt(r.sec) * 1_000_000n + BigInt(r.usec), r.data, r.wireLen);
  const last = records.at(-1)!;
  w.epb(0, 2n ** 64n - 1n, last.data, last.wireLen);
  w.epb(1, 2n ** 63n, last.data, last.wireLen);
  w.epb(2, 2n ** 40n, last.data, last.wireLen);
  w.epb(3, BigInt(last.sec) * 1_000_000n, last.data, last.wireLen);
  const file = join(mkdtempSync(join(tmpdir(), 'gw-ts-')), 'bad-times.pcapng');
  writeFileSync(file, w.build());
  return file;
}

describe('replay of pcapng packets with out-of-range timestamps', () => {
  it('counts each as anomaly.capture.timestamp_out_of_range, keeps every packet, and the store holds what the log holds', () => {
    const file = captureWithBadTimes();
    // tshark reads every frame; its own times say which ones no record can carry.
    const times = tsharkFieldRows(file, ['frame.time_epoch']).map(([t]) => Number(t));
    const outOfRange = times.filter((t) => !(t >= RECORDABLE[0]! && t <= RECORDABLE[1]!)).length;
    expect(outOfRange).toBe(4);

    const dir = mkdtempSync(join(tmpdir(), 'gw-ts-run-'));
    const db = join(dir, 'gw.db');
    const log = join(dir, 'records.ndjson');
    const r = runCli(['replay', file, '--db', db, '--ndjson', log, '--format', 'ndjson', '--events', 'all', '--no-summary']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(1); // the fixture's alerts reach high; nothing else went wrong

    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const stats = records.find((x) => x.event.dataset === 'groundwatch.stats').groundwatch.stats;
    expect(stats.packets.received).toBe(times.length);
    expect(stats.anomalies['anomaly.capture.timestamp_out_of_range']).toBe(outOfRange);

    const alertIds = records.filter((x) => x.event.dataset === 'groundwatch.alert').map((x) => x.event.id).sort();
    const flowUids = records.filter((x) => x.event.dataset === 'groundwatch.flow').map((x) => x.groundwatch.flow.uid).sort();
    expect(alertIds.length).toBeGreaterThan(10);
    const store = new Database(db, { readonly: true });
    expect((store.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((x) => x.id)).toEqual([...new Set(alertIds)]);
    expect((store.prepare('SELECT uid FROM flows ORDER BY uid').all() as { uid: string }[]).map((x) => x.uid)).toEqual(flowUids);
    expect(store.prepare('SELECT packets FROM runs').all()).toEqual([{ packets: times.length }]);
    store.close();
  });
});
