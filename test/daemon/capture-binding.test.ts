/**
 * libpcap through both capture workers, the C one (native/pcap/capture_worker.c,
 * the daemon's choice when built) and the Node fallback (dist/daemon/capture-worker.js
 * with the binding), on a veth pair inside a network namespace, fed by tcpreplay
 * from a capture built here. Their frames are read with the daemon's own decoder.
 * Oracles: the bytes and lengths we sent; tcpreplay's count; tcpdump on the same
 * interface (count and timestamps); the kernel's own promiscuity counter
 * (`ip -d link`) for the promiscuous option.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveCaptureOptions } from '../../src/capture/live.js';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameType, type Frame, type WorkerStats } from '../../src/daemon/frames.js';
import { nativeWorkerArgs, nativeWorkerPath } from '../../src/daemon/worker-command.js';
import { REPO_ROOT } from '../support/cli.js';
import { ethernetIp, LINKTYPE_ETHERNET, pcapFile, tcpPacket, udpPacket, ACK } from '../support/packet-builder.js';
import { CAPTURE_IF, SENDER, sleep, TestNetns } from './netns.js';

const NODE_WORKER = join(REPO_ROOT, 'dist/daemon/capture-worker.js');
type WorkerKind = 'native' | 'node';

/** The command line the daemon would run for this worker (worker-command.ts builds the C worker's). */
function workerArgv(kind: WorkerKind, opts: LiveCaptureOptions): string[] {
  if (kind === 'node') return [process.execPath, NODE_WORKER, JSON.stringify(opts)];
  const native = nativeWorkerPath(join(REPO_ROOT, 'native/pcap/'));
  if (native === undefined) throw new Error('the C capture worker is not built: npm run build:native (needs libpcap-dev, gcc, make, python3)');
  return [native, ...nativeWorkerArgs(opts)];
}
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

  /** Every byte the worker wrote, to compare the two workers byte for byte. */
  readonly bytes: Buffer[] = [];

  constructor(ns: TestNetns, kind: WorkerKind, opts: LiveCaptureOptions) {
    this.proc = spawn('ip', ['netns', 'exec', ns.name, ...workerArgv(kind, opts)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const decoder = new FrameDecoder();
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      this.bytes.push(Buffer.from(chunk));
      this.frames.push(...decoder.push(Buffer.from(chunk)));
    });
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

  /** What the daemon's end does when it goes away (even by kill -9): the worker's stdin ends. */
  async closeStdin(): Promise<number | null> {
    this.proc.stdin!.end();
    return this.exited;
  }

  /** The control frames (opened, stats, error) exactly as written: header and JSON bytes. */
  controlFrames(): Buffer[] {
    const all = Buffer.concat(this.bytes);
    const out: Buffer[] = [];
    for (let off = 0; off + FRAME_HEADER_BYTES <= all.length; ) {
      const end = off + FRAME_HEADER_BYTES + all.readUInt32LE(off + 4);
      if (all[off + 2] !== FrameType.packet) out.push(all.subarray(off, end));
      off = end;
    }
    return out;
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

describe.each<WorkerKind>(['native', 'node'])('libpcap in the %s capture worker (network namespace)', (kind) => {
  it('delivers exactly the packets the filter admits, byte for byte, stamped as tcpdump stamps them', async () => {
    const { ns, dir, mac } = setup();
    const { file, matching } = writeTraffic(dir, mac);
    const worker = new WorkerRun(ns, kind, options({ promiscuous: false }));
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
    const worker = new WorkerRun(ns, kind, options({ snaplen: 64, promiscuous: true }));
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
    const worker = new WorkerRun(ns, kind, options({}));
    await worker.opened();
    ns.setLink(false);
    const code = await Promise.race([worker.exited, sleep(5000).then(() => 'timeout')]);
    expect(code).toBe(3);
  }, 20_000);

  it('stops with exit 0 and a last stats frame when its stdin ends (the daemon is gone)', async () => {
    const { ns, dir, mac } = setup();
    const { file } = writeTraffic(dir, mac);
    const worker = new WorkerRun(ns, kind, options({}));
    await worker.opened();
    const sent = ns.replay(file, 2000);
    await sleep(300);
    const code = await Promise.race([worker.closeStdin(), sleep(8000).then(() => 'timeout')]);
    expect(code).toBe(0);
    // Everything the filter admitted was delivered: tcpreplay's count, less the datagrams to other ports / TCP.
    expect(worker.packets()).toHaveLength(sent - MATCHING / 2);
    expect(worker.lastStats()).toEqual({ received: MATCHING, dropped: 0, ifDropped: 0, truncated: 0, discarded: 0 });
  }, 20_000);

  it('writes a stats frame every second while idle, and exits 3 when the interface is deleted', async () => {
    const { ns } = setup();
    const worker = new WorkerRun(ns, kind, options({}));
    await worker.opened();
    await sleep(2600);
    const stats = worker.frames.filter((f) => f.type === 'stats');
    expect(stats.length).toBeGreaterThanOrEqual(2);
    expect(stats.length).toBeLessThanOrEqual(3);
    ns.exec(['ip', 'link', 'del', SENDER]); // a veth pair goes as a whole: the capture interface disappears
    const code = await Promise.race([worker.exited, sleep(5000).then(() => 'timeout')]);
    expect(code).toBe(3);
    expect(worker.frames.some((f) => f.type === 'error')).toBe(false);
  }, 20_000);
});

describe('the C capture worker speaks the Node worker\'s frames byte for byte', () => {
  async function controlFramesOf(kind: WorkerKind, ns: TestNetns, opts: LiveCaptureOptions): Promise<{ code: number | null; frames: string[] }> {
    const worker = new WorkerRun(ns, kind, opts);
    const code = await Promise.race([worker.exited, sleep(3000).then(() => undefined)]);
    if (code !== undefined) return { code, frames: worker.controlFrames().map((f) => f.toString('hex')) };
    const stopped = await worker.stop();
    return { code: stopped, frames: worker.controlFrames().map((f) => f.toString('hex')) };
  }

  it.each<[string, Partial<LiveCaptureOptions>]>([
    ['an interface that does not exist', { interfaceName: 'nosuch0' }],
    ['a filter libpcap refuses', { filter: 'udp port' }],
    ['a snaplen out of range', { snaplen: 0 }],
    ['a buffer size out of range', { bufferBytes: 0 }],
    ['an idle capture (opened, stats each second, last stats at stop)', {}],
  ])('%s', async (_what, o) => {
    const { ns } = setup();
    const native = await controlFramesOf('native', ns, options(o));
    const node = await controlFramesOf('node', ns, options(o));
    expect(native.code).toBe(node.code);
    expect(node.frames.length).toBeGreaterThan(0);
    // An idle run's count of stats frames depends on timing: compare the opened frame and the (all-zero) stats frames as a set.
    expect(native.frames[0]).toBe(node.frames[0]);
    expect(new Set(native.frames.slice(1))).toEqual(new Set(node.frames.slice(1)));
  }, 20_000);
});
