/**
 * The "done when": the tarball `npm pack` makes, installed by the
 * documented deploy/install.sh into a clean directory root, with no compiler,
 * make or python reachable on PATH, runs `groundwatch monitor` as user
 * groundwatch holding CAP_NET_RAW alone (what the unit grants), on a veth in a
 * network namespace the test creates. The kernel (/proc) says what each
 * process holds; tcpreplay says what was sent; sqlite3 reads the store.
 *
 * The pack runs prepack's steps (prebuild, check) in a staging copy of the
 * package, then `npm pack --ignore-scripts`: the suite's own `npm run build`
 * made dist/, and rebuilding it (or native/pcap/build) in place would pull the
 * ground from under the live tests running beside this one.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldCapabilities } from '../../src/daemon/privileges.js';
import { REPO_ROOT } from '../support/cli.js';
import { CAPTURE_IF, MonitorProcess, sessionCapture, sleep, TestNetns } from '../daemon/netns.js';

const CAP_NET_RAW = 1n << 13n;
const COMPILERS = /^(cc|c\+\+|c89|c99|gcc.*|g\+\+.*|cpp.*|clang.*|tcc|make|gmake|cmake|python.*|x86_64-linux-gnu-.*)$/;

let work: string;
let root: string;
let noCompilerPath: string;
let tarball: string;
let install: Ran;
let createdUser = false;
let packSeconds = 0;
let installSeconds = 0;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronous, so the test worker stays responsive during the minutes a pack and an install take. */
function runAsync(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function mustRun(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const r = await runAsync(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error?.message}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A PATH with every system command except compilers, make and python (symlinks to the real ones). */
function pathWithoutCompilers(dir: string): string {
  mkdirSync(dir);
  for (const from of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (COMPILERS.test(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(from, name), join(dir, name));
    }
  }
  return dir;
}

/** A copy of what package.json's `files` names, then prepack's steps after the build, then the pack. */
async function pack(): Promise<string> {
  const stage = join(work, 'stage');
  mkdirSync(join(stage, 'native/pcap'), { recursive: true });
  mkdirSync(join(stage, 'geoip'));
  mkdirSync(join(stage, 'scripts'));
  for (const f of ['package.json', 'package-lock.json', 'README.md', 'dist', 'rules', 'deploy']) cpSync(join(REPO_ROOT, f), join(stage, f), { recursive: true });
  for (const f of ['README.md', 'groundwatch-asn.mmdb', 'build-info.json']) cpSync(join(REPO_ROOT, 'geoip', f), join(stage, 'geoip', f));
  for (const f of ['build-native.mjs', 'build-geoip.mjs', 'prebuild-native.mjs', 'check-pack.mjs']) cpSync(join(REPO_ROOT, 'scripts', f), join(stage, 'scripts', f));
  for (const f of readdirSync(join(REPO_ROOT, 'native/pcap')).filter((n) => /\.(c|h|gyp)$/.test(n))) cpSync(join(REPO_ROOT, 'native/pcap', f), join(stage, 'native/pcap', f));
  // A real copy, not a symlink: npm 11 packs only the top level of bundled dependencies (no
  // transitive ones, no better-sqlite3 build) when node_modules is a symlink (seen on a fresh npm ci).
  cpSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  await mustRun(process.execPath, ['scripts/prebuild-native.mjs'], { cwd: stage });
  await mustRun(process.execPath, ['scripts/check-pack.mjs'], { cwd: stage });
  const out = await mustRun('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: stage });
  return join(work, out.stdout.trim().split('\n').at(-1)!);
}

function ensureServiceUser(): string[] {
  if (spawnSync('id', ['groundwatch']).status !== 0) {
    run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/var/lib/groundwatch', '--shell', '/usr/sbin/nologin', 'groundwatch']);
    createdUser = true;
  }
  const line = (file: string) => readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('groundwatch:'))!;
  return [line('/etc/passwd'), line('/etc/group')];
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (useradd, setpriv, network namespaces)');
  work = mkdtempSync(join(tmpdir(), 'gw-installed-'));
  chmodSync(work, 0o755); // the service user walks into the installed tree
  noCompilerPath = pathWithoutCompilers(join(work, 'path'));
  let t = Date.now();
  tarball = await pack();
  packSeconds = (Date.now() - t) / 1000;

  // The root already knows the service user (as the host does), so the files it owns are its.
  const [passwd, group] = ensureServiceUser();
  root = join(work, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), `${passwd}\n`);
  writeFileSync(join(root, 'etc/group'), `${group}\n`);
  t = Date.now();
  install = await runAsync('sh', [join(REPO_ROOT, 'deploy/install.sh'), '--root', root, '--interface', CAPTURE_IF, tarball], {
    env: { PATH: noCompilerPath, HOME: join(work, 'home'), npm_config_cache: join(work, 'npm-cache'), npm_config_offline: 'true' },
  });
  installSeconds = (Date.now() - t) / 1000;
}, 600_000);

