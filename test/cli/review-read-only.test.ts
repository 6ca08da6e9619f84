/**
 * Analysts read without writing: a member of the service's group, not the
 * store's owner, runs the review commands on a store made with the unit's
 * umask (0027: files 0640, the state directory not writable by the group).
 * Real users and groups made for the test (useradd, removed after), commands
 * run through setpriv --reuid --regid --init-groups; the kernel's permission
 * checks are the oracle, and the sqlite3 CLI (as root) counts the rows.
 * Covered: a store its writer closed (what a stopped daemon leaves), a store
 * its writer holds open in WAL mode (a running daemon: -wal/-shm readable, not
 * writable), acknowledging as the analyst (refused, one line), and a WAL store
 * whose -shm is gone (an old version's close): one line that says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');
const OWNER = `gwown${process.pid}`;
const ANALYST = `gwana${process.pid}`;
const OUTSIDER = `gwout${process.pid}`;

let base = '';
let stateDir = '';
const children: ChildProcess[] = [];

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(sh('id', [flag, user]).trim());
}

/** Runs the CLI as `user` (its groups from /etc/group), with the unit's umask. */
function asUser(user: string, args: string[], cwd = base): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('setpriv', ['--reuid', user, '--regid', user, '--init-groups', 'sh', '-c', 'umask 0027; exec "$@"', 'sh', process.execPath, CLI, ...args], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sqlite3(db: string, sql: string): string {
  return sh('sqlite3', [db, sql]).trim();
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('this test creates users and switches to them: run it as root, as CI does');
  sh('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', OWNER]);
  sh('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', '-G', OWNER, ANALYST]);
  sh('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', OUTSIDER]);
  base = mkdtempSync(join(tmpdir(), 'gw-readonly-'));
  chmodSync(base, 0o755);
  // As systemd makes StateDirectory= for the unit: owned by the service user, not writable by the group.
  stateDir = join(base, 'state');
  mkdirSync(stateDir, { mode: 0o750 });
  chownSync(stateDir, idOf(OWNER, '-u'), idOf(OWNER, '-g'));
}, 60_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  if (base) rmSync(base, { recursive: true, force: true });
  for (const u of [ANALYST, OUTSIDER, OWNER]) spawnSync('userdel', [u]);
  for (const g of [ANALYST, OUTSIDER, OWNER]) spawnSync('groupdel', [g]);
});

