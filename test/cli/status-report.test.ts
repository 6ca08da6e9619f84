/**
 * `status`'s verdict, rule by rule (src/cli/status-report.ts states them):
 * running = monitor run not ended AND a sign of life within 2x the stats
 * interval + 10 s; healthy = running with no capture gap open; drops, stale
 * GeoIP and an outbox backlog are warnings. The outbox backlog is read from a
 * real store with and without an `outbox` table.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessStatus, type StatusInput } from '../../src/cli/status-report.js';
import { statusText } from '../../src/cli/status-command.js';
import { alertMessage } from '../../src/delivery/outgoing.js';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import { outboxBacklog, type RunRow, type StatsSnapshot } from '../../src/sinks/health-queries.js';
import { closeStore, openStore, type StoreDb } from '../../src/sinks/sqlite-store.js';
import { makeAlert } from '../sinks/fixtures.js';
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
      outbox: [{ destination: 'https://siem.example/hook', pending: 3, oldest_pending_ms: NOW.getTime() - 50_000, disabled: 0, last_error: 'HTTP 503' }],
    }));
    expect(warned.healthy).toBe(true);
    expect(warned.last_interval).toEqual({ seconds: 60, received: 600, dropped: 4, if_dropped: 0 });
    expect(warned.warnings).toHaveLength(3);
    expect(warned.warnings[0]).toMatch(/^4 packets dropped by the kernel/);
    expect(warned.warnings[1]).toMatch(/^GeoIP data older than 35 days \(country 180 days\): put newer .mmdb files in \/usr\/share\/GeoIP .*country: GeoLite2-Country.*, then restart the monitor/);
    expect(warned.warnings[2]).toBe('3 records waiting in the delivery outbox for https://siem.example/hook (oldest 50 s old; last error: HTTP 503)');
    expect(statusText(warned)).toMatch(new RegExp(`^outbox\\s+https://siem.example/hook: 3 pending, oldest ${ago(50)} \\(50 s\\), 0 disabled, last error: HTTP 503$`, 'm'));
  });

  it('rule pack ages come from their YYYY.MM versions', () => {
    expect(assessStatus(input()).rules).toEqual([{ pack: 'dji', version: '2026.11.1', age_days: 30 }]);
  });
});

describe('outbox backlog', () => {
  it('is absent in a store older than the outbox (schema 3, read as it is)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-status-')), 'old.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE runs (id TEXT)');
    expect(outboxBacklog(raw as unknown as StoreDb)).toBeUndefined();
    raw.close();
    expect(statusText(assessStatus(input()))).not.toMatch(/^outbox/m);
  });

  it('per destination, from rows the delivery code wrote: pending count, oldest pending age, disabled, last error', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-status-')), 'store.db');
    const db = openStore(path);
    const outbox = new OutboxStore(db);
    const msg = (id: string) => alertMessage(makeAlert({ id: `A-${id}` }));
    const A = 'https://a.example/hook';
    const B = 'syslog+tls://b.example:6514';
    const t0 = NOW.getTime() - 600_000;
    // A: 3 rows, the oldest delivered, the next two pending (oldest of those 540 s before NOW), one failing.
    outbox.enqueue(A, msg('1'), t0);
    outbox.enqueue(A, msg('2'), t0 + 60_000);
    outbox.enqueue(A, msg('3'), t0 + 120_000);
    const [first, second] = outbox.due(A, NOW.getTime(), 10);
    outbox.markDelivered([first!.rowid], t0 + 1000);
    outbox.retryLater(second!.rowid, NOW.getTime() + 5000, 'HTTP 503 Service Unavailable');
    // B: 2 rows disabled by a 410.
    outbox.enqueue(B, msg('1'), t0);
    outbox.enqueue(B, msg('2'), t0);
    expect(outbox.disable(B, 'HTTP 410 Gone')).toBe(2);
    const backlog = outboxBacklog(db);
    expect(backlog).toEqual([
      { destination: A, pending: 2, oldest_pending_ms: t0 + 60_000, disabled: 0, last_error: 'HTTP 503 Service Unavailable' },
      { destination: B, pending: 0, oldest_pending_ms: null, disabled: 2, last_error: 'HTTP 410 Gone' },
    ]);
    const r = assessStatus(input({ stats: [stats(5, 10, 0)], outbox: backlog }));
    expect(r.healthy).toBe(true);
    expect(r.outbox).toEqual([
      { destination: A, pending: 2, oldest_pending_at: new Date(t0 + 60_000).toISOString(), oldest_pending_age_seconds: 540, disabled: 0, last_error: 'HTTP 503 Service Unavailable' },
      { destination: B, pending: 0, oldest_pending_at: null, oldest_pending_age_seconds: null, disabled: 2, last_error: 'HTTP 410 Gone' },
    ]);
    expect(r.warnings).toEqual([
      `2 records waiting in the delivery outbox for ${A} (oldest 540 s old; last error: HTTP 503 Service Unavailable)`,
      `2 records disabled in the delivery outbox for ${B} (\`groundwatch outbox retry\` makes them pending again): HTTP 410 Gone`,
    ]);
    const text = statusText(r);
    expect(text).toMatch(/^outbox\s+https:\/\/a\.example\/hook: 2 pending, oldest \S+ \(540 s\), 0 disabled, last error: HTTP 503/m);
    expect(text).toMatch(/^outbox\s+syslog\+tls:\/\/b\.example:6514: 0 pending, 2 disabled, last error: HTTP 410 Gone$/m);
    closeStore(db);
  });
});
