/**
 * Live-capture benchmark: tcpreplay pushes a capture through a veth pair in a
 * private network namespace at a given rate for N seconds while `groundwatch
 * monitor` (the real daemon, full pipeline, no store) captures the other end.
 * Drops are counted against tcpreplay's own "Actual: N packets": the cap
 * binding exposes no pcap_stats, and an independent count is the better oracle.
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
}

export interface BenchLiveResult {
  pps: number;
  seconds: number;
  /** Packets tcpreplay put on the wire. */
  sent: number;
  /** Rate tcpreplay reports it reached. */
  actualPps: number;
  /** Packets libpcap handed to groundwatch (`capture.received`). */
  received: number;
  dropped: number;
  /** The capture interface's own drops (`capture.if_dropped`). */
  ifDropped: number;
  /** Capture gaps (worker restarts) during the run: any is a failure. */
  gaps: number;
}

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

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
    const monitor = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, 'monitor', '--interface', 'gwb', '--no-db', '--format', 'none', '--ndjson', ndjson, ...(opts.monitorArgs ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => monitor.on('exit', (code) => resolve(code)));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      monitor.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('groundwatch: monitoring')) resolve();
      });
      void exited.then(() => reject(new Error(`monitor ended before capturing: ${stderr}`)));
    });
    const out = inNs(['tcpreplay', '-q', '-K', '-i', 'gwa', '--pps', String(opts.pps), '--loop', '0', '--duration', String(opts.seconds), opts.pcap]);
    const sent = Number(/Actual: (\d+) packets/.exec(out)?.[1] ?? NaN);
    const actualPps = Number(/Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(out)?.[1] ?? NaN);
    monitor.kill('SIGTERM');
    if ((await exited) !== 0) throw new Error(`monitor did not exit cleanly: ${stderr}`);
    const text = readFileSync(ndjson, 'utf8');
    const stats = finalStats(text);
    const received = stats['capture.received'] ?? 0;
    const gaps = text.split('"groundwatch.capture_gap"').length - 1;
    return { pps: opts.pps, seconds: opts.seconds, sent, actualPps, received, dropped: Math.max(0, sent - received), ifDropped: stats['capture.if_dropped'] ?? 0, gaps };
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function finalStats(ndjson: string): Record<string, number> {
  const lines = ndjson.trimEnd().split('\n').reverse();
  for (const line of lines) {
    const rec = JSON.parse(line) as { event?: { dataset?: string }; groundwatch?: { stats?: { capture?: Record<string, number> } } };
    if (rec.event?.dataset === 'groundwatch.stats') return rec.groundwatch?.stats?.capture ?? {};
  }
  throw new Error('no groundwatch.stats record in the monitor output');
}

/** Highest rate (from the list) with zero drops over `seconds`. */
export async function maxZeroDropRate(pcap: string, rates: number[], seconds: number): Promise<{ best: number | undefined; runs: BenchLiveResult[] }> {
  const runs: BenchLiveResult[] = [];
  let best: number | undefined;
  for (const pps of rates) {
    const r = await benchLive({ pcap, pps, seconds });
    runs.push(r);
    if (r.dropped > 0 || r.ifDropped > 0 || r.gaps > 0) break;
    best = pps;
  }
  return { best, runs };
}

// `node dist/daemon/bench-live.js <pcap> <pps> [seconds]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [pcap, pps, seconds] = process.argv.slice(2);
  if (!pcap || !pps) {
    process.stderr.write('usage: bench-live.js <pcap> <pps> [seconds]\n');
    process.exitCode = 2;
  } else process.stdout.write(`${JSON.stringify(await benchLive({ pcap, pps: Number(pps), seconds: Number(seconds ?? 20) }))}\n`);
}
