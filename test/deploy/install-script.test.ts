/**
 * deploy/install.sh into a clean --root, with a stand-in `npm` (the real
 * package install is test/deploy/installed-monitor.test.ts): user, group,
 * directories and their modes, unit, config, logrotate; and
 * `systemd-analyze verify` on the repository's unit and the installed one.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const INSTALL = join(REPO_ROOT, 'deploy/install.sh');
const REPO_UNIT = join(REPO_ROOT, 'deploy/groundwatch.service');
let work: string;
let root: string;
let firstRun: ReturnType<typeof spawnSync>;

/** Stands in for `npm install --global --prefix P PKG`: lays out what the package would (deploy/, dist/, the bin link). */
function fakeNpm(bin: string): void {
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh
prefix=; for a in "$@"; do [ "$prev" = --prefix ] && prefix=$a; prev=$a; done
echo "$*" >> "${join(work, 'npm.calls')}"
pkg=$prefix/lib/node_modules/groundwatch
mkdir -p "$pkg" "$prefix/bin"
cp -r "${join(REPO_ROOT, 'deploy')}" "$pkg/deploy"
ln -sfn "${join(REPO_ROOT, 'dist')}" "$pkg/dist"
ln -sfn ../lib/node_modules/groundwatch/dist/cli/main.js "$prefix/bin/groundwatch"
`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
}

function install(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync('sh', [INSTALL, '--root', root, ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${join(work, 'bin')}:${process.env.PATH}` } });
}

function passwdEntry(file: string, name: string): string[] | undefined {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === name);
}

/** `systemd-analyze verify` of a unit whose ExecStart is moved under the test root; no warning allowed. */
function verify(unitText: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(work, 'verify-'));
  const moved = unitText.replace(/^ExecStart=\/usr\/local\/bin\/groundwatch /m, `ExecStart=${root}/usr/local/bin/groundwatch `);
  expect(moved).not.toBe(unitText);
  writeFileSync(join(dir, 'groundwatch.service'), moved);
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'groundwatch.service')], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('install.sh tests need root (useradd --root, chown)');
  work = mkdtempSync(join(tmpdir(), 'gw-install-'));
  root = join(work, 'root');
  mkdirSync(root);
  mkdirSync(join(work, 'bin'));
  fakeNpm(join(work, 'bin'));
  writeFileSync(join(work, 'groundwatch-0.1.0.tgz'), '');
  firstRun = install(['--interface', 'mirror0', join(work, 'groundwatch-0.1.0.tgz')]);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('deploy/install.sh --root', () => {
  it('creates the system user and group, with no login and the state directory as home', () => {
    expect(firstRun.stderr).toMatch(/^(useradd: Warning: missing or non-executable shell '\/usr\/sbin\/nologin'\n)?$/);
    expect(firstRun.status, String(firstRun.stderr)).toBe(0);
    const user = passwdEntry(join(root, 'etc/passwd'), 'groundwatch')!;
    const group = passwdEntry(join(root, 'etc/group'), 'groundwatch')!;
    expect(user).toBeDefined();
    expect(Number(user[2])).toBeLessThan(1000); // a system account (login.defs SYS_UID_MAX)
    expect(user[3]).toBe(group[2]);
    expect(user[5]).toBe('/var/lib/groundwatch');
    expect(user[6]).toBe('/usr/sbin/nologin');
  });

  it('makes the store and log directories group-readable only (0750, groundwatch:groundwatch)', () => {
    const user = passwdEntry(join(root, 'etc/passwd'), 'groundwatch')!;
    for (const dir of ['var/lib/groundwatch', 'var/log/groundwatch']) {
      const st = statSync(join(root, dir));
      expect((st.mode & 0o7777).toString(8)).toBe('750');
      expect(st.uid).toBe(Number(user[2]));
      expect(st.gid).toBe(Number(user[3]));
    }
  });

  it('installs the package with --ignore-scripts into /usr/local, and the unit, logrotate file and config', () => {
    const calls = readFileSync(join(work, 'npm.calls'), 'utf8');
    expect(calls).toContain(`--prefix ${root}/usr/local`);
    expect(calls).toContain('--ignore-scripts');
    expect(calls).toContain(join(work, 'groundwatch-0.1.0.tgz'));
    expect(readFileSync(join(root, 'etc/systemd/system/groundwatch.service'), 'utf8')).toBe(readFileSync(REPO_UNIT, 'utf8'));
    expect(readFileSync(join(root, 'etc/logrotate.d/groundwatch'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'deploy/groundwatch.logrotate'), 'utf8'));
    const config = readFileSync(join(root, 'etc/groundwatch/config.yaml'), 'utf8');
    expect(config).toMatch(/^interface: mirror0$/m);
    const st = statSync(join(root, 'etc/groundwatch/config.yaml'));
    expect((st.mode & 0o777).toString(8)).toBe('640');
    expect(st.gid).toBe(Number(passwdEntry(join(root, 'etc/group'), 'groundwatch')![2]));
    // The unit runs what install.sh installed.
    expect(readFileSync(REPO_UNIT, 'utf8')).toMatch(/^ExecStart=\/usr\/local\/bin\/groundwatch monitor --config \/etc\/groundwatch\/config\.yaml$/m);
    expect(statSync(join(root, 'usr/local/bin/groundwatch')).mode & 0o111).not.toBe(0);
    expect(firstRun.stdout).toMatch(/not enabling the unit \(--root\)/);
  });

  it('run again: keeps an edited config and does not add the user twice', () => {
    const config = join(root, 'etc/groundwatch/config.yaml');
    writeFileSync(config, 'interface: edited0\n');
    const again = install([join(work, 'groundwatch-0.1.0.tgz')]);
    expect(again.status, String(again.stderr)).toBe(0);
    expect(readFileSync(config, 'utf8')).toBe('interface: edited0\n');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8').match(/^groundwatch:/gm)).toHaveLength(1);
    expect(again.stdout).toMatch(/keeping the existing \/etc\/groundwatch\/config\.yaml/);
  });

  it('refuses an unknown option with one line', () => {
    const r = install(['--bogus']);
    expect(r.status).toBe(1);
    expect(String(r.stderr).trim()).toBe('install.sh: unknown option --bogus (see --help)');
  });
});

