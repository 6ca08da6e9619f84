/**
 * The silence detector on a live veth in a namespace the test creates: the
 * interface stays up and stops sending. With `--silence-after 2`, a
 * `no_traffic` capture gap opens about 2 s after the last packet (written
 * at once, to the store and the NDJSON file), `status` says unhealthy while
 * it is open, and the first packet after it closes it with its end time.
 * The clock oracle is when tcpreplay (run by the test) sent the packets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { CAPTURE_IF, PEER_PCAPS, sleep, TestNetns } from './netns.js';

const SMALL_TLS = join(PEER_PCAPS, 'dns-then-tls13__arkime-curl-enabled-tls13.pcap');
const SILENCE_AFTER_S = 2;

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

type Rec = Record<string, any>;

function status(db: string): { code: number | null; report: Rec } {
  const r = spawnSync(process.execPath, [CLI, 'status', '--db', db, '--format', 'json'], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, report: JSON.parse(r.stdout) as Rec };
}

function sqlite3(db: string, sql: string): string {
  return spawnSync('sqlite3', [db, sql], { encoding: 'utf8' }).stdout.trim();
}

describe('silence detector (monitor on a live veth)', () => {
  it('opens a no_traffic gap within the configured time of the last packet and closes it when traffic resumes', async () => {
    const ns = new TestNetns();
    cleanup.push(() => ns.delete());
    const dir = mkdtempSync(join(tmpdir(), 'gw-silence-'));
    const db = join(dir, 'store.db');
    const ndjson = join(dir, 'records.ndjson');
    const m = ns.monitor(['--db', db, '--ndjson', ndjson, '--silence-after', String(SILENCE_AFTER_S), '--stats-interval', '1']);
    cleanup.push(() => m.proc.kill('SIGKILL'));
    await m.waitForStderr(new RegExp(`monitoring ${CAPTURE_IF}`));

    ns.replay(SMALL_TLS, 200);
    const lastSent = Date.now();
    await m.waitForStderr(/no packet on gwb for 2 s \(no_traffic gap open/, 10_000);
    const noticed = Date.now();
    // Within the configured time (plus the once-a-second check), never before it.
    expect(noticed - lastSent).toBeGreaterThanOrEqual(SILENCE_AFTER_S * 1000 - 200);
    expect(noticed - lastSent).toBeLessThanOrEqual(SILENCE_AFTER_S * 1000 + 2000);

    // Written at once (the sinks flush every second): the store has the open gap, status says unhealthy.
    await sleep(1500);
    const during = status(db);
    expect(during.code).toBe(1);
    expect(during.report).toMatchObject({ running: true, healthy: false });
    expect(during.report.open_gaps).toEqual([expect.objectContaining({ reason: 'no_traffic', interface: CAPTURE_IF })]);

    // Traffic resumes and keeps flowing (looped for 6 s), so no new silence starts while status is asked.
    const resumedAt = Date.now();
    const sending = ns.replayInBackground(SMALL_TLS, 50, 6);
    await m.waitForStderr(/traffic on gwb resumed after/, 10_000);
    await sleep(2500);
    const after = status(db);
    expect(after.report.open_gaps).toEqual([]);
    expect(after.code).toBe(0);
    await sending;
    expect((await m.stop()).code).toBe(0);

    const gaps = readFileSync(ndjson, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec)
      .filter((r) => r.event.dataset === 'groundwatch.capture_gap');
    // Two records for the one silence; a second silence may begin between the end of the send and the stop.
    expect(gaps.slice(0, 2).map((g) => g.event.action)).toEqual(['capture-gap-open', 'capture-resumed']);
    for (const later of gaps.slice(2)) expect(Date.parse(later.groundwatch.gap.start)).toBeGreaterThan(Date.parse(gaps[1]!.groundwatch.gap.end));
    const [open, closed] = gaps.map((g) => g.groundwatch.gap);
    expect(open).toEqual({ start: open.start, reason: 'no_traffic', interface: CAPTURE_IF });
    expect(closed).toMatchObject({ start: open.start, reason: 'no_traffic', interface: CAPTURE_IF });
    // The gap starts at the last packet of the first send and ends at the first packet of the second.
    expect(Date.parse(open.start)).toBeLessThanOrEqual(lastSent + 200);
    expect(Date.parse(open.start)).toBeGreaterThan(lastSent - 3000);
    expect(Date.parse(closed.end)).toBeGreaterThanOrEqual(resumedAt - 50);
    expect(Date.parse(closed.end) - resumedAt).toBeLessThan(3000);
    // The store holds the same two rows (sqlite3 CLI).
    expect(sqlite3(db, "SELECT count(*), count(ts_end) FROM capture_gaps WHERE reason = 'no_traffic' AND julianday(ts_start) = (SELECT min(julianday(ts_start)) FROM capture_gaps)")).toBe('2|1');
    // And the stats record counted it.
    const stats = readFileSync(ndjson, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec)
      .filter((r) => r.event.dataset === 'groundwatch.stats');
    // Stale GeoIP data (the stats record says whether, tested against mmdblookup in test/enrich/staleness.test.ts) is one start line.
    const staleLines = m.stderr.split('\n').filter((l) => l.includes('GeoIP data older than'));
    expect(staleLines).toHaveLength(stats.at(-1)!.groundwatch.stats.geoip.stale ? 1 : 0);
    expect(stats.at(-1)!.groundwatch.stats.counters['daemon.silence_gaps']).toBe(new Set(gaps.map((g) => g.groundwatch.gap.start)).size);
  }, 60_000);
});
