/**
 * A replay stopped by SIGINT (Ctrl-C) or SIGTERM ends like any run: reading
 * stops, open flows are written, and the store commits the run's row, the
 * flows and the alerts the NDJSON log has. Exit 128 + the signal's number.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-interrupt-'));

/** The shipped session repeated 400 times, each copy 400 s later (past the alert folding window): a long replay with many alerts. */
function longCapture(): string {
  const src = readFileSync(join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap'));
  const parts: Buffer[] = [src.subarray(0, 24)];
  for (let copy = 0; copy < 400; copy++) {
    for (let off = 24; off + 16 <= src.length; ) {
      const capLen = src.readUInt32LE(off + 8);
      const record = Buffer.from(src.subarray(off, off + 16 + capLen));
      record.writeUInt32LE(src.readUInt32LE(off) + copy * 400, 0);
      parts.push(record);
      off += 16 + capLen;
    }
  }
  const path = join(dir, 'long.pcap');
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('replay stopped by a signal', () => {
  const capture = longCapture();

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exit %i, one INTERRUPTED line, and the store holds the run, flows and alerts the log holds', async (signal, status) => {
    const db = join(dir, `${signal}.db`);
    const log = join(dir, `${signal}.ndjson`);
    const child = spawn(process.execPath, [CLI, 'replay', capture, '--db', db, '--ndjson', log, '--format', 'ndjson', '--events', 'all', '--no-summary'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Signal once records are flowing, well before the end.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (lines(log).length > 200) {
          clearInterval(timer);
          child.kill(signal);
          resolve();
        }
      }, 20);
      void exited.then(() => {
        clearInterval(timer);
        reject(new Error('replay ended before it could be signalled: make the capture longer'));
      });
    });
    expect(await exited).toBe(status);
    expect(stderr.split('\n').filter((l) => l.startsWith('groundwatch: '))).toEqual([expect.stringMatching(new RegExp(`^groundwatch: INTERRUPTED: replay stopped \\(${signal}\\) after \\d+ packets`))]);

    const records = lines(log).map((l) => JSON.parse(l));
    const stats = records.find((x) => x.event.dataset === 'groundwatch.stats' && x.groundwatch.stats.final).groundwatch.stats;
    const total = 400 * 303;
    expect(stats.packets.received).toBeLessThan(total);
    const alerts = [...new Set(records.filter((x) => x.event.dataset === 'groundwatch.alert').map((x) => x.event.id as string))].sort();
    const flows = records.filter((x) => x.event.dataset === 'groundwatch.flow').map((x) => x.groundwatch.flow.uid as string).sort();
    expect(alerts.length).toBeGreaterThan(0);
    const store = new Database(db, { readonly: true });
    expect((store.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((x) => x.id)).toEqual(alerts);
    expect((store.prepare('SELECT uid FROM flows ORDER BY uid').all() as { uid: string }[]).map((x) => x.uid)).toEqual(flows);
    const runs = store.prepare('SELECT packets, ended_at FROM runs').all() as { packets: number; ended_at: string | null }[];
    store.close();
    expect(runs).toEqual([{ packets: stats.packets.received, ended_at: expect.any(String) }]);
  });
});