describe('review commands by a member of the service group', () => {
  it('read a store the service user wrote and closed: alerts list/show, flows list, status; ack is refused in one line', () => {
    const db = join(stateDir, 'groundwatch.db');
    const replay = asUser(OWNER, ['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson']);
    expect(replay.status, replay.stderr).toBe(0);
    // What the analyst faces: one file, group-readable, in a directory the group cannot write.
    expect(readdirSync(stateDir)).toEqual(['groundwatch.db']);
    expect(statSync(db).mode & 0o777).toBe(0o640);
    expect(statSync(stateDir).mode & 0o777).toBe(0o750);
    const alerts = Number(sqlite3(db, 'SELECT count(*) FROM alerts'));
    const flows = Number(sqlite3(db, 'SELECT count(*) FROM flows'));
    expect(alerts).toBeGreaterThan(0);

    const list = asUser(ANALYST, ['alerts', 'list', '--db', db, '--format', 'csv']);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n').length - 1).toBe(alerts);
    const id = sqlite3(db, 'SELECT id FROM alerts ORDER BY ts LIMIT 1');
    const show = asUser(ANALYST, ['alerts', 'show', id, '--db', db, '--format', 'ndjson']);
    expect(show.status, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as { event: { id: string } }).event.id).toBe(id);
    const flowList = asUser(ANALYST, ['flows', 'list', '--db', db, '--format', 'csv', '--limit', '0']);
    expect(flowList.status, flowList.stderr).toBe(0);
    expect(flowList.stdout.trim().split('\n').length - 1).toBe(flows);
    const status = asUser(ANALYST, ['status', '--db', db, '--format', 'json']);
    expect(status.stderr).toBe('');
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false, store: { path: db } });

    const ack = asUser(ANALYST, ['alerts', 'ack', id, '--note', 'seen', '--db', db]);
    expect(ack.status).toBe(2);
    expect(ack.stderr).toMatch(/^groundwatch: DB_READ_ONLY: store .* is read-only for user gwana\d+ .*run it as the service user/);
    expect(ack.stderr.trim().split('\n')).toHaveLength(1);
    expect(sqlite3(db, 'SELECT count(*) FROM alert_acks')).toBe('0');
    // Reading left nothing behind (no -wal/-shm the service user could not write later).
    expect(readdirSync(stateDir)).toEqual(['groundwatch.db']);
    // Someone outside the group is refused by the kernel, in one line.
    const outsider = asUser(OUTSIDER, ['alerts', 'list', '--db', db]);
    expect(outsider.status).toBe(2);
    expect(outsider.stderr).toMatch(/^groundwatch: DB_OPEN_FAILED: cannot open store .*: permission denied for user gwout\d+ \(readers need to be in the service's group\)\n$/);
  }, 180_000);

  it('read a store the service user holds open in WAL mode (a running daemon), rows still in the WAL included', async () => {
    const db = join(stateDir, 'live.db');
    expect(asUser(OWNER, ['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson']).status).toBe(0);
    // A writer like the daemon's: the real store code, WAL, one more alert committed and the connection held.
    const writer = spawn('setpriv', ['--reuid', OWNER, '--regid', OWNER, '--init-groups', 'sh', '-c', 'umask 0027; exec "$@"', 'sh', process.execPath, '--input-type=module', '-e', `
      import { openStore } from ${JSON.stringify(join(REPO_ROOT, 'dist/sinks/sqlite-store.js'))};
      const db = openStore(${JSON.stringify(db)});
      db.prepare("INSERT INTO alerts (id, ts, severity, severity_num, rule_id, record) VALUES ('A-in-wal', '2026-01-01T00:00:00.000000000Z', 'high', 4, 'test.rule', '{}')").run();
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(writer);
    await new Promise<void>((resolve, reject) => {
      writer.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
      writer.on('exit', (code) => reject(new Error(`writer exited ${code}`)));
    });
    expect(readdirSync(stateDir).filter((f) => f.startsWith('live.db')).sort()).toEqual(['live.db', 'live.db-shm', 'live.db-wal']);
    for (const f of ['live.db-shm', 'live.db-wal']) expect(statSync(join(stateDir, f)).mode & 0o777).toBe(0o640);
    // The row is in the WAL only: the main file does not have it yet.
    expect(statSync(join(stateDir, 'live.db-wal')).size).toBeGreaterThan(0);

    const list = asUser(ANALYST, ['alerts', 'list', '--db', db, '--format', 'csv', '--rule', 'test.rule']);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('A-in-wal');
    writer.kill('SIGKILL');
  }, 180_000);

  it('a WAL store whose -shm is gone and whose directory the analyst may not write: one line saying why', () => {
    const db = join(stateDir, 'old.db');
    expect(asUser(OWNER, ['replay', FIXTURE, '--db', db, '--fail-on', 'never', '--format', 'ndjson']).status).toBe(0);
    // What an older groundwatch left: the file still in WAL mode, -wal and -shm removed at close.
    const r = spawnSync('setpriv', ['--reuid', OWNER, '--regid', OWNER, '--init-groups', 'sqlite3', db, 'PRAGMA journal_mode=WAL;'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('wal');
    expect(existsSync(`${db}-shm`)).toBe(false);
    const list = asUser(ANALYST, ['alerts', 'list', '--db', db]);
    expect(list.status).toBe(2);
    expect(list.stderr).toMatch(/^groundwatch: DB_OPEN_FAILED: cannot read store .*old\.db: .*-shm file is missing needs a writable directory/);
  }, 180_000);
});
