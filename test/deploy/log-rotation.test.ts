/**
 * Log rotation of the NDJSON file under a running monitor: rename + SIGHUP
 * (what logrotate does) must leave every record in one of the two files and
 * the later ones in a new file at the original path. The oracle is a second
 * sink of the same run (all records on stdout) and, for the shipped
 * deploy/groundwatch.logrotate, the real logrotate(8).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { sessionCapture, sleep, TestNetns, type MonitorProcess } from '../daemon/netns.js';

let netns: TestNetns | undefined;
let dir: string | undefined;
afterEach(() => {
  netns?.delete();
  if (dir) rmSync(dir, { recursive: true, force: true });
  netns = undefined;
  dir = undefined;
});

function lines(file: string): Record<string, any>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);
}

/** A record's identity: its kind and id (flows, alerts), or its timestamp and kind (stats). */
function key(r: Record<string, any>): string {
  return JSON.stringify([r.event?.kind, r.event?.dataset, r.event?.id ?? r.flow?.id ?? r.groundwatch?.flow?.id, r['@timestamp'], r.event?.sequence]);
}

async function startMonitor(ns: TestNetns, ndjson: string): Promise<MonitorProcess> {
  const monitor = ns.monitor(['--no-db', '--ndjson', ndjson, '--format', 'ndjson', '--events', 'all', '--stats-interval', '1']);
  await monitor.waitForStderr(/groundwatch: monitoring gwb/, 30_000);
  return monitor;
}

/** The two files together hold exactly what stdout (the same run's other sink) holds, in order. */
function expectNothingLost(monitor: MonitorProcess, rotated: string, current: string): void {
  const before = lines(rotated);
  const after = lines(current);
  const all = monitor.records();
  expect(before.length).toBeGreaterThan(0);
  expect(after.length).toBeGreaterThan(0);
  expect(before.length + after.length).toBe(all.length);
  expect([...before, ...after].map(key)).toEqual(all.map(key));
  // The new file holds the end of the run: its last record is the run's final stats record.
  expect(after.at(-1)).toEqual(all.at(-1));
}

describe('NDJSON file and SIGHUP', () => {
  it('after a rename, SIGHUP sends later records to a new file at the original path; nothing is lost', async () => {
    netns = new TestNetns();
    dir = mkdtempSync(join(tmpdir(), 'gw-rotate-'));
    const file = join(dir, 'records.ndjson');
    const monitor = await startMonitor(netns, file);
    const traffic = netns.replayInBackground(sessionCapture(), 300, 6);
    await sleep(2500);
    renameSync(file, `${file}.1`);
    await sleep(1200); // records keep going into the renamed file until the signal
    monitor.proc.kill('SIGHUP');
    await monitor.waitForStderr(/rules reloaded/, 10_000);
    await traffic;
    await sleep(1500);
    const exit = await monitor.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expectNothingLost(monitor, `${file}.1`, file);
  }, 90_000);
});

describe('deploy/groundwatch.logrotate', () => {
  it('rotated by the real logrotate: the postrotate signal reopens the file and nothing is lost', async () => {
    if (spawnSync('logrotate', ['--version']).status !== 0) throw new Error('this test needs logrotate (apt-get install logrotate)');
    netns = new TestNetns();
    dir = mkdtempSync(join(tmpdir(), 'gw-logrotate-'));
    const file = join(dir, 'records.ndjson');
    const monitor = await startMonitor(netns, file);

    // The shipped file, pointed at the test directory. Its postrotate runs `systemctl kill ...`:
    // a stand-in systemctl first on PATH records the call and signals the test's monitor.
    const hasUser = spawnSync('id', ['groundwatch']).status === 0;
    const shipped = readFileSync(join(REPO_ROOT, 'deploy/groundwatch.logrotate'), 'utf8');
    expect(shipped).toContain('/var/log/groundwatch/*.ndjson {');
    const conf = shipped.replace('/var/log/groundwatch/*.ndjson', join(dir, '*.ndjson')).replace(/create 0640 groundwatch groundwatch/, hasUser ? '$&' : 'create 0640 root root');
    writeFileSync(join(dir, 'logrotate.conf'), conf);
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> ${join(dir, 'systemctl.calls')}\nkill -HUP ${monitor.proc.pid}\n`);
    chmodSync(join(bin, 'systemctl'), 0o755);

    const traffic = netns.replayInBackground(sessionCapture(), 300, 6);
    await sleep(2500);
    const rotate = spawnSync('logrotate', ['--force', '--state', join(dir, 'logrotate.state'), join(dir, 'logrotate.conf')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(rotate.status, rotate.stderr).toBe(0);
    expect(readFileSync(join(dir, 'systemctl.calls'), 'utf8').trim()).toBe('kill --kill-whom=main --signal=HUP groundwatch.service');
    await monitor.waitForStderr(/rules reloaded/, 10_000);
    await traffic;
    await sleep(1500);
    const exit = await monitor.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // delaycompress: the first rotation leaves records.ndjson.1 uncompressed.
    expectNothingLost(monitor, `${file}.1`, file);
    expect(readFileSync(join(dir, 'logrotate.state'), 'utf8')).toContain(file);
  }, 90_000);
});
