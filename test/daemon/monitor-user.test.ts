/**
 * `monitor --user nobody` started as root: the kernel is the oracle. Every
 * thread of the daemon and of every capture worker (the first one included,
 * which opened the interface as root) must show the user's uid/gid in
 * /proc/<pid>/task/<tid>/status; the workers hold no capability at all, the
 * daemon none in force (CAP_NET_RAW only permitted/ambient on its main
 * thread, for restarting a worker). SIGTERM ends the run within a bound, and
 * whatever the user cannot read is one `groundwatch: CODE:` line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { PEER_PCAPS, sleep, TestNetns, type MonitorProcess } from './netns.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const RULES_A = join(FIXTURES, 'rules-a.yaml');
const OTHER_TLS = join(PEER_PCAPS, 'tls13-sni-ipv4__sv-community-id-ipv4.pcap');
const NOBODY = 65534;
/** capability(7): CAP_NET_RAW is bit 13. */
const CAP_NET_RAW = 1n << 13n;
/** How long SIGTERM may take to end a run (the worker's drain is bounded at 4 s). */
const STOP_BOUND_MS = 8000;

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

function netns(): TestNetns {
  const ns = new TestNetns();
  cleanup.push(() => ns.delete());
  return ns;
}

interface ThreadCreds {
  tid: string;
  uid: number[];
  gid: number[];
  groups: number[];
  caps: Record<'CapInh' | 'CapPrm' | 'CapEff' | 'CapAmb', bigint>;
}

/** What the kernel says about every thread of a process. */
function threads(pid: number): ThreadCreds[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1] ?? '';
    const ids = (name: string) => field(name).split(/\s+/).map(Number);
    const cap = (name: string) => BigInt(`0x${field(name)}`);
    const groups = field('Groups').split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
    return { tid, uid: ids('Uid'), gid: ids('Gid'), groups, caps: { CapInh: cap('CapInh'), CapPrm: cap('CapPrm'), CapEff: cap('CapEff'), CapAmb: cap('CapAmb') } };
  });
}

function children(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}

async function workerOf(m: MonitorProcess, not?: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const pid = children(m.proc.pid!).find((p) => p !== not);
    if (pid !== undefined) return pid;
    await sleep(100);
  }
  throw new Error('no capture worker');
}

/** The user's groups as id(1) reports them from the group database: none of root's may survive. */
const NOBODY_GROUPS = spawnSync('id', ['-G', 'nobody'], { encoding: 'utf8' }).stdout.trim().split(/\s+/).map(Number).sort((a, b) => a - b);

function expectUser(t: ThreadCreds[], who: string): void {
  for (const th of t) {
    expect(th.groups, `${who} thread ${th.tid} groups`).toEqual(NOBODY_GROUPS);
    expect(th.uid, `${who} thread ${th.tid} uid`).toEqual([NOBODY, NOBODY, NOBODY, NOBODY]);
    expect(th.gid, `${who} thread ${th.tid} gid`).toEqual([NOBODY, NOBODY, NOBODY, NOBODY]);
  }
}

async function stopWithin(m: MonitorProcess, boundMs: number): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  m.proc.kill('SIGTERM');
  const exit = await Promise.race([m.exited, sleep(boundMs).then(() => undefined)]);
  if (!exit) throw new Error(`monitor still running ${boundMs} ms after SIGTERM; stderr:\n${m.stderr}`);
  return { code: exit.code, ms: Date.now() - t0 };
}

