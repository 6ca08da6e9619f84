import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { SINK_RETRY_MAX_MS, SinkFanout } from '../../src/sinks/fanout.js';
import type { Sink } from '../../src/sinks/sink.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { makeAlert, makeFlow } from './fixtures.js';

/** A clock the tests move past a failing sink's backoff (a retry waits for it). */
const clock = { t: 0, pastBackoff: () => (clock.t += SINK_RETRY_MAX_MS) };
const now = () => clock.t;

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'gw-full-')), 'store.db');

class CountingSink implements Sink {
  readonly name = 'memory';
  n = 0;
  write(): void { this.n++; }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

function count(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

const bigFlow = (i: number) => makeFlow({ uid: `C${i}`, domain: `${'x'.repeat(200)}.${i}.example` });

describe('SQLite write failures', () => {
  it('disk full (max_page_count): capture continues, reported once, queued rows land after the fix', async () => {
    const db = openStore(tmpDb());
    const counters = new Counters();
    const errors: string[] = [];
    const memory = new CountingSink();
    const sqlite = new SqliteSink(db, { counters });
    const fanout = new SinkFanout([sqlite, memory], { counters, now, onError: (s, e) => errors.push(`${s}: ${(e as { code?: string }).code}`) });

    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) fanout.write(bigFlow(round * 100 + i));
      await expect(fanout.flush()).resolves.toBeUndefined();
    }
    expect(memory.n).toBe(300); // the other sink never noticed
    expect(errors).toEqual(['sqlite: SQLITE_FULL']); // once, not once per flush
    expect(counters.get('sink.sqlite.errors')).toBe(1); // the flushes after it fall within the backoff
    expect(count(db, 'flows')).toBe(0);
    expect(sqlite.pendingCount).toBe(300);

    db.pragma('max_page_count = 1073741823'); // space freed
    clock.pastBackoff();
    await fanout.flush();
    expect(count(db, 'flows')).toBe(300);
    expect(sqlite.pendingCount).toBe(0);
    expect(counters.get('sink.sqlite.dropped')).toBe(0);
    await fanout.close();
  });

  it('on a healthy store the pending bound commits instead of dropping (backpressure, not loss)', () => {
    const db = openStore(tmpDb());
    const counters = new Counters();
    const drops: number[] = [];
    const sqlite = new SqliteSink(db, { counters, maxPending: 50, onDrop: (n) => drops.push(n) });
    for (let i = 0; i < 200; i++) sqlite.write(bigFlow(i)); // never flushed by anyone
    expect(count(db, 'flows')).toBeGreaterThanOrEqual(150);
    expect(sqlite.pendingCount).toBeLessThanOrEqual(50);
    expect(counters.get('sink.sqlite.dropped')).toBe(0);
    expect(drops).toEqual([]);
  });

  it('beyond the pending bound the oldest rows are dropped and counted, the rest kept', async () => {
    const db = openStore(tmpDb());
    const counters = new Counters();
    const sqlite = new SqliteSink(db, { counters, maxPending: 50 });
    const fanout = new SinkFanout([sqlite], { counters, now, onError: () => undefined });
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let i = 0; i < 80; i++) fanout.write(bigFlow(i));
    await fanout.flush();
    expect(counters.get('sink.sqlite.dropped')).toBe(30);
    db.pragma('max_page_count = 1073741823');
    clock.pastBackoff();
    await fanout.flush();
    const uids = (db.prepare('SELECT uid FROM flows ORDER BY rowid').all() as { uid: string }[]).map((r) => r.uid);
    expect(uids).toEqual(Array.from({ length: 50 }, (_, i) => `C${i + 30}`));
  });

  it('a write lock held by another process (SQLITE_BUSY) delays rows without losing them', async () => {
    const path = tmpDb();
    const db = openStore(path, { busyTimeoutMs: 10 });
    const other = new Database(path);
    const sqlite = new SqliteSink(db);
    const errors: unknown[] = [];
    const fanout = new SinkFanout([sqlite], { counters: new Counters(), now, onError: (_s, e) => errors.push(e) });
    other.exec('BEGIN IMMEDIATE');
    fanout.write(makeAlert({ id: 'L1' }));
    await fanout.flush();
    expect(errors).toEqual([expect.objectContaining({ code: 'SQLITE_BUSY' })]);
    other.exec('COMMIT');
    other.close();
    clock.pastBackoff();
    await fanout.flush();
    expect(count(db, 'alerts')).toBe(1);
  });

  it('a read-only store rejects writes and keeps them pending; close counts what is lost', async () => {
    const path = tmpDb();
    openStore(path).close();
    const ro = new Database(path, { readonly: true });
    const errors: unknown[] = [];
    const counters = new Counters();
    const sqlite = new SqliteSink(ro, { counters });
    const fanout = new SinkFanout([sqlite], { counters, onError: (_s, e) => errors.push(e) });
    fanout.write(makeAlert({ id: 'R1' }));
    await fanout.flush();
    expect(errors).toEqual([expect.objectContaining({ code: 'SQLITE_READONLY' })]);
    expect(sqlite.pendingCount).toBe(1);
    await fanout.close();
    expect(counters.get('sink.sqlite.dropped')).toBe(1);
    expect(ro.open).toBe(false);
  });
});
