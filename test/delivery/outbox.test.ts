/**
 * The outbox with in-process transports: rows commit with the alert row, min_severity,
 * acknowledgement-only delivery, per-destination independence, backoff with Retry-After,
 * 410 disabling once, and the byte bound's shedding order with its dropped event.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { enforceOutboxLimit } from '../../src/delivery/outbox-limit.js';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import { OutboxWriter } from '../../src/delivery/outbox-writer.js';
import { decodeStoredText } from '../../src/sinks/stored-record.js';
import { alertMessage } from '../../src/delivery/outgoing.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore, type StoreDb } from '../../src/sinks/sqlite-store.js';
import type { Severity } from '../../src/types.js';
import { makeAlert, makeRun } from '../sinks/fixtures.js';
import { ScriptedTransport } from './fake-transport.js';

const open: StoreDb[] = [];
const dispatchers: Dispatcher[] = [];
afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  for (const db of open.splice(0)) if (db.open) db.close();
});

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'gw-outbox-')), 'store.db');
}

function store(path: string): OutboxStore {
  const db = openStore(path);
  open.push(db);
  return new OutboxStore(db);
}

const fast = { backoff: { baseMs: 20, capMs: 40 }, pollMs: 10, random: () => 1 };

function rawRows(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('outbox rows commit with the alert row', () => {
  it('one row per accepting destination; min_severity filters alerts only', async () => {
    const path = tempDb();
    const counters = new Counters();
    const db = openStore(path);
    const writer = new OutboxWriter(db, {
      routes: [{ label: 'all', minSeverity: 'info' }, { label: 'high-only', minSeverity: 'high' }],
      maxBytes: 1 << 20,
      counters,
    });
    const sink = new SqliteSink(db, { outbox: writer });
    sink.startRun(makeRun('R1'));
    sink.write(makeAlert({ id: 'A-low', uid: 'C1', severity: 'low' }));
    sink.write(makeAlert({ id: 'A-crit', uid: 'C2', severity: 'critical' }));
    await sink.close();
    expect(rawRows(path, 'SELECT destination, message_id, kind, severity, state FROM outbox ORDER BY destination, message_id')).toEqual([
      { destination: 'all', message_id: 'A-crit', kind: 'alert', severity: 'critical', state: 'pending' },
      { destination: 'all', message_id: 'A-low', kind: 'alert', severity: 'low', state: 'pending' },
      { destination: 'high-only', message_id: 'A-crit', kind: 'alert', severity: 'critical', state: 'pending' },
    ]);
    // The payload is the alert record as stored (the alerts table keeps the same JSON; both compressed, stored-record.ts).
    const stored = rawRows(path, "SELECT o.payload, o.size_bytes, a.record FROM outbox o JOIN alerts a ON a.id = o.message_id WHERE o.destination = 'all' AND a.id = 'A-crit'") as { payload: unknown; size_bytes: number; record: unknown }[];
    expect(stored.map((r) => ({ same: Number(decodeStoredText(r.payload) === decodeStoredText(r.record)), size: Number(r.size_bytes === Buffer.byteLength(decodeStoredText(r.record))) }))).toEqual([{ same: 1, size: 1 }]);
    expect(counters.get('delivery.queued')).toBe(3);
  });

  it('a failed transaction loses neither row alone: the alert and its outbox row are both absent, then both present', async () => {
    const path = tempDb();
    const db = openStore(path);
    const writer = new OutboxWriter(db, { routes: [{ label: 'd', minSeverity: 'info' }], maxBytes: 1 << 20, counters: new Counters() });
    const sink = new SqliteSink(db, { outbox: writer });
    sink.write(makeAlert({ id: 'A1' }));
    // Another connection holds the write lock: the commit fails (SQLITE_BUSY) and keeps both rows pending.
    db.pragma('busy_timeout = 0');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    expect(() => sink.flushSync()).toThrow();
    expect(rawRows(path, 'SELECT (SELECT COUNT(*) FROM alerts) AS alerts, (SELECT COUNT(*) FROM outbox) AS outbox')).toEqual([{ alerts: 0, outbox: 0 }]);
    other.exec('ROLLBACK');
    other.close();
    sink.flushSync();
    expect(rawRows(path, 'SELECT (SELECT COUNT(*) FROM alerts) AS alerts, (SELECT COUNT(*) FROM outbox) AS outbox')).toEqual([{ alerts: 1, outbox: 1 }]);
    await sink.close();
  });
});

function enqueueAlerts(s: OutboxStore, destination: string, ids: string[], severity: Severity = 'high', createdAt = Date.now()): void {
  ids.forEach((id, i) => s.enqueue(destination, alertMessage(makeAlert({ id, uid: `C${id}`, severity })), createdAt + i));
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('dispatcher', () => {
  it('marks a row delivered only on acknowledged; retries keep it pending with attempts and the error', async () => {
    const s = store(tempDb());
    enqueueAlerts(s, 'd', ['A1', 'A2']);
    const t = new ScriptedTransport('d', [{ kind: 'retry', reason: 'HTTP 500' }, { kind: 'retry', reason: 'HTTP 429', retryAfterMs: 150 }]);
    const counters = new Counters();
    const d = new Dispatcher(s, [{ route: { label: 'd', minSeverity: 'info' }, transport: t }], { counters, warn: () => {}, ...fast });
    dispatchers.push(d);
    const started = Date.now();
    d.start();
    await until(() => counters.get('delivery.retried') === 2);
    expect(s.db.prepare("SELECT message_id, state, attempts, last_error FROM outbox WHERE message_id = 'A1'").get()).toEqual({ message_id: 'A1', state: 'pending', attempts: 2, last_error: 'HTTP 429' });
    const result = await d.drain(5000);
    expect(result).toEqual({ undelivered: 0, timedOut: false });
    // Retry-After (150 ms) is a floor over the 20-40 ms backoff.
    const thirdAttemptAfter = Date.now() - started;
    expect(thirdAttemptAfter).toBeGreaterThanOrEqual(150);
    expect(t.sent.map((m) => m.id)).toEqual(['A1', 'A1', 'A1', 'A2']);
    expect(t.acknowledgedIds()).toEqual(['A1', 'A2']);
    expect(s.db.prepare("SELECT message_id, state, attempts FROM outbox ORDER BY message_id").all()).toEqual([
      { message_id: 'A1', state: 'delivered', attempts: 3 },
      { message_id: 'A2', state: 'delivered', attempts: 1 },
    ]);
    expect(counters.get('delivery.delivered')).toBe(2);
  });

  it('a hanging destination never delays another', async () => {
    const s = store(tempDb());
    enqueueAlerts(s, 'stuck', ['A1', 'A2']);
    enqueueAlerts(s, 'ok', ['A1', 'A2', 'A3']);
    const stuck = new ScriptedTransport('stuck', ['hang']);
    const ok = new ScriptedTransport('ok');
    const d = new Dispatcher(s, [{ route: { label: 'stuck', minSeverity: 'info' }, transport: stuck }, { route: { label: 'ok', minSeverity: 'info' }, transport: ok }], { counters: new Counters(), warn: () => {}, ...fast });
    dispatchers.push(d);
    d.start();
    await until(() => ok.acknowledgedIds().length === 3, 2000);
    expect(stuck.sent.map((m) => m.id)).toEqual(['A1']);
    // Stopping cuts the hung send as a retry: the row stays pending, never lost.
    await d.stop();
    expect(s.db.prepare("SELECT message_id, state FROM outbox WHERE destination = 'stuck' ORDER BY message_id").all()).toEqual([
      { message_id: 'A1', state: 'pending' },
      { message_id: 'A2', state: 'pending' },
    ]);
  });

  it("'disabled' (HTTP 410) stops that destination, says so once, and keeps its rows as disabled", async () => {
    const s = store(tempDb());
    enqueueAlerts(s, 'gone', ['A1', 'A2', 'A3']);
    const t = new ScriptedTransport('gone', [{ kind: 'disabled', reason: 'HTTP 410 Gone' }]);
    const counters = new Counters();
    const warnings: string[] = [];
    const d = new Dispatcher(s, [{ route: { label: 'gone', minSeverity: 'info' }, transport: t }], { counters, warn: (l) => warnings.push(l), ...fast });
    dispatchers.push(d);
    expect(await d.drain(300)).toEqual({ undelivered: 0, timedOut: false });
    enqueueAlerts(s, 'gone', ['A4']);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.sent.map((m) => m.id)).toEqual(['A1']);
    expect(warnings).toEqual([expect.stringMatching(/^groundwatch: DELIVERY_DISABLED: gone: HTTP 410 Gone; .*3 messages kept as disabled/)]);
    expect(counters.get('delivery.disabled')).toBe(1);
    expect(s.db.prepare("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state").all()).toEqual([
      { state: 'disabled', n: 3 },
      { state: 'pending', n: 1 },
    ]);
  });

  it('acknowledgements are marked together at the end of a batch, and before a retry or a disable ends it', async () => {
    const s = store(tempDb());
    enqueueAlerts(s, 'gone', ['A1', 'A2', 'A3', 'A4']);
    enqueueAlerts(s, 'flaky', ['A1', 'A2', 'A3']);
    const gone = new ScriptedTransport('gone', [{ kind: 'acknowledged' }, { kind: 'acknowledged' }, { kind: 'disabled', reason: 'HTTP 410 Gone' }]);
    const flaky = new ScriptedTransport('flaky', [{ kind: 'acknowledged' }, { kind: 'retry', reason: 'HTTP 503' }]);
    const routes = [{ route: { label: 'gone', minSeverity: 'info' as const }, transport: gone }, { route: { label: 'flaky', minSeverity: 'info' as const }, transport: flaky }];
    const d = new Dispatcher(s, routes, { counters: new Counters(), warn: () => {}, ...fast, backoff: { baseMs: 5000, capMs: 5000 } });
    dispatchers.push(d);
    d.start();
    await until(() => gone.sent.length === 3 && flaky.sent.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    // Read by another connection: what was committed, not what this one has pending.
    const committed = rawRows(s.db.name, 'SELECT destination, message_id, state, attempts FROM outbox ORDER BY destination, message_id');
    expect(committed).toEqual([
      { destination: 'flaky', message_id: 'A1', state: 'delivered', attempts: 1 },
      { destination: 'flaky', message_id: 'A2', state: 'pending', attempts: 1 },
      { destination: 'flaky', message_id: 'A3', state: 'pending', attempts: 0 },
      { destination: 'gone', message_id: 'A1', state: 'delivered', attempts: 1 },
      { destination: 'gone', message_id: 'A2', state: 'delivered', attempts: 1 },
      { destination: 'gone', message_id: 'A3', state: 'disabled', attempts: 0 },
      { destination: 'gone', message_id: 'A4', state: 'disabled', attempts: 0 },
    ]);
  });

  it('drain gives up at its bound and reports what is left', async () => {
    const s = store(tempDb());
    enqueueAlerts(s, 'down', ['A1', 'A2']);
    const t = new ScriptedTransport('down', Array.from({ length: 100 }, () => ({ kind: 'retry' as const, reason: 'connection refused' })));
    const d = new Dispatcher(s, [{ route: { label: 'down', minSeverity: 'info' }, transport: t }], { counters: new Counters(), warn: () => {}, ...fast });
    dispatchers.push(d);
    const started = Date.now();
    expect(await d.drain(300)).toEqual({ undelivered: 2, timedOut: true });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('byte bound', () => {
  it('sheds the lowest severities first, oldest first within one, and queues one dropped event per destination with the counts', () => {
    const s = store(tempDb());
    const t0 = 1_700_000_000_000;
    enqueueAlerts(s, 'd', ['H1'], 'high', t0);
    enqueueAlerts(s, 'd', ['L1', 'L2', 'L3'], 'low', t0 + 10);
    enqueueAlerts(s, 'd', ['M1', 'M2'], 'medium', t0 + 20);
    enqueueAlerts(s, 'e', ['I1'], 'info', t0 + 30);
    const sizes = s.db.prepare('SELECT message_id, size_bytes FROM outbox').all() as { message_id: string; size_bytes: number }[];
    const size = (id: string) => sizes.find((r) => r.message_id === id)!.size_bytes;
    const total = sizes.reduce((a, r) => a + r.size_bytes, 0);
    // Room for everything but three alerts (the info one and two of the three lows), once the dropped events' reserve (1 KiB each) is counted.
    const max = total - size('I1') - size('L1') - size('L2') + 1;
    const counters = new Counters();
    const result = enforceOutboxLimit(s, max + 2 * 1024, new Date(t0 + 1000), counters);
    expect(result?.rows).toBe(3);
    expect(s.db.prepare("SELECT message_id FROM outbox WHERE kind = 'alert' ORDER BY message_id").all().map((r) => (r as { message_id: string }).message_id)).toEqual(['H1', 'L3', 'M1', 'M2']);
    const dropped = s.db.prepare("SELECT destination, severity, payload FROM outbox WHERE kind = 'delivery_dropped' ORDER BY destination").all() as { destination: string; severity: string; payload: unknown }[];
    expect(dropped.map((r) => [r.destination, r.severity, JSON.parse(decodeStoredText(r.payload)).groundwatch.delivery.dropped])).toEqual([
      ['d', 'high', { total: 2, by_severity: { low: 2 } }],
      ['e', 'high', { total: 1, by_severity: { info: 1 } }],
    ]);
    expect(JSON.parse(decodeStoredText(dropped[0]!.payload)).event).toMatchObject({ kind: 'event', dataset: 'groundwatch.delivery', action: 'delivery-dropped' });
    expect(counters.get('delivery.dropped')).toBe(3);
    expect(s.pendingTotals().bytes).toBeLessThanOrEqual(max + 2 * 1024);
  });

  it('through the store: commits keep the pending bytes under the bound across many flushes, shedding the lowest severities', async () => {
    const path = tempDb();
    const db = openStore(path);
    const counters = new Counters();
    const maxBytes = 40 * 1024;
    const writer = new OutboxWriter(db, { routes: [{ label: 'd', minSeverity: 'info' }], maxBytes, counters });
    const sink = new SqliteSink(db, { outbox: writer, batchSize: 10 });
    for (let i = 0; i < 200; i++) {
      sink.write(makeAlert({ id: `A${i}`, uid: `C${i}`, severity: i % 2 === 0 ? 'low' : 'critical' }));
      if (sink.needsFlush()) sink.flushSync();
      const pending = (db.prepare("SELECT COALESCE(SUM(size_bytes), 0) AS b FROM outbox WHERE state = 'pending'").get() as { b: number }).b;
      expect(pending).toBeLessThanOrEqual(maxBytes + 10 * 2048);
    }
    await sink.close();
    const kept = rawRows(path, "SELECT severity, COUNT(*) AS n FROM outbox WHERE kind = 'alert' GROUP BY severity ORDER BY severity") as { severity: string; n: number }[];
    // Every low went before any critical.
    expect(kept.map((k) => k.severity)).toEqual(['critical']);
    expect(counters.get('delivery.dropped')).toBe(200 - kept[0]!.n);
    const dropped = rawRows(path, "SELECT payload FROM outbox WHERE kind = 'delivery_dropped'") as { payload: unknown }[];
    const total = dropped.reduce((a, r) => a + (JSON.parse(decodeStoredText(r.payload)).groundwatch.delivery.dropped.total as number), 0);
    expect(total).toBe(200 - kept[0]!.n);
  });

  it('under the bound nothing is shed', () => {
    const s = store(tempDb());
    enqueueAlerts(s, 'd', ['A1', 'A2'], 'info');
    expect(enforceOutboxLimit(s, 1 << 20, new Date())).toBeUndefined();
    expect(s.pendingTotals().rows).toBe(2);
  });
});

describe('marking delivered while the store writer holds the write lock', () => {
  /** The sqlite3 shell's view of the file (another process: it sees what is committed). */
  function shellStates(path: string): string {
    const r = spawnSync('sqlite3', ['-batch', path, 'SELECT rowid, state FROM outbox ORDER BY rowid'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3 failed (apt-get install sqlite3): ${r.stderr}`);
    return r.stdout.trim();
  }

  it('does not wait for the lock, never hands the row out again, and marks it once the lock is free', () => {
    const path = tempDb();
    const s = store(path);
    enqueueAlerts(s, 'w', ['a1', 'a2', 'a3']);
    const [first, second, third] = s.due('w', Date.now() + 1000, 10).map((r) => r.rowid) as [number, number, number];
    // Another connection (the writer thread's, in a run) holds the write lock; this one would wait 5 s for it.
    const writer = new Database(path);
    writer.exec('BEGIN IMMEDIATE');
    const t0 = Date.now();
    s.markDelivered([first], Date.now());
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.unmarkedCount).toBe(1);
    expect(s.due('w', Date.now() + 1000, 10).map((r) => r.rowid)).toEqual([second, third]);
    expect(s.due('w', Date.now() + 1000, 1).map((r) => r.rowid)).toEqual([second]);
    expect(shellStates(path)).toBe(`${first}|pending\n${second}|pending\n${third}|pending`);
    writer.exec('COMMIT');
    writer.close();
    // The next look at what is due marks it.
    expect(s.due('w', Date.now() + 1000, 10).map((r) => r.rowid)).toEqual([second, third]);
    expect(s.unmarkedCount).toBe(0);
    expect(shellStates(path)).toBe(`${first}|delivered\n${second}|pending\n${third}|pending`);
    expect(s.pendingTotals().rows).toBe(2);
  });
});