describe('monitor privileges: every process ends as the intended user with the intended capabilities', () => {
  it('leaves the daemon and the first capture worker as nobody with no capability in force, and SIGTERM ends the run', async () => {
    const ns = netns();
    const m = ns.monitor(['--no-db', '--format', 'ndjson', '--events', 'all', '--rules', RULES_A, '--user', 'nobody']);
    await m.waitForStderr(/monitoring gwb/);
    await m.waitForStderr(/running as nobody .*keeping only CAP_NET_RAW/);
    const worker = await workerOf(m);
    const daemon = threads(m.proc.pid!);
    expectUser(daemon, 'daemon');
    for (const th of daemon) expect(th.caps.CapEff, `daemon thread ${th.tid} CapEff`).toBe(0n);
    // The main thread (the one that spawns workers) keeps CAP_NET_RAW permitted and ambient; nothing else anywhere.
    const [main, ...rest] = daemon.sort((a, b) => Number(a.tid) - Number(b.tid));
    expect(main!.caps).toEqual({ CapInh: CAP_NET_RAW, CapPrm: CAP_NET_RAW, CapEff: 0n, CapAmb: CAP_NET_RAW });
    for (const th of rest) expect(th.caps, `daemon thread ${th.tid}`).toEqual({ CapInh: 0n, CapPrm: 0n, CapEff: 0n, CapAmb: 0n });
    const first = threads(worker);
    expectUser(first, 'first worker');
    for (const th of first) expect(th.caps, `first worker thread ${th.tid}`).toEqual({ CapInh: 0n, CapPrm: 0n, CapEff: 0n, CapAmb: 0n });
    const stop = await stopWithin(m, STOP_BOUND_MS);
    expect(stop.code).toBe(0);
    expect(m.records().at(-1)?.event).toMatchObject({ dataset: 'groundwatch.stats', action: 'final' });
  }, 30_000);

  it('restarts the capture worker after a lost link with CAP_NET_RAW only, which the worker then drops on every thread', async () => {
    const ns = netns();
    const m = ns.monitor(['--no-db', '--format', 'ndjson', '--events', 'all', '--rules', RULES_A, '--user', 'nobody']);
    await m.waitForStderr(/monitoring gwb/);
    const first = await workerOf(m);
    ns.setLink(false);
    await m.waitForStderr(/capture on gwb stopped \(interface_down\)/);
    ns.setLink(true);
    await m.waitForStderr(/capture on gwb resumed/, 15_000);
    const resumedAt = Date.now();
    const second = await workerOf(m, first);
    // The daemon runs the C worker when it is built (as here: npm run build:native), restarts included.
    expect(readFileSync(`/proc/${second}/cmdline`, 'utf8').split('\0')[0]).toMatch(/\/groundwatch-capture-worker$/);
    const t = threads(second);
    expectUser(t, 'restarted worker');
    // It was started holding CAP_NET_RAW (ambient, from the daemon); capabilities are per thread, and no
    // thread of it may keep any once the capture is open (a Node worker's helper threads did: docs/monitor.md).
    for (const th of t) expect(th.caps, `restarted worker thread ${th.tid}`).toEqual({ CapInh: 0n, CapPrm: 0n, CapEff: 0n, CapAmb: 0n });
    ns.replay(OTHER_TLS, 500);
    await sleep(1500);
    const stop = await stopWithin(m, STOP_BOUND_MS);
    expect(stop.code).toBe(0);
    const flows = m.records().filter((r) => r.event?.dataset === 'groundwatch.flow' && Date.parse(r.event.start) >= resumedAt - 1000);
    expect(flows.length).toBeGreaterThan(0);
  }, 40_000);

  it('started as the user with ambient capture capabilities (systemd User= + AmbientCapabilities): the worker drops them once open', async () => {
    const ns = netns();
    // setpriv(1) sets up what the systemd unit would: user nobody, CAP_NET_RAW and CAP_NET_ADMIN ambient.
    const launcher = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--init-groups', '--inh-caps=+net_raw,+net_admin', '--ambient-caps=+net_raw,+net_admin'];
    const m = ns.monitor(['--no-db', '--format', 'ndjson', '--events', 'all', '--rules', RULES_A], undefined, launcher);
    await m.waitForStderr(/monitoring gwb/);
    const worker = await workerOf(m);
    const status = readFileSync(`/proc/${worker}/status`, 'utf8');
    expect(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m.test(status)).toBe(true);
    // Every thread, not only the main one: the worker was started holding both capabilities (ambient).
    for (const th of threads(worker)) expect(th.caps, `worker thread ${th.tid}`).toEqual({ CapInh: 0n, CapPrm: 0n, CapEff: 0n, CapAmb: 0n });
    const sent = ns.replay(OTHER_TLS, 500);
    await sleep(1500);
    const stop = await stopWithin(m, STOP_BOUND_MS);
    expect(stop.code).toBe(0);
    expect(m.records().at(-1)?.groundwatch?.stats?.capture?.['capture.received']).toBe(sent);
  }, 30_000);

  it('an unreadable rules directory is one RULES_INVALID line and exit 2, not a hang', async () => {
    const ns = netns();
    const dir = mkdtempSync(join(tmpdir(), 'gw-user-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    cpSync(RULES_A, join(rulesDir, 'a.yaml'));
    chmodSync(rulesDir, 0o700); // root's only: nobody cannot read it after the switch
    const m = ns.monitor(['--no-db', '--format', 'none', '--rules', join(rulesDir, 'a.yaml'), '--user', 'nobody']);
    const exit = await Promise.race([m.exited, sleep(15_000).then(() => undefined)]);
    expect(exit, `still running; stderr:\n${m.stderr}`).toBeDefined();
    expect(exit!.code).toBe(2);
    const lines = m.stderr.split('\n').filter((l) => l.startsWith('groundwatch: ') && !/running as|note:/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^groundwatch: RULES_INVALID: .*a\.yaml.*EACCES/);
    expect(m.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('an installation unreadable by the user is one line and exit 2, not a hang', async () => {
    const ns = netns();
    const dir = mkdtempSync(join(tmpdir(), 'gw-user-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const install = join(dir, 'gw');
    mkdirSync(install);
    for (const part of ['dist', 'native', 'rules', 'geoip', 'package.json']) cpSync(join(REPO_ROOT, part), join(install, part), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(install, 'node_modules'));
    chmodSync(install, 0o700);
    const m = ns.monitor(['--no-db', '--format', 'none', '--user', 'nobody'], join(install, 'dist/cli/main.js'));
    const exit = await Promise.race([m.exited, sleep(15_000).then(() => undefined)]);
    expect(exit, `still running; stderr:\n${m.stderr}`).toBeDefined();
    expect(exit!.code).toBe(2);
    const lines = m.stderr.split('\n').filter((l) => l.startsWith('groundwatch: ') && !/running as|note:/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^groundwatch: [A-Z_]+: .*not readable by user nobody/);
  }, 30_000);
});
