/**
 * Retention over a generated month and a half of records, written through the
 * real store code (SqliteSink, ackAlert). The oracle is the sqlite3 CLI
 * counting rows by date with its own date arithmetic (julianday), not our
 * text comparison of stored times; the file size is read from the file system.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { buildCaptureGapRecord } from '../../src/daemon/capture-gap.js';
import { ECS_VERSION, type DnsRecord, type StatsRecord } from '../../src/records/ecs.js';
import { ackAlert } from '../../src/sinks/queries.js';
import { StoreRetention, type RetentionPolicy } from '../../src/sinks/retention.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { migrate } from '../../src/sinks/sqlite-schema.js';
import { closeStore, openStore } from '../../src/sinks/sqlite-store.js';
import { ensureIncrementalVacuum } from '../../src/sinks/store-vacuum.js';
import { makeAlert, makeDns, makeFlow, makeRun } from './fixtures.js';

const NOW = new Date('2026-03-31T12:00:00Z');
const DAYS = 40;
const POLICY: RetentionPolicy = { flowsDays: 10, statsDays: 20, alertsDays: 30 };
const PER_DAY = { flows: 60, dns: 30, stats: 24, alerts: 3 };

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'gw-retention-')), 'store.db');

function sqlite3(db: string, sql: string): string {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Rows per UTC date, by the sqlite3 CLI. */
function countsByDate(db: string, table: string, column: string): Map<string, number> {
  const out = sqlite3(db, `SELECT date(${column}) || '|' || count(*) FROM ${table} GROUP BY date(${column})`);
  return new Map(out.split('\n').filter(Boolean).map((l) => { const [d, n] = l.split('|'); return [d!, Number(n)]; }));
}

/** Rows the sqlite3 CLI says are younger than `days` before NOW (julianday arithmetic, independent of ours). */
function youngerThan(db: string, table: string, column: string, days: number): number {
  return Number(sqlite3(db, `SELECT count(*) FROM ${table} WHERE julianday(${column}) >= julianday('${NOW.toISOString()}') - ${days}`));
}

/** Day d before NOW, at 11:00 UTC: an hour off every cutoff, so no row sits on a boundary. */
const dayTs = (d: number, minute = 0) => new Date(NOW.getTime() - d * 86_400_000 - 3_600_000 + minute * 60_000).toISOString();

function statsRecord(ts: string): StatsRecord {
  // About the size of a real interval record (750 B): padded counters.
  const counters = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`counter.${i}`, i * 1000]));
  return { '@timestamp': ts, ecs: { version: ECS_VERSION }, event: { kind: 'metric', dataset: 'groundwatch.stats' }, groundwatch: { stats: { counters } } };
}

async function generateStore(path: string): Promise<void> {
  const sink = new SqliteSink(openStore(path));
  sink.startRun(makeRun('R-month'));
  for (let d = 0; d < DAYS; d++) {
    for (let i = 0; i < PER_DAY.flows; i++) {
      sink.write(makeFlow({ uid: `C${d}-${i}`, ts: dayTs(d, i % 50), sport: 40000 + i, domain: `host${i}.example.com` }));
    }
    for (let i = 0; i < PER_DAY.dns; i++) {
      const dns: DnsRecord = { ...makeDns(`D${d}-${i}`), '@timestamp': dayTs(d, i % 50) };
      sink.write(dns);
    }
    for (let i = 0; i < PER_DAY.stats; i++) sink.write(statsRecord(dayTs(d, i)));
    for (let i = 0; i < PER_DAY.alerts; i++) sink.write(makeAlert({ id: `A${d}-${i}`, ts: dayTs(d, i), uid: `C${d}-${i}` }));
    sink.write(buildCaptureGapRecord({ start: new Date(dayTs(d)), end: new Date(dayTs(d, 1)), reason: 'interface_down', interfaceName: 'eth1' }, 'R-month'));
  }
  // An alert first raised 35 days ago that still repeats today: kept, it is current.
  sink.write(makeAlert({ id: 'A-still-repeating', ts: dayTs(35) }));
  sink.updateAlertRepeats('A-still-repeating', 500, dayTs(0));
  await sink.flush();
  // One acknowledgement per day's first alert, through the real ack path.
  for (let d = 0; d < DAYS; d++) ackAlert(sink.db, `A${d}-0`, { note: 'reviewed', by: 'analyst', at: new Date(dayTs(d, 30)) });
  await sink.close();
}

