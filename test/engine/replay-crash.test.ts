/**
 * Crash safety of replay: SIGKILL while it writes, then the store must open
 * cleanly (PRAGMA integrity_check) and hold every alert that reached the
 * NDJSON log more than the flush interval (1 s) before the kill.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-crash-'));
const capture = join(dir, 'many-alerts.pcap');

beforeAll(() => {
  const g = spawnSync('npx', ['vite-node', 'bench/generate.ts', '--', '--packets', '400000', '--unique-clients', '--out', capture], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(g.status, g.stderr).toBe(0);
});

/** Complete lines in the log, and how many of them are alert records. */
function logCounts(file: string): { lines: number; alerts: number } {
  if (!existsSync(file)) return { lines: 0, alerts: 0 };
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return { lines: complete.split('\n').length - 1, alerts: complete.split('"groundwatch.alert"').length - 1 };
}

describe('replay killed with SIGKILL while writing', () => {
  it('leaves a sound store holding every alert logged more than a second before the kill', async () => {
    const db = join(dir, 'gw.db');
    const log = join(dir, 'alerts.ndjson');
    const child = spawn(process.execPath, [CLI, 'replay', capture, '--db', db, '--ndjson', log, '--format', 'ndjson', '--events', 'alerts', '--fail-on', 'never'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Sample how many lines (and alerts) had reached the log, and when; kill once more than 50 lines and
    // 20 alerts had been logged over 1.5 s earlier (counts, not a fixed delay, so a loaded machine only
    // makes the test slower).
    const samples: { at: number; lines: number; alerts: number }[] = [];
    const killedAt = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const now = Date.now();
        samples.push({ at: now, ...logCounts(log) });
        const settledSample = samples.filter((s) => s.at <= now - 1600).at(-1);
        if (settledSample && settledSample.lines > 50 && settledSample.alerts > 20) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve(Date.now());
        }
      }, 50);
      child.on('exit', (code) => {
        clearInterval(timer);
        if (code !== null) reject(new Error(`replay finished (exit ${code}) before it could be killed: make the capture larger`));
      });
    });
    await new Promise((r) => child.once('close', r));

    const settled = samples.filter((s) => s.at <= killedAt - 1500).at(-1)?.lines ?? 0;
    expect(settled, 'records logged more than 1.5 s before the kill').toBeGreaterThan(50);

    const store = new Database(db, { readonly: true });
    expect(store.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set((store.prepare('SELECT id FROM alerts').all() as { id: string }[]).map((r) => r.id));
    store.close();
    const logged = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, settled)
      .map((l) => JSON.parse(l) as { event: { dataset: string; id: string } })
      .filter((r) => r.event.dataset === 'groundwatch.alert')
      .map((r) => r.event.id);
    expect(logged.length).toBeGreaterThan(20);
    const missing = logged.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
  });
});
