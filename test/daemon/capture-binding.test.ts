/**
 * The libpcap binding through the real capture worker (dist/daemon/capture-worker.js)
 * on a veth pair inside a network namespace, fed by tcpreplay from a capture
 * built here. Oracles: the bytes and lengths we sent; tcpdump on the same
 * interface (count and timestamps); the kernel's own promiscuity counter
 * (`ip -d link`) for the promiscuous option.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveCaptureOptions } from '../../src/capture/live.js';
import { FrameDecoder, type Frame, type WorkerStats } from '../../src/daemon/frames.js';
import { REPO_ROOT } from '../support/cli.js';
import { ethernetIp, LINKTYPE_ETHERNET, pcapFile, tcpPacket, udpPacket, ACK } from '../support/packet-builder.js';
import { CAPTURE_IF, sleep, TestNetns } from './netns.js';

const WORKER = join(REPO_ROOT, 'dist/daemon/capture-worker.js');
const MATCHING = 200;
const HOSTS = { src: '192.0.2.1', dst: '192.0.2.2' };

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

type PacketFrame = Extract<Frame, { type: 'packet' }>;

class WorkerRun {
  readonly frames: Frame[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  constructor(ns: TestNetns, opts: LiveCaptureOptions) {
    this.proc = spawn('ip', ['netns', 'exec', ns.name, process.execPath, WORKER, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const decoder = new FrameDecoder();
    this.proc.stdout!.on('data', (chunk: Buffer) => this.frames.push(...decoder.push(Buffer.from(chunk))));
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    cleanup.push(() => this.proc.kill('SIGKILL'));
  }

  async opened(): Promise<void> {
    for (let i = 0; i < 100 && !this.frames.some((f) => f.type === 'opened'); i++) await sleep(50);
    if (!this.frames.some((f) => f.type === 'opened')) throw new Error(`worker never opened: ${this.stderr} ${JSON.stringify(this.frames)}`);
  }

  async stop(): Promise<number | null> {
    this.proc.kill('SIGTERM');
    return this.exited;
  }

  packets(): PacketFrame[] {
    return this.frames.filter((f): f is PacketFrame => f.type === 'packet');
  }

  lastStats(): WorkerStats {
    const stats = this.frames.filter((f) => f.type === 'stats');
    const last = stats.at(-1);
    if (last?.type !== 'stats') throw new Error('no stats frame');
    return last.stats;
  }
}

/** tcpdump on the capture interface, immediate mode, nanosecond stamps: the independent count. */
class TcpdumpRun {
  private readonly proc: ChildProcess;
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(
    ns: TestNetns,
    private readonly file: string,
    filter: string,
  ) {
    const args = ['tcpdump', '-p', '--immediate-mode', '-i', CAPTURE_IF, '-nn', '--time-stamp-precision=nano', '-w', file, filter];
    this.proc = spawn('ip', ['netns', 'exec', ns.name, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', () => resolve()));
    cleanup.push(() => this.proc.kill('SIGKILL'));
  }

  async listening(): Promise<void> {
    for (let i = 0; i < 100 && !this.stderr.includes('listening on'); i++) await sleep(50);
    if (!this.stderr.includes('listening on')) throw new Error(`tcpdump did not start: ${this.stderr}`);
  }

  /** Stops it and reads back each packet's timestamp (ns) and frame length. */
  async packets(): Promise<{ tsNs: bigint; length: number }[]> {
    this.proc.kill('SIGINT');
    await this.exited;
    const r = spawnSync('tcpdump', ['-r', this.file, '-nn', '-e', '-tt', '--time-stamp-precision=nano'], { encoding: 'utf8' });
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => ({ tsNs: BigInt(line.split(' ')[0]!.replace('.', '')), length: Number(/, length (\d+):/.exec(line)?.[1]) }));
  }
}

function setup(): { ns: TestNetns; dir: string; mac: string } {
  const ns = new TestNetns();
  cleanup.push(() => ns.delete());
  const dir = mkdtempSync(join(tmpdir(), 'gw-binding-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return { ns, dir, mac: ns.exec(['cat', `/sys/class/net/${CAPTURE_IF}/address`]).trim() };
}

/** MATCHING UDP datagrams to port 9999 (sizes 1..1400 B of payload) addressed to `mac`, interleaved with ones the filter must drop. */
function writeTraffic(dir: string, mac: string): { file: string; matching: Uint8Array[] } {
  const matching: Uint8Array[] = [];
  const all: Uint8Array[] = [];
  for (let i = 0; i < MATCHING; i++) {
    const payload = new Uint8Array(1 + ((i * 37) % 1400)).fill(i & 0xff);
    const frame = ethernetIp(udpPacket(HOSTS, { srcPort: 40_000 + i, dstPort: 9999 }, payload), { dst: mac });
    matching.push(frame);
    all.push(frame);
    if (i % 4 === 0) all.push(ethernetIp(udpPacket(HOSTS, { srcPort: 40_000, dstPort: 9998 }, payload), { dst: mac }));
    if (i % 4 === 2) all.push(ethernetIp(tcpPacket(HOSTS, { srcPort: 40_000, dstPort: 9999, flags: ACK }, payload), { dst: mac }));
  }
  const file = join(dir, 'traffic.pcap');
  writeFileSync(file, pcapFile(LINKTYPE_ETHERNET, all.map((data, i) => ({ tsSec: 1, tsNsec: i * 1000, data }))));
  return { file, matching };
}

function promiscuity(ns: TestNetns): number {
  return Number(/promiscuity (\d+)/.exec(ns.exec(['ip', '-d', 'link', 'show', CAPTURE_IF]))?.[1]);
}

const options = (o: Partial<LiveCaptureOptions>): LiveCaptureOptions => ({
  interfaceName: CAPTURE_IF,
  filter: 'udp port 9999',
  snaplen: 65_535,
  bufferBytes: 4 << 20,
  promiscuous: true,
  ...o,
});

describe('libpcap binding in the capture worker (network namespace)', () => {
  it('delivers exactly the packets the filter admits, byte for byte, stamped as tcpdump stamps them', async () => {
    const { ns, dir, mac } = setup();
    const { file, matching } = writeTraffic(dir, mac);
    const worker = new WorkerRun(ns, options({ promiscuous: false }));
    await worker.opened();
    // The kernel's own count of promiscuous users: our capture must not have asked.
    expect(promiscuity(ns)).toBe(0);
    const tcpdump = new TcpdumpRun(ns, join(dir, 'oracle.pcap'), 'udp port 9999');
    await tcpdump.listening();
    const sent = ns.replay(file, 2000);
    expect(sent).toBe(MATCHING + MATCHING / 2);
    await sleep(300);
    const oracle = await tcpdump.packets();
    expect(await worker.stop()).toBe(0);

    const got = worker.packets();
    expect(got).toHaveLength(MATCHING);
    expect(oracle).toHaveLength(MATCHING);
    expect(got.map((f) => f.wireLen)).toEqual(matching.map((m) => m.length));
    expect(got.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(matching.map((m) => Buffer.from(m).toString('hex')));
    const stamps = got.map((f) => BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! >= stamps[i - 1]!).toBe(true);
    expect(Math.abs(Number(stamps[0]! / 1_000_000n) - Date.now())).toBeLessThan(5000);
    // Kernel stamps, not delivery stamps: each within 1 ms of tcpdump's for the same packet.
    stamps.forEach((ts, i) => expect(Math.abs(Number(ts - oracle[i]!.tsNs))).toBeLessThan(1_000_000));
    expect(oracle.map((p) => p.length)).toEqual(matching.map((m) => m.length));
    const stats = worker.lastStats();
    expect(stats.received).toBeGreaterThanOrEqual(MATCHING);
    expect(stats).toMatchObject({ dropped: 0, truncated: 0 });
  }, 20_000);

  it('cuts frames at the snaplen but keeps their wire length, and honours promiscuous mode', async () => {
    const { ns, dir, mac } = setup();
    const { file, matching } = writeTraffic(dir, mac);
    const worker = new WorkerRun(ns, options({ snaplen: 64, promiscuous: true }));
    await worker.opened();
    expect(promiscuity(ns)).toBe(1);
    ns.replay(file, 2000);
    await sleep(300);
    expect(await worker.stop()).toBe(0);
    const got = worker.packets();
    expect(got.map((f) => f.wireLen)).toEqual(matching.map((m) => m.length));
    expect(got.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(matching.map((m) => Buffer.from(m.subarray(0, 64)).toString('hex')));
    expect(worker.lastStats().truncated).toBe(matching.filter((m) => m.length > 64).length);
    expect(promiscuity(ns)).toBe(0);
  }, 20_000);

  it('ends with exit code 3 when the link goes down (libpcap waits; the worker\'s link check notices)', async () => {
    const { ns } = setup();
    const worker = new WorkerRun(ns, options({}));
    await worker.opened();
    ns.setLink(false);
    const code = await Promise.race([worker.exited, sleep(5000).then(() => 'timeout')]);
    expect(code).toBe(3);
  }, 20_000);
});
