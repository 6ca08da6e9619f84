/**
 * systemd's notify protocol, with a Python AF_UNIX datagram listener standing
 * in for systemd (an abstract '@' socket, as systemd may hand out): READY=1
 * once capture runs, WATCHDOG=1 every WATCHDOG_USEC/2 from the main loop,
 * no ping while the loop is blocked (a test-only fault preloaded with
 * --import), STOPPING=1 at SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceNotifier, watchdogInterval } from '../../src/daemon/sd-notify.js';
import { sleep, TestNetns } from '../daemon/netns.js';

const LISTENER = fileURLToPath(new URL('./notify-listener.py', import.meta.url));
const BLOCKER = fileURLToPath(new URL('./block-loop-on-usr2.mjs', import.meta.url));

interface Datagram {
  t: number;
  msg: string;
}

class NotifyListener {
  readonly received: Datagram[] = [];
  private readonly proc: ChildProcess;
  private buffered = '';

  constructor(netns: string, readonly socketName: string) {
    this.proc = spawn('ip', ['netns', 'exec', netns, 'python3', LISTENER, socketName], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.buffered += d;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      for (const line of lines) if (line) this.received.push(JSON.parse(line) as Datagram);
    });
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<Datagram> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((d) => pattern.test(d.msg));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no datagram matching ${pattern}; got ${JSON.stringify(this.received.map((d) => d.msg))}`);
      await sleep(50);
    }
  }

  pings(): number[] {
    return this.received.filter((d) => d.msg === 'WATCHDOG=1').map((d) => d.t);
  }

  stop(): void {
    this.proc.kill('SIGKILL');
  }
}

let netns: TestNetns | undefined;
let listener: NotifyListener | undefined;
afterEach(() => {
  listener?.stop();
  netns?.delete();
  netns = undefined;
  listener = undefined;
});

describe('monitor under a service manager (Type=notify, WatchdogSec)', () => {
  it('says READY once capturing, pings every WATCHDOG_USEC/2, stops pinging while its loop is blocked, says STOPPING at SIGTERM', async () => {
    netns = new TestNetns();
    const socketName = `@gwtest-notify-${process.pid}-${Math.random().toString(36).slice(2)}`;
    listener = new NotifyListener(netns.name, socketName);
    await listener.waitFor(/^LISTENING$/, 10_000);
    const env = ['env', `NOTIFY_SOCKET=${socketName}`, 'WATCHDOG_USEC=1000000', `NODE_OPTIONS=--import=${BLOCKER}`, 'GW_TEST_BLOCK_MS=4000'];
    const monitor = netns.monitor(['--no-db', '--format', 'none'], undefined, env);

    const ready = await listener.waitFor(/READY=1/, 30_000);
    expect(ready.msg).toContain(`MAINPID=${monitor.proc.pid}`);
    expect(ready.msg).toMatch(/STATUS=capturing on gwb/);
    // Readiness means the capture is open: the start line is already out.
    expect(monitor.stderr).toMatch(/groundwatch: monitoring gwb/);

    await sleep(3500);
    const before = listener.pings().filter((t) => t > ready.t);
    expect(before.length).toBeGreaterThanOrEqual(4);
    const gaps = before.slice(1).map((t, i) => t - before[i]!);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    expect(median).toBeGreaterThan(0.35);
    expect(median).toBeLessThan(0.8);

    // The fault: the daemon's event loop is busy for 4 s. No ping may arrive meanwhile.
    const blockedAt = listener.received.at(-1)!.t;
    monitor.proc.kill('SIGUSR2');
    await sleep(6000);
    const all = listener.pings();
    const around = all.filter((t) => t >= blockedAt - 1);
    const longest = Math.max(...around.slice(1).map((t, i) => t - around[i]!));
    expect(longest).toBeGreaterThan(3.5);
    // And it pings again once the loop runs.
    expect(all.at(-1)!).toBeGreaterThan(blockedAt + 4);

    const exit = await monitor.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const stopping = await listener.waitFor(/STOPPING=1/, 5000);
    expect(stopping.t).toBeGreaterThan(all.at(-1)! - 1);
  }, 90_000);
});

describe('serviceNotifier', () => {
  it('does nothing without NOTIFY_SOCKET', () => {
    const sent: string[] = [];
    const n = serviceNotifier({}, () => {}, (s) => (sent.push(s), true));
    n.ready('x');
    n.stopping('y');
    expect(n.active).toBe(false);
    expect(sent).toEqual([]);
  });

  it('pings only while the daemon reports progress', async () => {
    const sent: string[] = [];
    let alive = true;
    const n = serviceNotifier({ NOTIFY_SOCKET: '@x', WATCHDOG_USEC: '100000' }, () => {}, (s) => (sent.push(s), true));
    n.startWatchdog(() => alive);
    await sleep(230);
    const whileAlive = sent.length;
    alive = false;
    await sleep(300);
    n.stopWatchdog();
    expect(whileAlive).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBe(whileAlive);
  });

  it('takes half of WATCHDOG_USEC, and ignores a watchdog meant for another pid (WATCHDOG_PID)', () => {
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogInterval({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '41' }, 42)).toBeUndefined();
    expect(watchdogInterval({}, 42)).toBeUndefined();
  });
});
