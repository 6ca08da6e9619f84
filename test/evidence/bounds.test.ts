/**
 * Bounded on a long run: with small limits, the ring pushes packets out by
 * bytes and by age and counts them, an alerted flow that lost packets is
 * counted as incomplete (its bundle says how many it holds of how many), and
 * the store deletes its oldest slice packets to stay under its bound.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundleContents } from '../../src/evidence/bundle-contents.js';
import { writeBundle } from '../../src/evidence/bundle-writer.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { floodPcap } from '../support/flow-flood.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';
import { replayFiles } from '../support/replay-harness.js';

const FIXTURE = join(FIXTURES_DIR, 'session-dji-mixed.pcapng');
const dir = mkdtempSync(join(tmpdir(), 'gw-evidence-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function storedBytes(db: string): { bytes: number; rows: number } {
  const d = new Database(db, { readonly: true });
  try {
    // Both forms a store may hold: packed blocks (schema 10) and, from older stores, one row per packet (schema 7).
    const q = (table: string) => d.prepare(`SELECT COALESCE(SUM(length(data)), 0) AS bytes, COUNT(*) AS rows FROM ${table}`).get() as { bytes: number; rows: number };
    const blocks = q('evidence_blocks');
    const packets = q('evidence_packets');
    return { bytes: blocks.bytes + packets.bytes, rows: blocks.rows + packets.rows };
  } finally {
    d.close();
  }
}

describe('evidence bounds', () => {
  it('a flood of flows no alert names is pushed out by bytes, counted, and nothing is stored', async () => {
    const flood = join(dir, 'flood.pcap');
    writeFileSync(flood, floodPcap(5000));
    const db = join(dir, 'flood.db');
    const run = await replayFiles([flood], { dbPath: db, evidence: { ringBytes: 16 * 1024 } });
    const stats = (run.stats.groundwatch.stats as { counters: Record<string, number> }).counters;
    // Each of the 5,000 one-packet flows costs its headers (42 bytes here) plus the overhead: 16 KiB holds about 80.
    expect(stats['evidence.ring.evicted_bytes']).toBeGreaterThan(4800);
    expect(storedBytes(db).rows).toBe(0);
  });

  it('packets older than the ring age leave it, counted; an alerted flow that lost some is incomplete and its bundle says so', async () => {
    const db = join(dir, 'age.db');
    // The fixture spans seconds; a 1 ms ring keeps almost nothing until an alert names a flow.
    const run = await replayFiles([FIXTURE], { dbPath: db, evidence: { ringSeconds: 0.001 } });
    const stats = (run.stats.groundwatch.stats as { counters: Record<string, number> }).counters;
    expect(stats['evidence.ring.evicted_age']).toBeGreaterThan(0);
    expect(stats['evidence.slices.incomplete']).toBeGreaterThan(0);
    const store = openStore(db, { readonly: true });
    try {
      const short = run.alerts.map((a) => {
        const contents = readBundleContents(store, a.event.id);
        const recorded = (contents.flow?.source?.packets ?? 0) + (contents.flow?.destination?.packets ?? 0);
        return { id: a.event.id, inSlice: contents.flowPackets.length, recorded };
      }).find((x) => x.inSlice < x.recorded);
      expect(short).toBeDefined();
      const manifest = writeBundle(readBundleContents(store, short!.id), { outDir: join(dir, 'short-bundle'), log: { missing: 'test' }, toolVersion: 'test' });
      expect(manifest.packets.flow_packets_in_slice).toBe(short!.inSlice);
      expect(manifest.packets.flow_packets_recorded).toBe(short!.recorded);
      expect(JSON.parse(readFileSync(join(dir, 'short-bundle', 'manifest.json'), 'utf8')).packets.flow_packets_recorded).toBe(short!.recorded);
    } finally {
      store.close();
    }
  });

  it('the store deletes its oldest slice packets past its bound, counted', async () => {
    const db = join(dir, 'store.db');
    const limit = 4096;
    const run = await replayFiles([FIXTURE], { dbPath: db, evidence: { storeMaxBytes: limit } });
    const stats = (run.stats.groundwatch.stats as { counters: Record<string, number> }).counters;
    const kept = storedBytes(db);
    expect(stats['evidence.store.evicted']).toBeGreaterThan(0);
    expect(kept.bytes).toBeLessThanOrEqual(limit);
    expect(kept.rows).toBeGreaterThan(0);
    // Unbounded, the same run stores more than the bound: the limit is what made the difference.
    const full = join(dir, 'store-full.db');
    await replayFiles([FIXTURE], { dbPath: full });
    expect(storedBytes(full).bytes).toBeGreaterThan(limit);
  });
});
