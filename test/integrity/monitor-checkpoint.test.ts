/**
 * The monitor logs and signs live: the session capture is replayed through a veth in a private
 * network namespace (tcpreplay), the monitor is stopped with SIGTERM, and the store it leaves
 * must verify with the public key, with a checkpoint written at shutdown covering the whole log
 * (its alerts, stats and the run ended by the shutdown).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/integrity/checkpoint.js';
import { sessionCapture, TestNetns } from '../daemon/netns.js';
import { runCli } from '../support/cli.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.reverse()) fn();
  cleanup = [];
});

describe('monitor with --key-dir', () => {
  it('ends with a signed checkpoint of the whole log that verify accepts with the public key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-mon-cp-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const keys = join(dir, 'keys');
    expect(runCli(['keys', 'init', '--dir', keys, '--name', 'groundwatch/monitor-test']).status).toBe(0);
    const ns = new TestNetns();
    cleanup.push(() => ns.delete());
    const db = join(dir, 'gw.db');
    const m = ns.monitor(['--db', db, '--format', 'none', '--key-dir', keys]);
    await m.waitForStderr(/checkpoints signed by groundwatch\/monitor-test/);
    ns.exec(['tcpreplay', '-q', '-i', 'gwa', '--topspeed', sessionCapture()]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await m.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const store = new Database(db, { readonly: true });
    const size = (store.prepare('SELECT COUNT(*) AS n FROM integrity_log').get() as { n: number }).n;
    const runs = (store.prepare("SELECT COUNT(*) AS n FROM integrity_log WHERE kind = 'run'").get() as { n: number }).n;
    const alerts = (store.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n;
    const newest = store.prepare('SELECT note FROM integrity_checkpoints ORDER BY rowid DESC LIMIT 1').get() as { note: string };
    store.close();
    expect(alerts).toBeGreaterThan(0);
    expect(runs).toBe(1);
    expect(parseCheckpoint(newest.note).size).toBe(size);
    const r = runCli(['verify', '--db', db, '--key', join(keys, 'checkpoint.pub')]);
    expect(r.stdout).toContain(`verified     entries 0..${size - 1} against checkpoint`);
    expect(r.status).toBe(0);
  });
});
