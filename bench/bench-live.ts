/**
 * Live-capture benchmark: tcpreplay pushes a capture through a veth pair in a
 * private network namespace at a given rate for N seconds while `groundwatch
 * monitor` (the real daemon, full pipeline, no store) captures the other end.
 * Drops are counted two ways that must both say zero: libpcap's own
 * pcap_stats (`capture.dropped`, `capture.if_dropped`), and tcpreplay's
 * "Actual: N packets" against what libpcap received and what the pipeline
 * processed (an independent count catches losses libpcap does not see).
 * Needs root (netns, CAP_NET_RAW), iproute2 and tcpreplay.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchLiveOptions {
  pcap: string;
  pps: number;
  seconds: number;
  /** Extra `monitor` arguments (rules, devices, ...). */
  monitorArgs?: string[];
  /** Write the SQLite store too (as the daemon does in service), in a temporary directory. */
  withStore?: boolean;
}

/** The daemon's resident memory over the run (VmRSS sampled every RSS_SAMPLE_MS, VmHWM at the end). */
export interface RssProfile {
  /** MB once capture started. */
  startMb: number;
  /** MB just before SIGTERM. */
  endMb: number;
  /** Peak (VmHWM) MB. */
  peakMb: number;
  samplesMb: number[];
}

const RSS_SAMPLE_MS = 5000;

export interface BenchLiveResult {
  pps: number;
  seconds: number;
  /** Packets tcpreplay put on the wire. */
  sent: number;
  /** Rate tcpreplay reports it reached. */
  actualPps: number;
  /** Packets that passed libpcap's filter (`capture.received`, ps_recv: includes its drops). */
  received: number;
  /** Packets the pipeline processed (`packets.received` of the final stats). */
  processed: number;
  /** Sent but never processed: tcpreplay's count minus `processed` (0 if negative). */
  missing: number;
  /** libpcap's kernel drops (`capture.dropped`, ps_drop). */
  dropped: number;
  /** The capture interface's own drops (`capture.if_dropped`). */
  ifDropped: number;
  /** Capture gaps (worker restarts) during the run: any is a failure. */
  gaps: number;
  rss: RssProfile;
}

// The built CLI (npm run bench builds first): the daemon as it ships, not its TypeScript.
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function sh(args: string[]): string {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export async function benchLive(opts: BenchLiveOptions): Promise<BenchLiveResult> {
  const ns = `gwbench-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const inNs = (args: string[]) => sh(['ip', 'netns', 'exec', ns, ...args]);
  sh(['ip', 'netns', 'add', ns]);
  try {
    inNs(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    inNs(['sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    inNs(['ip', 'link', 'add', 'gwa', 'type', 'veth', 'peer', 'name', 'gwb']);
    inNs(['ip', 'link', 'set', 'gwa', 'up']);
    inNs(['ip', 'link', 'set', 'gwb', 'up']);
    const ndjson = join(dir, 'records.ndjson');
    const store = opts.withStore ? ['--db', join(dir, 'store.db')] : ['--no-db'];
    // `ip netns exec` execs the command: the child's pid is the daemon's.
    const monitor = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, 'monitor', '--interface', 'gwb', ...store, '--format', 'none', '--ndjson', ndjson, ...(opts.monitorArgs ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => monitor.on('exit', (code) => resolve(code)));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      monitor.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('groundwatch: monitoring')) resolve();
      });
      void exited.then(() => reject(new Error(`monitor ended before capturing: ${stderr}`)));
    });
    const samplesMb = [procStatusMb(monitor.pid, 'VmRSS')];
    const sampler = setInterval(() => samplesMb.push(procStatusMb(monitor.pid, 'VmRSS')), RSS_SAMPLE_MS);
    const out = await inNsAsync(ns, ['tcpreplay', '-q', '-K', '-i', 'gwa', '--pps', String(opts.pps), '--loop', '0', '--duration', String(opts.seconds), opts.pcap]);
    clearInterval(sampler);
    const sent = Number(/Actual: (\d+) packets/.exec(out)?.[1] ?? NaN);
    const actualPps = Number(/Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(out)?.[1] ?? NaN);
    const rss: RssProfile = { startMb: samplesMb[0]!, endMb: procStatusMb(monitor.pid, 'VmRSS'), peakMb: procStatusMb(monitor.pid, 'VmHWM'), samplesMb };
    monitor.kill('SIGTERM');
    if ((await exited) !== 0) throw new Error(`monitor did not exit cleanly: ${stderr}`);
    const text = readFileSync(ndjson, 'utf8');
    const { capture, processed } = finalStats(text);
    const gaps = text.split('"groundwatch.capture_gap"').length - 1;
    return {
      pps: opts.pps,
      seconds: opts.seconds,
      sent,
      actualPps,
      received: capture['capture.received'] ?? 0,
      processed,
      missing: Math.max(0, sent - processed),
      dropped: capture['capture.dropped'] ?? 0,
      ifDropped: capture['capture.if_dropped'] ?? 0,
      gaps,
      rss,
    };
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A memory line of /proc/<pid>/status in MB (0 once the process is gone). */
function procStatusMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** tcpreplay without blocking the event loop, so RSS samples are taken while it runs. */
function inNsAsync(ns: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${err}`))));
  });
}

function finalStats(ndjson: string): { capture: Record<string, number>; processed: number } {
  const lines = ndjson.trimEnd().split('\n').reverse();
  for (const line of lines) {
    const rec = JSON.parse(line) as {
      event?: { dataset?: string };
      groundwatch?: { stats?: { capture?: Record<string, number>; packets?: { received?: number } } };
    };
    const stats = rec.event?.dataset === 'groundwatch.stats' ? rec.groundwatch?.stats : undefined;
    if (stats) return { capture: stats.capture ?? {}, processed: stats.packets?.received ?? 0 };
  }
  throw new Error('no groundwatch.stats record in the monitor output');
}

/** Zero-drop only if libpcap says so and every packet tcpreplay sent was processed. */
export function isZeroDrop(r: BenchLiveResult): boolean {
  return r.dropped === 0 && r.ifDropped === 0 && r.missing === 0 && r.gaps === 0;
}

/** Highest rate (from the list) with zero drops over `seconds`. */
export async function maxZeroDropRate(pcap: string, rates: number[], seconds: number): Promise<{ best: number | undefined; runs: BenchLiveResult[] }> {
  const runs: BenchLiveResult[] = [];
  let best: number | undefined;
  for (const pps of rates) {
    const r = await benchLive({ pcap, pps, seconds });
    runs.push(r);
    if (!isZeroDrop(r)) break;
    best = pps;
  }
  return { best, runs };
}
