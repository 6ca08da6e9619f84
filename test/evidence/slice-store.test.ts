/**
 * When the slice store writes, and what its byte bound deletes: a flow's slices become one
 * row when the flow ends, a live flow's at least every HOLD_MS, everything under pressure or
 * at close; past the bound the oldest rows go, a store's schema-7 rows (one per packet)
 * before the packed ones, counted in packets. sqlite3 reads what was written.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { HOLD_MS, SliceStore, type SliceRow } from '../../src/evidence/slice-store.js';
import { openStore } from '../../src/sinks/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-slice-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sqlite3(path: string, sql: string): string {
  return execFileSync('sqlite3', [path], { input: sql, encoding: 'utf8' }).trim();
}

function slice(flow: string, i: number, role: SliceRow['role'] = 'flow'): SliceRow {
  // Random bytes: they do not compress, so a block's stored size is its packed size and a few bytes.
  const data = randomBytes(200);
  return { flow_uid: flow, role, run_id: 'R', ts_sec: 1_700_000_000 + i, ts_nsec: i, link_type: 1, orig_len: 1500, content: 'headers', data };
}

function open(name: string, maxBytes = 1 << 30) {
  const path = join(dir, name);
  const clock = { now: 0 };
  const counters = new Counters();
  const store = new SliceStore(openStore(path), maxBytes, counters, () => clock.now);
  const rows = () => sqlite3(path, "SELECT flow_uid || ':' || role || ':' || packets FROM evidence_blocks ORDER BY rowid").split('\n').filter((l) => l !== '');
  return { path, clock, counters, store, rows };
}

describe('slice store', () => {
  it('writes a flow as one row when it ends, a live one after HOLD_MS, the rest at close', () => {
    const s = open('policy.db');
    for (let i = 0; i < 5; i++) s.store.add(slice('Cended', i));
    for (let i = 0; i < 3; i++) s.store.add(slice('Cended', i, 'dns'));
    for (let i = 0; i < 4; i++) s.store.add(slice('Clive', i));
    s.store.flush();
    expect(s.rows()).toEqual([]);
    s.store.flowEnded('Cended');
    s.store.flush();
    expect(s.rows()).toEqual(['Cended:flow:5', 'Cended:dns:3']);
    s.clock.now = HOLD_MS - 1;
    s.store.flush();
    expect(s.rows()).toHaveLength(2);
    s.clock.now = HOLD_MS;
    s.store.flush();
    expect(s.rows()).toEqual(['Cended:flow:5', 'Cended:dns:3', 'Clive:flow:4']);
    s.store.add(slice('Clive', 4));
    s.store.add(slice('Clive', 5));
    s.store.close();
    expect(s.rows()).toEqual(['Cended:flow:5', 'Cended:dns:3', 'Clive:flow:4', 'Clive:flow:2']);
  });

  it('asks to be flushed under pressure and then writes every pending flow', () => {
    const s = open('pressure.db');
    let added = 0;
    while (!s.store.needsFlush()) s.store.add(slice(added % 2 === 0 ? 'Ca' : 'Cb', added++));
    // 200-byte slices: the packet bound (8,192) comes before the byte bound (4 MiB).
    expect(added).toBe(8192);
    s.store.flush();
    expect(s.rows()).toEqual(['Ca:flow:4096', 'Cb:flow:4096']);
    expect(s.store.needsFlush()).toBe(false);
    s.store.close();
  });

  it('past its bound deletes the oldest rows, schema-7 rows first, and counts the packets deleted', () => {
    const s = open('trim.db', 0);
    s.store.close();
    // Three rows of the older form, 500 bytes each, written as its writer did.
    sqlite3(s.path, "INSERT INTO evidence_packets (flow_uid, role, ts_sec, ts_nsec, link_type, orig_len, content, data) VALUES ('Cold', 'flow', 1, 0, 1, 500, 'full', zeroblob(500)), ('Cold', 'flow', 2, 0, 1, 500, 'full', zeroblob(500)), ('Cold', 'flow', 3, 0, 1, 500, 'full', zeroblob(500));");
    const counters = new Counters();
    const clock = { now: 0 };
    // Room for the old rows (1,500 bytes) and one block of 10 slices (10 x (23 + 200) + 1 packed, ~2,250 stored), not two.
    const store = new SliceStore(openStore(s.path), 4000, counters, () => clock.now);
    for (let i = 0; i < 10; i++) store.add(slice('Cnew1', i));
    store.flowEnded('Cnew1');
    store.flush();
    expect(counters.get('evidence.store.evicted')).toBe(0);
    for (let i = 0; i < 10; i++) store.add(slice('Cnew2', i));
    store.flowEnded('Cnew2');
    store.flush();
    // Over 4,000: down to 3,600 at most, the old rows first (3 packets), then the oldest block (10).
    const bytes = Number(sqlite3(s.path, 'SELECT (SELECT COALESCE(SUM(length(data)), 0) FROM evidence_packets) + (SELECT COALESCE(SUM(length(data)), 0) FROM evidence_blocks)'));
    expect(bytes).toBeLessThanOrEqual(3600);
    expect(sqlite3(s.path, 'SELECT count(*) FROM evidence_packets')).toBe('0');
    expect(sqlite3(s.path, "SELECT group_concat(flow_uid || ':' || packets) FROM evidence_blocks")).toBe('Cnew2:10');
    expect(counters.get('evidence.store.evicted')).toBe(13);
    store.close();
  });

  it('while writes fail, holds at most 20,000 slices and counts the oldest dropped', () => {
    const counters = new Counters();
    const db = openStore(join(dir, 'failing.db'));
    const store = new SliceStore(db, 1 << 30, counters, () => 0);
    // The table gone under the store: every write fails.
    db.exec('DROP TABLE evidence_blocks');
    for (let i = 0; i < 20_005; i++) store.add(slice('Cf', i));
    expect(() => store.flush()).toThrow(/evidence_blocks/);
    expect(counters.get('evidence.store.dropped')).toBe(5);
    expect(() => store.close()).toThrow(/evidence_blocks/);
    expect(counters.get('evidence.store.dropped')).toBe(20_005);
  });
});