describe('store retention over a generated month', () => {
  it('leaves exactly the rows younger than each limit (sqlite3 CLI by date), deletes acks with their alerts, and shrinks the file', async () => {
    const path = tmpDb();
    await generateStore(path);
    expect(sqlite3(path, 'PRAGMA auto_vacuum'), 'a new store is created with incremental vacuum').toBe('2');
    const before = {
      size: statSync(path).size,
      flows: countsByDate(path, 'flows', 'ts_start'),
      dns: countsByDate(path, 'dns', 'ts'),
      stats: countsByDate(path, 'stats', 'ts'),
      gaps: countsByDate(path, 'capture_gaps', 'ts_start'),
      alerts: countsByDate(path, 'alerts', 'ts'),
      keep: {
        flows: youngerThan(path, 'flows', 'ts_start', POLICY.flowsDays),
        dns: youngerThan(path, 'dns', 'ts', POLICY.flowsDays),
        stats: youngerThan(path, 'stats', 'ts', POLICY.statsDays),
        gaps: youngerThan(path, 'capture_gaps', 'ts_start', POLICY.statsDays),
        alerts: youngerThan(path, 'alerts', 'ts', POLICY.alertsDays),
      },
    };
    expect(before.flows.size).toBe(DAYS);
    expect([...before.flows.values()].every((n) => n === PER_DAY.flows)).toBe(true);

    const counters = new Counters();
    const db = openStore(path);
    const ticks = new StoreRetention(db, POLICY, counters).runUntilCaughtUp(NOW);
    closeStore(db);

    const after = statSync(path).size;
    expect(Number(sqlite3(path, 'SELECT count(*) FROM flows'))).toBe(before.keep.flows);
    expect(Number(sqlite3(path, 'SELECT count(*) FROM dns'))).toBe(before.keep.dns);
    expect(Number(sqlite3(path, 'SELECT count(*) FROM stats'))).toBe(before.keep.stats);
    expect(Number(sqlite3(path, 'SELECT count(*) FROM capture_gaps'))).toBe(before.keep.gaps);
    // Alerts: the young ones plus the old one still repeating.
    expect(Number(sqlite3(path, 'SELECT count(*) FROM alerts'))).toBe(before.keep.alerts + 1);
    expect(sqlite3(path, "SELECT count(*) FROM alerts WHERE id = 'A-still-repeating'")).toBe('1');

    // By date: every date younger than the limit keeps all its rows, every older date has none.
    const expectKept = (was: Map<string, number>, days: number) =>
      new Map([...was].filter(([date]) => Date.parse(`${date}T11:00:00Z`) >= NOW.getTime() - days * 86_400_000));
    expect(countsByDate(path, 'flows', 'ts_start')).toEqual(expectKept(before.flows, POLICY.flowsDays));
    expect(countsByDate(path, 'dns', 'ts')).toEqual(expectKept(before.dns, POLICY.flowsDays));
    expect(countsByDate(path, 'stats', 'ts')).toEqual(expectKept(before.stats, POLICY.statsDays));
    expect(countsByDate(path, 'capture_gaps', 'ts_start')).toEqual(expectKept(before.gaps, POLICY.statsDays));
    expect(countsByDate(path, 'flows', 'ts_start').size).toBe(POLICY.flowsDays);

    // Acknowledgements went with their alerts: none dangles, the kept alerts keep theirs.
    expect(sqlite3(path, 'PRAGMA foreign_key_check')).toBe('');
    expect(Number(sqlite3(path, 'SELECT count(*) FROM alert_acks'))).toBe(POLICY.alertsDays);
    expect(sqlite3(path, 'PRAGMA integrity_check')).toBe('ok');

    // Counted: what the counters say was deleted is what the CLI saw disappear.
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(counters.get('retention.flows_deleted')).toBe(sum(before.flows) - before.keep.flows);
    expect(counters.get('retention.dns_deleted')).toBe(sum(before.dns) - before.keep.dns);
    expect(counters.get('retention.stats_deleted')).toBe(sum(before.stats) - before.keep.stats);
    expect(counters.get('retention.gaps_deleted')).toBe(sum(before.gaps) - before.keep.gaps);
    expect(counters.get('retention.alerts_deleted')).toBe(sum(before.alerts) - before.keep.alerts - 1);
    expect(counters.get('retention.acks_deleted')).toBe(DAYS - POLICY.alertsDays);
    expect(counters.get('retention.vacuumed_pages')).toBeGreaterThan(0);
    expect(ticks.length).toBeGreaterThan(1);

    // The file shrank: three quarters of the flows (most of the bytes) are gone.
    expect(after).toBeLessThan(before.size * 0.5);
    expect(after).toBe(Number(sqlite3(path, 'PRAGMA page_count')) * Number(sqlite3(path, 'PRAGMA page_size')));
  }, 120_000);

  it('a tick stays within its budget (batches of batchRows while the time budget lasts) and later ticks finish the job', async () => {
    const path = tmpDb();
    await generateStore(path);
    const db = openStore(path);
    let t = 0;
    // Each clock read advances 10 ms: a 25 ms budget is spent after three batches; each other table
    // (dns, stats, gaps, alerts) still gets its one batch, so no table starves behind another.
    const retention = new StoreRetention(db, POLICY, undefined, { batchRows: 50, maxMillis: 25, vacuumPages: 10 }, () => (t += 10));
    const first = retention.tick(NOW);
    const deleted = Object.values(first.deleted).reduce((a, b) => a + b, 0) - first.deleted.alert_acks;
    expect(first.deleted.flows).toBe(3 * 50);
    expect(first.deleted.dns).toBe(50);
    expect(first.deleted.stats).toBe(50);
    expect(deleted).toBeLessThanOrEqual((3 + 4) * 50);
    expect(first.caughtUp).toBe(false);
    expect(first.vacuumedPages).toBeLessThanOrEqual(10);
    let rounds = 1;
    while (!retention.tick(NOW).caughtUp) rounds++;
    expect(rounds).toBeGreaterThan(10);
    closeStore(db);
    expect(Number(sqlite3(path, 'SELECT count(*) FROM flows'))).toBe(POLICY.flowsDays * PER_DAY.flows);
  }, 120_000);

  it('a store created before retention (auto_vacuum none) is converted once, by VACUUM, when a writer opens it', () => {
    const path = tmpDb();
    const legacy = new Database(path);
    legacy.pragma('journal_mode = WAL');
    migrate(legacy);
    legacy.close();
    expect(sqlite3(path, 'PRAGMA auto_vacuum')).toBe('0');
    const warnings: string[] = [];
    closeStore(openStore(path, { warn: (l) => warnings.push(l) }));
    expect(sqlite3(path, 'PRAGMA auto_vacuum')).toBe('2');
    expect(warnings).toEqual([]);
  });
});

