/**
 * The daemon applies retention from its config file while it captures: a
 * store holding 100-day-old flows, DNS rows and alerts (written through the
 * real store code) loses them within the first rounds, keeps the young ones,
 * and the stats record counts what went. Oracle: the sqlite3 CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeAlert, makeFlow, makeRun } from '../sinks/fixtures.js';
import { CAPTURE_IF, sleep, TestNetns } from './netns.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

const sqlite3 = (db: string, sql: string) => spawnSync('sqlite3', [db, sql], { encoding: 'utf8' }).stdout.trim();
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

describe('retention in the running daemon', () => {
  it('deletes rows past retention.*_days from the config file within the first rounds and counts them in stats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-retention-live-'));
    const db = join(dir, 'store.db');
    const sink = new SqliteSink(openStore(db));
    sink.startRun(makeRun('R-old'));
    for (let i = 0; i < 50; i++) sink.write(makeFlow({ uid: `Cold${i}`, ts: daysAgo(100) }));
    for (let i = 0; i < 5; i++) sink.write(makeFlow({ uid: `Cyoung${i}`, ts: daysAgo(1) }));
    sink.write(makeAlert({ id: 'A-old', ts: daysAgo(100) }));
    sink.write(makeAlert({ id: 'A-young', ts: daysAgo(50) }));
    await sink.close();
    const config = join(dir, 'groundwatch.yaml');
    writeFileSync(config, `db: ${db}\nndjson: ${join(dir, 'r.ndjson')}\nstats_interval: 1\nretention:\n  flows_days: 30\n  alerts_days: 60\n`);

    const ns = new TestNetns();
    cleanup.push(() => ns.delete());
    const m = ns.monitor(['--config', config]);
    cleanup.push(() => m.proc.kill('SIGKILL'));
    await m.waitForStderr(new RegExp(`monitoring ${CAPTURE_IF}`));
    // The first round runs 5 s after start.
    await sleep(7000);
    expect((await m.stop()).code).toBe(0);

    expect(sqlite3(db, "SELECT count(*) FROM flows WHERE julianday(ts_start) < julianday('now') - 30")).toBe('0');
    expect(sqlite3(db, "SELECT count(*) FROM flows WHERE uid LIKE 'Cyoung%'")).toBe('5');
    expect(sqlite3(db, 'SELECT group_concat(id) FROM alerts')).toBe('A-young');
    const stats = readFileSync(join(dir, 'r.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>)
      .filter((r) => r.event.dataset === 'groundwatch.stats');
    const final = stats.at(-1)!.groundwatch.stats.counters;
    expect(final['retention.flows_deleted']).toBe(50);
    expect(final['retention.alerts_deleted']).toBe(1);
    expect(final['retention.failed']).toBe(0);
    expect(m.stderr).not.toMatch(/retention round .* failed/);
  }, 60_000);
});