describe('systemd-analyze verify', () => {
  it('passes on the repository unit and on the unit as installed, without a warning', () => {
    for (const text of [readFileSync(REPO_UNIT, 'utf8'), readFileSync(join(root, 'etc/systemd/system/groundwatch.service'), 'utf8')]) {
      const r = verify(text);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('is a real check: a bad directive or a missing ExecStart fails it', () => {
    const unit = readFileSync(REPO_UNIT, 'utf8');
    expect(verify(unit.replace('Type=notify', 'Type=notifyx')).stderr).toMatch(/Failed to parse service type/);
    const dir = mkdtempSync(join(work, 'missing-'));
    writeFileSync(join(dir, 'groundwatch.service'), unit.replace(/^ExecStart=\/usr\/local\/bin\/groundwatch/m, `ExecStart=${dir}/nothing-here`));
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'groundwatch.service')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not executable/);
  });

  it('grants CAP_NET_RAW only, runs as groundwatch, Type=notify with a watchdog', () => {
    const unit = readFileSync(REPO_UNIT, 'utf8');
    expect(unit).toMatch(/^AmbientCapabilities=CAP_NET_RAW$/m);
    expect(unit).toMatch(/^CapabilityBoundingSet=CAP_NET_RAW$/m);
    expect(unit).toMatch(/^User=groundwatch$/m);
    expect(unit).toMatch(/^Type=notify$/m);
    expect(unit).toMatch(/^NotifyAccess=main$/m);
    expect(unit).toMatch(/^WatchdogSec=\d+s$/m);
    expect(unit).toMatch(/^ReadWritePaths=\/var\/lib\/groundwatch \/var\/log\/groundwatch$/m);
  });
});
