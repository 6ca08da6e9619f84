/**
 * Restart safety of the live daemon: `groundwatch monitor` in a network namespace the
 * test creates, delivering to a webhook receiver (inside the same namespace) that holds
 * the first alert's request open. `kill -9` of the monitor while that send waits for its
 * acknowledgement; after a restart on the same store the same alert id is sent again, and
 * every alert of the store (the oracle, independent of the delivery path) is acknowledged.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CAPTURE_IF, sessionCapture, sleep, TestNetns } from '../daemon/netns.js';

const RECEIVER = new URL('./holding-receiver.mjs', import.meta.url).pathname;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0).reverse()) fn();
});

class Receiver {
  out = '';
  constructor(readonly proc: ChildProcess) {
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
  }
  lines(prefix: string): string[][] {
    return this.out.split('\n').filter((l) => l.startsWith(`${prefix} `)).map((l) => l.split(' ').slice(1));
  }
  async waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`receiver never saw ${what}; output:\n${this.out}`);
      await sleep(100);
    }
  }
}

function alertIds(db: string): string[] {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    d.close();
  }
}

describe('monitor --deliver survives kill -9 between send and acknowledgement', () => {
  it('the alert in flight is sent again with the same id after the restart; every stored alert is acknowledged', async () => {
    const ns = new TestNetns();
    cleanup.push(() => ns.delete());
    ns.exec(['ip', 'link', 'set', 'lo', 'up']);
    const port = 20_000 + (process.pid % 20_000);
    const receiver = new Receiver(spawn('ip', ['netns', 'exec', ns.name, process.execPath, RECEIVER, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] }));
    cleanup.push(() => receiver.proc.kill('SIGKILL'));
    await receiver.waitFor(() => receiver.out.includes('LISTENING'), 'its start');
    const db = join(mkdtempSync(join(tmpdir(), 'gw-monitor-deliver-')), 'store.db');
    const args = ['--db', db, '--format', 'none', '--deliver', `http://127.0.0.1:${port}/hook?timeout_ms=120000`];

    const first = ns.monitor(args);
    cleanup.push(() => first.proc.kill('SIGKILL'));
    await first.waitForStderr(new RegExp(`monitoring ${CAPTURE_IF}`));
    ns.replay(sessionCapture(), 300);
    await receiver.waitFor(() => receiver.lines('HOLD').length === 1, 'an alert request to hold');
    const inFlight = receiver.lines('HOLD')[0]![0]!;
    // The monitor flushes its store every second: wait for the alerts of the capture to be committed.
    await sleep(2500);
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const ids = alertIds(db);
    expect(ids.length).toBeGreaterThan(5);
    expect(ids).toContain(inFlight);
    const okBefore = new Set(receiver.lines('OK').map(([id]) => id));
    expect(okBefore.has(inFlight)).toBe(false);

    const second = ns.monitor(args);
    cleanup.push(() => second.proc.kill('SIGKILL'));
    await second.waitForStderr(new RegExp(`monitoring ${CAPTURE_IF}`));
    const acked = () => new Set(receiver.lines('OK').filter(([, kind]) => kind === 'alert').map(([id]) => id));
    await receiver.waitFor(() => ids.every((id) => acked().has(id)), 'every stored alert acknowledged');
    expect(acked().has(inFlight)).toBe(true);
    expect([...acked()].sort()).toEqual(ids);
    expect((await second.stop()).code).toBe(0);
    // Heartbeats went out too: one at each start.
    expect(receiver.lines('OK').filter(([, kind]) => kind === 'state').length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
