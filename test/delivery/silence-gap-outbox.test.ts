/**
 * Issue 15: a `no_traffic` gap (the silence detector's) is "delivered like an alert once
 * delivery exists". The daemon writes the detector's gaps through the same sink as capture's
 * own gaps (monitor.ts: session.sinks.write(buildCaptureGapRecord(...))), so this drives the
 * detector's events into that path: SqliteSink with the OutboxWriter, as delivery.writerFor builds it.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { buildCaptureGapRecord } from '../../src/daemon/capture-gap.js';
import { SilenceDetector } from '../../src/daemon/silence-detector.js';
import { OutboxWriter } from '../../src/delivery/outbox-writer.js';
import { SqliteSink } from '../../src/sinks/sqlite-sink.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { decodeStoredText } from '../../src/sinks/stored-record.js';
import { makeRun } from '../sinks/fixtures.js';

describe('silence gaps go to the outbox', () => {
  it('a no_traffic gap is queued to every destination when it opens and again when it closes, whatever min_severity', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-silence-outbox-')), 'store.db');
    const db = openStore(path);
    const writer = new OutboxWriter(db, {
      routes: [{ label: 'all', minSeverity: 'info' }, { label: 'critical-only', minSeverity: 'critical' }],
      maxBytes: 1 << 20,
      counters: new Counters(),
    });
    const sink = new SqliteSink(db, { outbox: writer });
    sink.startRun(makeRun('R1'));
    const t0 = Date.parse('2026-12-01T10:00:00.000Z');
    const detector = new SilenceDetector('eth7', 60, { gap: (g) => sink.write(buildCaptureGapRecord(g, 'R1')), log: () => {} }, t0);
    detector.check(t0 + 59_000, false);
    detector.check(t0 + 61_000, false); // 61 s without a packet: opens, starting at t0
    detector.packets(t0 + 90_000); // traffic resumes: closes
    await sink.close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT destination, message_id, kind, severity, state, payload FROM outbox ORDER BY destination, rowid').all() as
      { destination: string; message_id: string; kind: string; severity: string; state: string; payload: unknown }[];
    const gapRows = raw.prepare("SELECT reason, ts_start, ts_end FROM capture_gaps ORDER BY rowid").all();
    raw.close();
    expect(gapRows).toEqual([
      { reason: 'no_traffic', ts_start: expect.stringMatching(/^2026-12-01T10:00:00/), ts_end: null },
      { reason: 'no_traffic', ts_start: expect.stringMatching(/^2026-12-01T10:00:00/), ts_end: expect.stringMatching(/^2026-12-01T10:01:30/) },
    ]);
    expect(rows.map((r) => [r.destination, r.kind, r.severity, r.state, r.message_id.endsWith(':open') ? 'open' : r.message_id.endsWith(':closed') ? 'closed' : r.message_id])).toEqual([
      ['all', 'capture_gap', 'medium', 'pending', 'open'],
      ['all', 'capture_gap', 'medium', 'pending', 'closed'],
      ['critical-only', 'capture_gap', 'medium', 'pending', 'open'],
      ['critical-only', 'capture_gap', 'medium', 'pending', 'closed'],
    ]);
    const sent = JSON.parse(decodeStoredText(rows[1]!.payload)) as { event: { dataset: string }; groundwatch: { gap: { reason: string; interface: string; start: string; end?: string } } };
    expect(sent.event.dataset).toBe('groundwatch.capture_gap');
    expect(sent.groundwatch.gap).toMatchObject({ reason: 'no_traffic', interface: 'eth7' });
    expect(Date.parse(sent.groundwatch.gap.start)).toBe(t0);
    expect(Date.parse(sent.groundwatch.gap.end!)).toBe(t0 + 90_000);
  });
});
