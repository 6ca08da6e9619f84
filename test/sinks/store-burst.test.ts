/**
 * A burst on a healthy disk: the store keeps every row the NDJSON log has
 * (replay can wait, so nothing may be dropped). Oracle: the sqlite3 CLI reads
 * the store, the NDJSON file is counted line by line, per dataset.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { writeBurstCapture } from './burst-capture.js';

const TABLE_OF: Record<string, string> = {
  'groundwatch.flow': 'flows',
  'groundwatch.dns': 'dns',
  'groundwatch.alert': 'alerts',
  'groundwatch.stats': 'stats',
  'groundwatch.capture_gap': 'capture_gaps',
};

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sqliteCount(db: string, table: string): number {
  const r = spawnSync('sqlite3', [db, `SELECT count(*) FROM ${table}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed (apt-get install sqlite3): ${r.stderr}`);
  return Number(r.stdout.trim());
}

describe('store under a burst (healthy disk)', () => {
  it('replay of 25,000 flows ending in one sweep: store and NDJSON agree per dataset, nothing dropped', () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-burst-'));
    const pcap = join(dir, 'burst.pcap');
    writeBurstCapture(pcap, 25_000);
    const db = join(dir, 'gw.db');
    const ndjson = join(dir, 'all.ndjson');
    const r = runCli(['replay', pcap, '--db', db, '--ndjson', ndjson, '--format', 'ndjson', '--events', 'alerts', '--fail-on', 'never']);
    expect(r.status, r.stderr).toBe(0);
    const perDataset = new Map<string, number>();
    const lines = readFileSync(ndjson, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      const ds = (JSON.parse(line) as { event: { dataset: string } }).event.dataset;
      perDataset.set(ds, (perDataset.get(ds) ?? 0) + 1);
    }
    expect(perDataset.get('groundwatch.flow')).toBe(25_001);
    for (const [ds, table] of Object.entries(TABLE_OF)) expect(sqliteCount(db, table), ds).toBe(perDataset.get(ds) ?? 0);
    const final = JSON.parse(lines.filter((l) => l.includes('"groundwatch.stats"')).at(-1)!) as { groundwatch: { stats: { sinks: Record<string, number> } } };
    expect(final.groundwatch.stats.sinks['sink.sqlite.dropped'] ?? 0).toBe(0);
    expect(r.stderr).not.toMatch(/dropped/);
  }, 120_000);
});
