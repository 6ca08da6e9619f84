/**
 * A network namespace per test with a veth pair inside it (both ends), so
 * tcpreplay on one end reaches `monitor` on the other and nothing leaves the
 * namespace. Needs root and iproute2; without them the test fails with a
 * clear message (the project forbids skipped tests).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO_ROOT } from '../support/cli.js';
import { PEER_PCAP_DIR } from '../support/fixture-paths.js';

export const PEER_PCAPS = PEER_PCAP_DIR;
export const SENDER = 'gwa';
export const CAPTURE_IF = 'gwb';

let serial = 0;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${r.stderr}`);
  return r.stdout;
}

export function requireNetnsPrivileges(): void {
  if (process.getuid?.() !== 0) throw new Error('live-capture tests need root (CAP_NET_ADMIN for `ip netns add`, CAP_NET_RAW for capture); run them as root, as CI does');
  if (spawnSync('ip', ['netns', 'list']).status !== 0) throw new Error('live-capture tests need iproute2 with `ip netns` (apt-get install iproute2)');
  if (spawnSync('tcpreplay', ['--version']).status !== 0) throw new Error('live-capture tests need tcpreplay (apt-get install tcpreplay)');
  if (!existsSync(CLI)) throw new Error(`live-capture tests run the built CLI: ${CLI} is missing (npm run build)`);
}

export class TestNetns {
  readonly name = `gwtest-${process.pid}-${++serial}`;

  constructor() {
    requireNetnsPrivileges();
    run('ip', ['netns', 'add', this.name]);
    try {
      // No IPv6 router/neighbour chatter: the only packets on the wire are the ones the test sends.
      this.exec(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
      this.exec(['sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
      this.exec(['ip', 'link', 'add', SENDER, 'type', 'veth', 'peer', 'name', CAPTURE_IF]);
      this.exec(['ip', 'link', 'set', SENDER, 'up']);
      this.exec(['ip', 'link', 'set', CAPTURE_IF, 'up']);
    } catch (err) {
      this.delete();
      throw err;
    }
  }

  exec(args: string[]): string {
    return run('ip', ['netns', 'exec', this.name, ...args]);
  }

  /** Sends a capture onto the sender end; returns how many packets tcpreplay says it sent. */
  replay(pcap: string, pps: number): number {
    const out = this.exec(['tcpreplay', '-q', '-i', SENDER, '--pps', String(pps), pcap]);
    const m = /Actual: (\d+) packets/.exec(out);
    if (!m) throw new Error(`unexpected tcpreplay output: ${out}`);
    return Number(m[1]);
  }

  /** tcpreplay in the background for `seconds` (looping the capture), to kill the monitor while packets still arrive. */
  replayInBackground(pcap: string, pps: number, seconds: number): Promise<void> {
    const args = ['tcpreplay', '-q', '-i', SENDER, '--pps', String(pps), '--loop', '0', '--duration', String(seconds), pcap];
    const proc = spawn('ip', ['netns', 'exec', this.name, ...args], { stdio: 'ignore' });
    return new Promise((resolve) => proc.on('exit', () => resolve()));
  }

  setLink(up: boolean): void {
    this.exec(['ip', 'link', 'set', CAPTURE_IF, up ? 'up' : 'down']);
  }

  /** Starts `groundwatch monitor` inside the namespace (ip netns exec execs, so the pid is node's). */
  /** `launcher`: a command that execs node (e.g. setpriv with its options), as a service manager would. */
  monitor(args: string[], cli = CLI, launcher: string[] = []): MonitorProcess {
    const proc = spawn('ip', ['netns', 'exec', this.name, ...launcher, process.execPath, cli, 'monitor', '--interface', CAPTURE_IF, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new MonitorProcess(proc);
  }

  delete(): void {
    deleteNetns(this.name);
  }
}

/** Kills whatever still runs inside a namespace, then deletes it. */
export function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' })
    .stdout?.split('\n')
    .filter(Boolean)
    .forEach((pid) => {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* already gone */
      }
    });
  spawnSync('ip', ['netns', 'del', name]);
}

export class MonitorProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly proc: ChildProcess) {
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits until stderr has a line matching `pattern` (or fails with what was seen). */
  async waitForStderr(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.stderr.split('\n').find((l) => pattern.test(l));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`monitor never logged ${pattern}; stderr so far:\n${this.stderr}`);
      await sleep(100);
    }
  }

  records(): Record<string, any>[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.proc.kill(signal);
    return this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The capture the live tests send: the recorded DJI session when another helper has made it, else a peer capture. */
export function sessionCapture(): string {
  const recorded = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
  return existsSync(recorded) ? recorded : join(PEER_PCAPS, 'mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap');
}
