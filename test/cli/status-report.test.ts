/**
 * `status`'s verdict, rule by rule (src/cli/status-report.ts states them):
 * running = monitor run not ended AND a sign of life within 2x the stats
 * interval + 10 s; healthy = running with no capture gap open; drops, stale
 * GeoIP and an outbox backlog are warnings. The outbox backlog is read from a
 * real store with and without an `outbox` table.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessStatus, type StatusInput } from '../../src/cli/status-report.js';
import { statusText } from '../../src/cli/status-command.js';
import { outboxBacklog, type RunRow, type StatsSnapshot } from '../../src/sinks/health-queries.js';
import { closeStore, openStore } from '../../src/sinks/sqlite-store.js';
import { runCli } from '../support/cli.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

const run = (over: Partial<RunRow> = {}): RunRow => ({
  id: 'R1', mode: 'monitor', started_at: ago(3600), ended_at: null, interface: 'eth1', rules: '["dji@2026.11.1"]', tool_version: '0.1.0', ...over,
});

const stats = (writtenSecondsAgo: number, received: number, dropped: number, extra: Record<string, unknown> = {}): StatsSnapshot => ({
  ts: ago(writtenSecondsAgo),
  stats: { written_at: ago(writtenSecondsAgo), interval_seconds: 60, capture: { 'capture.received': received, 'capture.dropped': dropped, 'capture.if_dropped': 0 }, ...extra },
});

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  store: { path: '/var/lib/groundwatch/groundwatch.db', from: 'state directory' }, run: run(), stats: [], openGaps: [], outbox: undefined, now: NOW, ...over,
});

describe('status verdict', () => {
  it('running: not ended and a stats record within twice the interval (+10 s); healthy when no gap is open', () => {
    const r = assessStatus(input({ stats: [stats(30, 1600, 0), stats(90, 1000, 0)] }));
    expect(r).toMatchObject({ running: true, healthy: true, problems: [], last_interval: { received: 600, dropped: 0, seconds: 60 } });
    expect(assessStatus(input({ stats: [stats(130, 1, 0)] })).running).toBe(true);
    const dead = assessStatus(input({ stats: [stats(131, 1, 0)] }));
    expect(dead).toMatchObject({ running: false, healthy: false });
    expect(dead.running_because).toMatch(/never ended .* 131 s old \(over 130 s\): the daemon died without closing/);
  });

  it('before the first stats record, the start counts as the sign of life', () => {
    expect(assessStatus(input({ run: run({ started_at: ago(100) }) })).running).toBe(true);
    expect(assessStatus(input({ run: run({ started_at: ago(200) }) })).running).toBe(false);
  });

  it('a run that ended, a replay, or no run at all is not running', () => {
    expect(assessStatus(input({ run: run({ ended_at: ago(10) }), stats: [stats(10, 1, 0)] })).running_because).toMatch(/stopped at/);
    expect(assessStatus(input({ run: run({ mode: 'replay' }) })).running).toBe(false);
    expect(assessStatus(input({ run: undefined })).problems).toEqual(['not running: the store has no run']);
  });

  it('an open gap makes it unhealthy; drops, stale GeoIP and an outbox backlog are warnings only', () => {
    const gap = { start: ago(400), reason: 'no_traffic', interface: 'eth1' };
    const withGap = assessStatus(input({ stats: [stats(5, 10, 0)], openGaps: [gap] }));
    expect(withGap).toMatchObject({ running: true, healthy: false, open_gaps: [gap] });
    expect(withGap.problems).toEqual([`capture gap open since ${gap.start} on eth1 (no_traffic)`]);
    const stale = { stale: true, max_age_days: 35, oldest_age_days: 180, stale_databases: [{ role: 'country', type: 'dbip-country', path: '/x.mmdb', origin: 'embedded', age_days: 180 }] };
    const warned = assessStatus(input({
      stats: [stats(5, 1600, 9, { geoip: stale }), stats(65, 1000, 5)],
      outbox: { pending: 3, oldest: ago(50), counted: 'delivered_at IS NULL' },
    }));
    expect(warned.healthy).toBe(true);
    expect(warned.last_interval).toEqual({ seconds: 60, received: 600, dropped: 4, if_dropped: 0 });
    expect(warned.warnings).toHaveLength(3);
    expect(warned.warnings[0]).toMatch(/^4 packets dropped by the kernel/);
    expect(warned.warnings[1]).toMatch(/^GeoIP data older than 35 days \(country 180 days\): .*npm --prefix .* update/);
    expect(warned.warnings[2]).toBe(`3 records waiting in the delivery outbox (oldest ${ago(50)})`);
    expect(statusText(warned)).toMatch(/^outbox\s+3 pending/m);
  });

  it('rule pack ages come from their YYYY.MM versions', () => {
    expect(assessStatus(input()).rules).toEqual([{ pack: 'dji', version: '2026.11.1', age_days: 30 }]);
  });
});

describe('outbox backlog', () => {
  it('is absent without an outbox table and counts undelivered rows when there is one', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-status-')), 'store.db');
    const db = openStore(path);
    expect(outboxBacklog(db)).toBeUndefined();
    expect(statusText(assessStatus(input()))).not.toMatch(/^outbox/m);
    db.exec(`CREATE TABLE outbox (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, delivered_at TEXT);
      INSERT INTO outbox (created_at, delivered_at) VALUES ('2026-12-01T10:00:00Z', NULL), ('2026-12-01T09:00:00Z', '2026-12-01T09:00:01Z'), ('2026-12-01T11:00:00Z', NULL);`);
    expect(outboxBacklog(db)).toEqual({ pending: 2, oldest: '2026-12-01T10:00:00Z', counted: 'delivered_at IS NULL' });
    closeStore(db);
  });
});

describe('status command', () => {
  it('exits 1 with the reason on a store no monitor wrote, and prints JSON on request', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-status-cli-')), 'store.db');
    closeStore(openStore(path));
    const text = runCli(['status', '--db', path]);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/^health\s+UNHEALTHY$/m);
    expect(text.stdout).toMatch(/^problem\s+not running: the store has no run$/m);
    const json = runCli(['status', '--db', path, '--format', 'json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ healthy: false, running: false, store: { path, from: '--db' } });
  });
});
