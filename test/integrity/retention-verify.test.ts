/**
 * Retention deletes logged rows (alerts, acknowledgements, stats, capture gaps): each batch
 * names what it deleted in a `retention` entry in the same transaction, and `verify` (the built
 * CLI) accepts a missing row only when a later retention entry names it. The oracle for what
 * retention deleted is the set of rows present before and after (SQL), not retention's own entries.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { buildCaptureGapRecord } from '../../src/daemon/capture-gap.js';
import { IntegrityLog } from '../../src/integrity/integrity-log.js';
import { parseRetentionEntry } from '../../src/integrity/retention-entry.js';
import { ECS_VERSION, type StatsRecord } from '../../src/records/ecs.js';
import { ackAlert } from '../../src/sinks/queries.js';
import { StoreRetention } from '../../src/sinks/retention.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { entryBytesOf } from '../../src/integrity/log-store.js';
import { makeAlert, makeRun } from '../sinks/fixtures.js';
import { runCli } from '../support/cli.js';

const NOW = new Date('2026-03-31T12:00:00Z');
const DAYS = 12;
const dayTs = (d: number, minute = 0) => new Date(NOW.getTime() - d * 86_400_000 - 3_600_000 + minute * 60_000).toISOString();
const stats = (ts: string): StatsRecord => ({ '@timestamp': ts, ecs: { version: ECS_VERSION }, event: { kind: 'metric', dataset: 'groundwatch.stats' }, groundwatch: { stats: { counters: { n: 1 } } } });

async function generate(path: string): Promise<void> {
  const db = openStore(path);
  const sink = new SqliteSink(db, { integrity: new IntegrityLog(db) });
  sink.startRun(makeRun('R-old'));
  for (let d = 0; d < DAYS; d++) {
    for (let i = 0; i < 4; i++) sink.write(stats(dayTs(d, i)));
    for (let i = 0; i < 3; i++) sink.write(makeAlert({ id: `A${d}-${i}`, ts: dayTs(d, i), uid: `C${d}-${i}` }));
    sink.write(buildCaptureGapRecord({ start: new Date(dayTs(d)), end: new Date(dayTs(d, 1)), reason: 'interface_down', interfaceName: 'eth1' }, 'R-old'));
  }
  await sink.flush();
  for (let d = 0; d < DAYS; d++) ackAlert(sink.db, `A${d}-0`, { note: 'reviewed', by: 'analyst', at: new Date(dayTs(d, 30)) });
  await sink.close();
}

function rows(path: string): Set<string> {
  const db = new Database(path, { readonly: true });
  try {
    const q = (sql: string, kind: string) => (db.prepare(sql).pluck().all() as (string | number)[]).map((r) => `${kind} ${r}`);
    return new Set([
      ...q('SELECT id FROM alerts', 'alert'),
      ...q('SELECT rowid FROM alert_acks', 'alert_ack'),
      ...q('SELECT rowid FROM stats', 'stats'),
      ...q('SELECT rowid FROM capture_gaps', 'capture_gap'),
    ]);
  } finally {
    db.close();
  }
}

describe('retention and the integrity log', () => {
  it('generated old records + retention: verify exits 0; deleting one more alert by hand: exit 1 naming it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-retention-verify-')), 'store.db');
    await generate(path);
    const before = rows(path);
    expect(runCli(['verify', '--db', path]).status).toBe(0);

    const db = openStore(path);
    // Small batches: several retention entries per table.
    new StoreRetention(db, { flowsDays: 3, statsDays: 3, alertsDays: 5 }, new Counters(), { batchRows: 7, maxMillis: 1000, vacuumPages: 0 }).runUntilCaughtUp(NOW);
    // Stored compressed (stored-record.ts): their canonical bytes are what the log hashed.
    const entries = (db.prepare("SELECT entry FROM integrity_log WHERE kind = 'retention' ORDER BY idx").pluck().all() as unknown[]).map(entryBytesOf);
    db.close();
    const after = rows(path);
    const gone = [...before].filter((r) => !after.has(r)).sort();
    // Something of every logged kind went (7 days of alerts and their acks, 9 of stats and gaps).
    for (const kind of ['alert', 'alert_ack', 'stats', 'capture_gap']) expect(gone.some((g) => g.startsWith(`${kind} `))).toBe(true);
    expect(gone.filter((g) => g.startsWith('alert ')).length).toBe(7 * 3);
    // The retention entries name exactly what went, each once.
    const named = entries.flatMap((e) => {
      const p = parseRetentionEntry(e);
      if ('error' in p) throw new Error(p.error);
      return p.covers.map(([k, ref]) => `${k} ${ref}`);
    });
    expect([...named].sort()).toEqual(gone);
    expect(entries.length).toBeGreaterThan(4);

    const ok = runCli(['verify', '--db', path]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('result       OK');
    expect(ok.stdout).toContain(`${gone.length} logged rows were deleted by retention`);
    expect(ok.status).toBe(0);

    // One more alert, young enough to be kept, deleted behind the log's back.
    const victim = 'A1-2';
    expect(after.has(`alert ${victim}`)).toBe(true);
    const raw = new Database(path);
    raw.prepare('DELETE FROM alerts WHERE id = ?').run(victim);
    raw.close();
    const bad = runCli(['verify', '--db', path]);
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(new RegExp(`alert ${victim}\\): its alerts row is gone \\(deleted\\)`));
  });

  it('a retention entry written before the row was logged again does not excuse its later deletion', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-retention-verify-')), 'store.db');
    await generate(path);
    const db = openStore(path);
    new StoreRetention(db, { flowsDays: 0, statsDays: 0, alertsDays: 5 }, new Counters()).runUntilCaughtUp(NOW);
    // The same alert id written again later (a second replay): logged after the retention entry.
    const sink = new SqliteSink(db, { integrity: new IntegrityLog(db) });
    sink.startRun(makeRun('R-again'));
    sink.write(makeAlert({ id: 'A10-0', ts: dayTs(1), uid: 'C-again' }));
    await sink.close();
    expect(runCli(['verify', '--db', path]).status).toBe(0);
    const raw = new Database(path);
    raw.prepare("DELETE FROM alerts WHERE id = 'A10-0'").run();
    raw.close();
    const bad = runCli(['verify', '--db', path]);
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/alert A10-0\): its alerts row is gone \(deleted\)/);
  });
});
