/**
 * A real rsyslogd for delivery tests: its own config, work directory, pid file
 * and PKI in a temp directory, listening on 127.0.0.1 ports found free, run in
 * the foreground (`rsyslogd -n -f conf -i pidfile`). What it receives is read
 * back with readMessages(): one record per message, structured data as parsed
 * by rsyslog itself.
 *
 *   const rsyslog = await startRsyslog({ tls: true, relp: true });
 *   ... send to rsyslog.ports.tls with rsyslog.pki.caCert / clientCert / clientKey ...
 *   const got = await rsyslog.waitForMessages(10);
 *   await rsyslog.stop();
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rsyslogTestConfig, type RsyslogListeners } from './rsyslog-config.js';
import { makeTestPki, type TestPki } from './test-pki.js';

export interface RsyslogOptions {
  readonly tls?: boolean;
  readonly tcp?: boolean;
  readonly relp?: boolean;
  readonly relpTls?: boolean;
  /** Run this config instead of the generated one (e.g. deploy/rsyslog-central.conf with paths substituted). */
  readonly config?: (context: { dir: string; ports: RsyslogListeners; pki: TestPki }) => string;
}

/** One message as rsyslog wrote it (the test template in rsyslog-config.ts). */
export interface RsyslogMessage {
  readonly input: string;
  readonly pri: string;
  readonly timestamp: string;
  readonly hostname: string;
  readonly app: string;
  readonly procid: string;
  readonly msgid: string;
  /** STRUCTURED-DATA as received, unparsed. */
  readonly sd_raw: string;
  /** Structured data as rsyslog's mmpstrucdata parsed it: SD-ID → PARAM-NAME → value (escapes undone). */
  readonly sd: Record<string, Record<string, string>>;
  /** MSG as received. */
  readonly msg: string;
}

export interface RsyslogServer {
  readonly dir: string;
  readonly ports: RsyslogListeners;
  readonly pki: TestPki;
  readonly messagesFile: string;
  /** Everything rsyslog received so far. */
  readMessages(): RsyslogMessage[];
  /** Waits until at least `count` messages were written (rsyslog acknowledges RELP before its file write). */
  waitForMessages(count: number, timeoutMs?: number): Promise<RsyslogMessage[]>;
  /** rsyslog's own log lines and stderr, for failure messages. */
  diagnostics(): string;
  /** Stops the process, keeps directory, ports and received messages. */
  stopProcess(): Promise<void>;
  /** Starts it again on the same ports. */
  startProcess(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the process and removes the directory. */
  stop(): Promise<void>;
}

export async function startRsyslog(options: RsyslogOptions): Promise<RsyslogServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-rsyslog-'));
  const workDir = join(dir, 'work');
  mkdirSync(workDir);
  const pki = makeTestPki(dir);
  const ports: RsyslogListeners = {
    ...(options.tls ? { tls: await freePort() } : {}),
    ...(options.tcp ? { tcp: await freePort() } : {}),
    ...(options.relp ? { relp: await freePort() } : {}),
    ...(options.relpTls ? { relpTls: await freePort() } : {}),
  };
  const messagesFile = join(dir, 'messages.ndjson');
  const internalLog = join(dir, 'rsyslog-internal.log');
  const confFile = join(dir, 'rsyslog.conf');
  const config = options.config
    ? options.config({ dir, ports, pki })
    : rsyslogTestConfig(ports, pki, { workDir, messagesFile, internalLog });
  writeFileSync(confFile, config);
  const pidFile = join(dir, 'rsyslogd.pid');
  let child: ChildProcess | undefined;
  let stderr = '';

  const startProcess = async (): Promise<void> => {
    rmSync(pidFile, { force: true });
    const proc = spawn('rsyslogd', ['-n', '-f', confFile, '-i', pidFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code, signal) => reject(new Error(`rsyslogd exited (${code ?? signal}) during start-up:\n${stderr}`))),
    );
    exited.catch(() => undefined);
    // A test that dies must not leave rsyslogd behind.
    const killOnExit = (): void => void proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc.once('exit', () => process.removeListener('exit', killOnExit));
    const deadline = Date.now() + 20_000;
    for (const port of Object.values(ports) as number[]) {
      await Promise.race([waitForListener(port, deadline), exited]);
      // Ports were free when picked; make sure it is our rsyslogd that got this one, not another test's server.
      if (!listenerPids(port).includes(proc.pid ?? -1)) {
        proc.kill('SIGKILL');
        throw new Error(`127.0.0.1:${port} was taken by another process before rsyslogd could listen on it\n${stderr}`);
      }
    }
  };

  const stopProcess = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };

  const readMessages = (): RsyslogMessage[] => {
    if (!existsSync(messagesFile)) return [];
    return readFileSync(messagesFile, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => normaliseRecord(JSON.parse(line) as Record<string, unknown>));
  };

  const diagnostics = (): string => {
    const internal = existsSync(internalLog) ? readFileSync(internalLog, 'utf8') : '';
    return `rsyslogd output:\n${stderr}\nrsyslog internal log:\n${internal}`;
  };

  await startProcess();
  return {
    dir,
    ports,
    pki,
    messagesFile,
    readMessages,
    async waitForMessages(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const messages = readMessages();
        if (messages.length >= count) return messages;
        if (Date.now() > deadline) {
          throw new Error(`rsyslog wrote ${messages.length} of ${count} messages within ${timeoutMs} ms\n${diagnostics()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    diagnostics,
    stopProcess,
    startProcess,
    async restart() {
      await stopProcess();
      await startProcess();
    },
    async stop() {
      await stopProcess();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** mmpstrucdata output comes as an object or, depending on rsyslog's jsonf handling, as a JSON string. */
function normaliseRecord(raw: Record<string, unknown>): RsyslogMessage {
  const sd = typeof raw.sd === 'string' ? (raw.sd === '' ? {} : (JSON.parse(raw.sd) as unknown)) : (raw.sd ?? {});
  return { ...(raw as unknown as RsyslogMessage), sd: sd as RsyslogMessage['sd'] };
}

/** Pids listening on 127.0.0.1:port (from `ss`, which reads the kernel's socket table). */
function listenerPids(port: number): number[] {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  return [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForListener(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`rsyslogd does not listen on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
