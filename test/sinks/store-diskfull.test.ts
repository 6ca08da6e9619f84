/**
 * A full disk under the store or the NDJSON file (a 1 MiB tmpfs, as the red
 * team's r3_diskfull.sh does): the failing sink is retried with backoff, not
 * once per batch, so the replay keeps its pace (compared with the same replay
 * on a healthy disk, same test, same machine: a ratio, not a time), the loss
 * is said once on stderr, and every record is either written or counted as
 * dropped in the final stats. Oracles: the sqlite3 CLI, line counts of the
 * files, the healthy run's records.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStoredText } from '../../src/sinks/stored-record.js';
import { runCli } from '../support/cli.js';
import { writeSteadyCapture } from './burst-capture.js';

const FLOWS = 5000;
/** Many packets per record: a replay reads many batches while the disk is full (one retry per batch was the bug). */
const PACKETS_PER_FLOW = 16;
/** Full disk may cost at most this factor in replay time (before the fix: 10x and more). */
const MAX_SLOWDOWN = 2.5;
const RECORD_TABLES = ['flows', 'dns', 'alerts', 'stats', 'capture_gaps'];

let dir = '';
let full = '';
let pcap = '';

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (needs root): ${r.stderr}`);
}

function sqlite(db: string, sql: string): number {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed (apt-get install sqlite3): ${r.stderr}`);
  return Number(r.stdout.trim());
}

const storedRecords = (db: string) => RECORD_TABLES.reduce((n, t) => n + sqlite(db, `SELECT count(*) FROM ${t}`), 0);

function completeLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
}

function timedReplay(args: string[]): { ms: number; stderr: string; status: number | null } {
  const t0 = Date.now();
  // The store on its writer thread, as a large capture or the monitor has it (a small capture keeps it in-thread).
  const r = runCli(['replay', pcap, '--format', 'ndjson', '--events', 'alerts', '--fail-on', 'never', ...args], { env: { GROUNDWATCH_STORE_THREAD: 'worker' } });
  return { ms: Date.now() - t0, stderr: r.stderr, status: r.status };
}

/** The faster of two healthy runs: the machine is shared, a ratio of single runs is noisy. */
function healthyMs(args: () => string[]): number {
  return Math.min(...[0, 1].map(() => {
    const r = timedReplay(args());
    expect(r.status, r.stderr).toBe(0);
    return r.ms;
  }));
}

function freshFullDisk(): void {
  spawnSync('umount', [full]);
  sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
}

const lines = (stderr: string, re: RegExp) => stderr.split('\n').filter((l) => re.test(l));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-full-'));
  full = join(dir, 'full');
  mkdirSync(full);
  pcap = join(dir, 'steady.pcap');
  writeSteadyCapture(pcap, FLOWS, PACKETS_PER_FLOW);
});
afterAll(() => {
  spawnSync('umount', [full]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a full disk under a sink', () => {
  it('store: replay keeps its pace, the loss is said once and every record is stored or counted', () => {
    let n = 0;
    const healthy = { ms: healthyMs(() => ['--db', join(dir, `ok${++n}.db`), '--ndjson', join(dir, `ok${n}.ndjson`)]) };
    freshFullDisk();
    const ndjson = join(dir, 'all.ndjson');
    const db = join(full, 'gw.db');
    const failing = timedReplay(['--db', db, '--ndjson', ndjson]);
    expect(failing.status, failing.stderr).toBe(0);
    process.stderr.write(`store on a full disk: ${failing.ms} ms, healthy ${healthy.ms} ms\n`);
    expect(failing.ms / healthy.ms).toBeLessThan(MAX_SLOWDOWN);
    expect(lines(failing.stderr, /^groundwatch: SINK_FAILED: sink sqlite: .*(full|SQLITE_FULL)/)).toHaveLength(1);
    expect(lines(failing.stderr, /sink sqlite: records are being dropped/)).toHaveLength(1);
    const records = completeLines(ndjson);
    expect(records.filter((l) => l.includes('"groundwatch.flow"'))).toHaveLength(FLOWS);
    const final = JSON.parse(records.at(-1)!) as { event: { dataset: string }; groundwatch: { stats: { sinks: Record<string, number> } } };
    expect(final.event.dataset).toBe('groundwatch.stats');
    const dropped = final.groundwatch.stats.sinks['sink.sqlite.dropped'] ?? 0;
    expect(dropped).toBeGreaterThan(0);
    // Rows offered to the store before the final stats (the run row and every record before it) are stored or
    // counted; the final stats row and the run's end, offered after the count, may still fit at close.
    const offered = 1 + records.length - 1;
    const stored = sqlite(db, 'SELECT count(*) FROM runs') + storedRecords(db);
    expect(stored + dropped).toBeGreaterThanOrEqual(offered);
    expect(stored + dropped).toBeLessThanOrEqual(offered + 2);
  }, 180_000);

  it('NDJSON file: replay keeps its pace, the loss is said once and every line is written or counted', () => {
    let n = 0;
    const healthy = { ms: healthyMs(() => ['--db', join(dir, `okb${++n}.db`), '--ndjson', join(dir, `okb${n}.ndjson`)]) };
    freshFullDisk();
    const db = join(dir, 'beside-full-ndjson.db');
    const ndjson = join(full, 'all.ndjson');
    const failing = timedReplay(['--db', db, '--ndjson', ndjson]);
    expect(failing.status, failing.stderr).toBe(0);
    process.stderr.write(`NDJSON on a full disk: ${failing.ms} ms, healthy ${healthy.ms} ms\n`);
    expect(failing.ms / healthy.ms).toBeLessThan(MAX_SLOWDOWN);
    expect(lines(failing.stderr, /^groundwatch: SINK_FAILED: sink ndjson-file: .*ENOSPC/)).toHaveLength(1);
    expect(lines(failing.stderr, /sink ndjson-file: records are being dropped/)).toHaveLength(1);
    // The healthy store has every record; the last stats row is the final one, written after the count.
    const finalStatsHex = spawnSync('sqlite3', [db, 'SELECT hex(record) FROM stats ORDER BY rowid DESC LIMIT 1'], { encoding: 'utf8' }).stdout.trim();
    const finalStats = JSON.parse(decodeStoredText(Buffer.from(finalStatsHex, 'hex'))) as {
      groundwatch: { stats: { sinks: Record<string, number> } };
    };
    const dropped = finalStats.groundwatch.stats.sinks['sink.ndjson-file.dropped'] ?? 0;
    expect(dropped).toBeGreaterThan(0);
    expect(sqlite(db, 'SELECT count(*) FROM flows')).toBe(FLOWS);
    expect(completeLines(ndjson).length + dropped).toBe(storedRecords(db) - 1);
  }, 180_000);
});
