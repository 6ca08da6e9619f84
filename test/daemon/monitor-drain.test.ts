/**
 * SIGTERM right after a burst: what libpcap received is either processed,
 * dropped by the kernel, or counted as discarded at shutdown, never lost
 * uncounted, and the run still ends within a bound. Oracles: tcpreplay's own
 * "Actual: N packets" for what was sent, libpcap's ps_recv for what was
 * received (capture.received). The store, on a healthy disk, keeps every
 * record of the burst (the sqlite3 CLI against the NDJSON log).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionCapture, TestNetns } from './netns.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

/** 40 time-shifted copies of the session capture merged into one (as the red-team script does): ~12,000 packets, many flows. */
function burstCapture(dir: string): string {
  const parts: string[] = [];
  for (let i = 1; i <= 40; i++) {
    const part = join(dir, `s${i}.pcapng`);
    run('editcap', ['-t', String(i * 100), sessionCapture(), part]);
    parts.push(part);
  }
  const big = join(dir, 'big.pcapng');
  run('mergecap', ['-w', big, ...parts]);
  return big;
}

describe('SIGTERM after a burst', () => {
  it('drains within a bound and counts every received packet as processed, dropped or discarded', async () => {
    const ns = new TestNetns();
    cleanup.push(() => ns.delete());
    const dir = mkdtempSync(join(tmpdir(), 'gw-drain-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const big = burstCapture(dir);
    const ndjson = join(dir, 'out.ndjson');
    const db = join(dir, 'gw.db');
    const m = ns.monitor(['--db', db, '--ndjson', ndjson, '--format', 'none']);
    await m.waitForStderr(/monitoring gwb/);
    const out = ns.exec(['tcpreplay', '-q', '-i', 'gwa', '--topspeed', '--loop', '10', big]);
    const sent = Number(/Actual: (\d+) packets/.exec(out)?.[1]);
    const t0 = Date.now();
    const exit = await m.stop('SIGTERM');
    const stopMs = Date.now() - t0;
    expect(exit).toEqual({ code: 0, signal: null });
    // The worker drains for at most 4 s; the rest is closing the session.
    expect(stopMs).toBeLessThan(12_000);
    const stats = readFileSync(ndjson, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"groundwatch.stats"'))
      .map((l) => JSON.parse(l))
      .at(-1).groundwatch.stats;
    const c = stats.capture as Record<string, number>;
    process.stderr.write(`drain: sent ${sent}, processed ${stats.packets.received}, dropped ${c['capture.dropped']}, discarded ${c['capture.discarded_at_shutdown']}, stop ${stopMs} ms\n`);
    expect(c['capture.received']).toBe(sent);
    expect(c['capture.discarded_at_shutdown']).toBeTypeOf('number');
    expect(stats.packets.received + c['capture.dropped']! + c['capture.discarded_at_shutdown']!).toBe(c['capture.received']);
    // The store kept every record of the burst (healthy disk): the sqlite3 CLI against the NDJSON log, per dataset.
    const lines = readFileSync(ndjson, 'utf8').split('\n');
    for (const [ds, table] of [['flow', 'flows'], ['dns', 'dns'], ['alert', 'alerts']] as const) {
      const logged = lines.filter((l) => l.includes(`"groundwatch.${ds}"`)).length;
      const stored = Number(spawnSync('sqlite3', [db, `SELECT count(*) FROM ${table}`], { encoding: 'utf8' }).stdout.trim());
      expect(stored, table).toBe(logged);
    }
    expect(stats.sinks['sink.sqlite.dropped'] ?? 0).toBe(0);
  }, 90_000);
});