afterAll(() => {
  if (createdUser) spawnSync('userdel', ['groundwatch']);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack + deploy/install.sh, no compiler: monitor as groundwatch with CAP_NET_RAW only', () => {
  it('the restricted PATH really has no compiler, make or python', () => {
    const lookup = (names: string) => spawnSync('sh', ['-c', `for c in ${names}; do command -v $c; done; echo end`], { encoding: 'utf8', env: { PATH: noCompilerPath } }).stdout.trim().split('\n');
    expect(lookup('cc gcc g++ c++ make python3 python node-gyp')).toEqual(['end']);
    expect(lookup('node npm setpriv ip useradd')).toHaveLength(6);
  });

  it('installs from the tarball without a compiler and without install scripts', () => {
    process.stderr.write(`installed-monitor: pack ${packSeconds.toFixed(1)} s, install ${installSeconds.toFixed(1)} s\n`);
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
    const pkg = join(root, 'usr/local/lib/node_modules/groundwatch');
    expect(readdirSync(join(pkg, 'native/pcap/prebuilds/linux-x64')).some((n) => n.endsWith('.node'))).toBe(true);
    // The C capture worker, executable as installed (the daemon prefers it: one thread, so its capability drop is whole).
    expect(statSync(join(pkg, 'native/pcap/prebuilds/linux-x64/groundwatch-capture-worker')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(pkg, 'native/pcap/build'))).toBe(false); // nothing was compiled at install
    expect(existsSync(join(pkg, 'native/sqlite/better_sqlite3.node'))).toBe(true);
    expect(existsSync(join(pkg, 'geoip/groundwatch-asn.mmdb'))).toBe(true);
    expect(readdirSync(join(pkg, 'dist/data-cache')).length).toBeGreaterThan(0);
  });

  it('the unit as installed passes systemd-analyze verify, its ExecStart being the installed command', () => {
    const unit = readFileSync(join(root, 'etc/systemd/system/groundwatch.service'), 'utf8');
    const command = /^ExecStart=(\S+) /m.exec(unit)![1]!;
    expect(statSync(join(root, command)).mode & 0o111).not.toBe(0);
    const dir = mkdtempSync(join(work, 'verify-'));
    writeFileSync(join(dir, 'groundwatch.service'), unit.replace(`ExecStart=${command} `, `ExecStart=${join(root, command)} `));
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'groundwatch.service')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('captures on a veth in a namespace as groundwatch; every process holds CAP_NET_RAW at most, the worker nothing', async () => {
    expect(install.status).toBe(0);
    const ns = new TestNetns();
    try {
      const db = join(root, 'var/lib/groundwatch/groundwatch.db');
      const ndjson = join(root, 'var/log/groundwatch/records.ndjson');
      // What the unit sets up: User=groundwatch, AmbientCapabilities=CapabilityBoundingSet=CAP_NET_RAW, UMask=0027.
      const launcher = ['setpriv', '--reuid=groundwatch', '--regid=groundwatch', '--init-groups', '--inh-caps=-all,+net_raw', '--ambient-caps=-all,+net_raw', '--bounding-set=-all,+net_raw'];
      const args = ['monitor', '--config', join(root, 'etc/groundwatch/config.yaml'), '--db', db, '--ndjson', ndjson, '--format', 'ndjson', '--events', 'all', '--stats-interval', '1'];
      const proc = spawn('ip', ['netns', 'exec', ns.name, ...launcher, 'sh', '-c', 'umask 0027; exec "$0" "$@"', join(root, 'usr/local/bin/groundwatch'), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: noCompilerPath, HOME: '/nonexistent', LANG: 'C.UTF-8' },
      });
      const monitor = new MonitorProcess(proc);
      const startLine = await monitor.waitForStderr(/groundwatch: monitoring gwb/, 60_000);
      // The ASN database shipped in the package is used as is (not rebuilt, not in memory).
      expect(startLine).toContain(`asn ${join(root, 'usr/local/lib/node_modules/groundwatch/geoip/groundwatch-asn.mmdb')}`);
      expect(startLine).not.toContain('in memory');

      const pids = run('ip', ['netns', 'pids', ns.name]).stdout.trim().split('\n').map(Number);
      const statuses = pids.filter((pid) => existsSync(`/proc/${pid}`)).map((pid) => ({ pid, status: readFileSync(`/proc/${pid}/status`, 'utf8'), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') }));
      const groundwatch = statuses.filter((s) => s.cmd.includes('groundwatch'));
      expect(groundwatch.length).toBe(2); // the daemon and its capture worker
      const uid = Number(run('id', ['-u', 'groundwatch']).stdout.trim());
      for (const s of groundwatch) {
        expect(Number(/^Uid:\s+(\d+)/m.exec(s.status)![1])).toBe(uid);
        expect(heldCapabilities(s.status) & ~CAP_NET_RAW).toBe(0n);
        expect(/^CapBnd:\s+([0-9a-f]+)$/m.exec(s.status)![1]).toBe('0000000000002000');
      }
      const worker = groundwatch.find((s) => s.cmd.includes('capture-worker'))!;
      expect(worker.cmd.split('\0')[0]).toBe(join(root, 'usr/local/lib/node_modules/groundwatch/native/pcap/prebuilds/linux-x64/groundwatch-capture-worker'));
      // Capabilities are per thread: none on any thread of the worker once its capture is open.
      for (const tid of readdirSync(`/proc/${worker.pid}/task`)) {
        expect(heldCapabilities(readFileSync(`/proc/${worker.pid}/task/${tid}/status`, 'utf8')), `worker thread ${tid}`).toBe(0n);
      }
      // Promiscuous mode without CAP_NET_ADMIN: the kernel counts the capture's membership.
      expect(ns.exec(['ip', '-d', 'link', 'show', CAPTURE_IF])).toMatch(/promiscuity [1-9]/);

      const sent = ns.replay(sessionCapture(), 300);
      await sleep(2000);
      expect((await monitor.stop('SIGTERM')).code).toBe(0);
      const final = monitor.records().filter((r) => r.event?.dataset === 'groundwatch.stats').at(-1)!;
      expect(final.groundwatch.stats.capture['capture.received']).toBe(sent);
      // The store, read by sqlite3: one finished run; group-readable, not world-readable (UMask=0027).
      expect(run('sqlite3', [db, 'SELECT count(*) FROM runs']).stdout.trim()).toBe('1');
      const st = statSync(db);
      expect(st.uid).toBe(uid);
      expect((st.mode & 0o777).toString(8)).toBe('640');
      expect(readFileSync(ndjson, 'utf8').split('\n').filter(Boolean).length).toBe(monitor.records().length);
    } finally {
      ns.delete();
    }
  }, 120_000);
});
