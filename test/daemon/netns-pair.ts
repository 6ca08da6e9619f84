/**
 * Two network namespaces joined by a veth pair: a "tablet" client and a
 * stand-in server holding a public address on its loopback, routed through the
 * veth. Real TCP connections run between them and nothing leaves them. Names
 * carry the pid and a random suffix (other engineers run live tests at the same
 * time); interface names are per namespace, so they can be fixed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CLI, REPO_ROOT } from '../support/cli.js';
import { deleteNetns, MonitorProcess, requireNetnsPrivileges, sleep } from './netns.js';

export const CLIENT_IF = 'gwc';
const SERVER_IF = 'gws';
export const CLIENT_IP = '192.168.77.20';
const GATEWAY_IP = '192.168.77.1';

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${r.stderr}`);
  return r.stdout;
}

/** A process in a namespace whose stdout and stderr are kept, to wait for its "ready" line. */
export class NsProcess {
  out = '';
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess) {
    proc.stdout?.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.out);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`never saw ${pattern}; output so far:\n${this.out}`);
      await sleep(50);
    }
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.proc.kill(signal);
    return this.exited;
  }
}

export class NetnsPair {
  private readonly suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly client = `gwoc-${this.suffix}`;
  readonly server = `gwos-${this.suffix}`;

  constructor(readonly serverIp: string) {
    requireNetnsPrivileges();
    try {
      for (const ns of [this.client, this.server]) {
        run('ip', ['netns', 'add', ns]);
        // No IPv6 chatter: the only packets on the wire are the test's.
        this.exec(ns, ['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
        this.exec(ns, ['sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
        this.exec(ns, ['ip', 'link', 'set', 'lo', 'up']);
      }
      this.exec(this.client, ['ip', 'link', 'add', CLIENT_IF, 'type', 'veth', 'peer', 'name', SERVER_IF]);
      this.exec(this.client, ['ip', 'link', 'set', SERVER_IF, 'netns', this.server]);
      this.exec(this.client, ['ip', 'addr', 'add', `${CLIENT_IP}/24`, 'dev', CLIENT_IF]);
      this.exec(this.client, ['ip', 'link', 'set', CLIENT_IF, 'up']);
      this.exec(this.server, ['ip', 'addr', 'add', `${GATEWAY_IP}/24`, 'dev', SERVER_IF]);
      this.exec(this.server, ['ip', 'link', 'set', SERVER_IF, 'up']);
      this.exec(this.server, ['ip', 'addr', 'add', `${serverIp}/32`, 'dev', 'lo']);
      this.exec(this.client, ['ip', 'route', 'add', `${serverIp}/32`, 'via', GATEWAY_IP, 'dev', CLIENT_IF]);
    } catch (err) {
      this.delete();
      throw err;
    }
  }

  exec(ns: string, args: string[]): string {
    return run('ip', ['netns', 'exec', ns, ...args]);
  }

  spawn(ns: string, args: string[]): NsProcess {
    return new NsProcess(spawn('ip', ['netns', 'exec', ns, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** `groundwatch monitor` on the client's side of the veth (where a mirror port of the tablet would be). */
  monitor(args: string[]): MonitorProcess {
    const proc = spawn('ip', ['netns', 'exec', this.client, process.execPath, CLI, 'monitor', '--interface', CLIENT_IF, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new MonitorProcess(proc);
  }

  delete(): void {
    for (const ns of [this.client, this.server]) deleteNetns(ns);
  }
}