describe('converting a large store from before retention', () => {
  it('is left to the documented command, with one warning that gives it, and the command works', () => {
    const path = tmpDb();
    const legacy = new Database(path);
    migrate(legacy);
    legacy.exec("CREATE TABLE filler (x BLOB); INSERT INTO filler SELECT zeroblob(1024 * 1024) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)");
    legacy.close();
    const warnings: string[] = [];
    const db = openStore(path);
    closeStore(db);
    expect(sqlite3(path, 'PRAGMA auto_vacuum'), 'a 3 MiB store is under the automatic limit').toBe('2');

    const big = tmpDb();
    const old = new Database(big);
    migrate(old);
    old.exec("CREATE TABLE filler (x BLOB); INSERT INTO filler SELECT zeroblob(1024 * 1024) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)");
    old.close();
    ensureIncrementalVacuum(new Database(big), (l) => warnings.push(l), 1024 * 1024);
    expect(sqlite3(big, 'PRAGMA auto_vacuum')).toBe('0');
    expect(warnings).toHaveLength(1);
    const command = /sqlite3 (\S+) '([^']+)'$/.exec(warnings[0]!);
    expect(command?.[1]).toBe(big);
    sqlite3(command![1]!, command![2]!);
    expect(sqlite3(big, 'PRAGMA auto_vacuum')).toBe('2');
  });
});

describe('the delivery outbox under retention', () => {
  it('loses delivered rows delivered longer ago than the alerts limit, and never a pending or disabled one', () => {
    const path = tmpDb();
    closeStore(openStore(path));
    const ms = (days: number) => NOW.getTime() - days * 86_400_000 - 3_600_000;
    // [message id, state, delivered days ago]: the alerts limit is 30 days.
    const rows: [string, string, number | null][] = [
      ['old-delivered', 'delivered', 45], ['young-delivered', 'delivered', 5], ['old-pending', 'pending', null], ['old-disabled', 'disabled', null],
    ];
    for (const [id, state, days] of rows) {
      sqlite3(path, `INSERT INTO outbox (destination, message_id, kind, severity, severity_num, size_bytes, ts, payload, summary, state, created_at, next_attempt_at, delivered_at)
        VALUES ('webhook:x', '${id}', 'alert', 'high', 4, 10, '2026-01-01T00:00:00.000000000Z', '{}', 's', '${state}', ${ms(60)}, ${ms(60)}, ${days === null ? 'NULL' : ms(days)})`);
    }
    const counters = new Counters();
    const db = openStore(path);
    new StoreRetention(db, POLICY, counters).runUntilCaughtUp(NOW);
    closeStore(db);
    expect(sqlite3(path, 'SELECT message_id FROM outbox ORDER BY message_id')).toBe('old-disabled\nold-pending\nyoung-delivered');
    expect(counters.get('retention.outbox_deleted')).toBe(1);
  });
});
