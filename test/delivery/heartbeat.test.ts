/**
 * Heartbeats: one per active destination per beat, carrying capture health (received,
 * dropped, open gaps, outbox backlog); the heartbeat and delivery.dropped records conform
 * to ECS (checked against @elastic/ecs's own field definitions).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { droppedMessage, heartbeatMessage } from '../../src/delivery/delivery-records.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { HeartbeatTimer } from '../../src/delivery/heartbeat-timer.js';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import { alertMessage } from '../../src/delivery/outgoing.js';
import { openStore, type StoreDb } from '../../src/sinks/sqlite-store.js';
import { decodeStoredText } from '../../src/sinks/stored-record.js';
import { ecsViolations } from '../support/ecs-conformance.js';
import { makeAlert } from '../sinks/fixtures.js';
import { ScriptedTransport } from './fake-transport.js';

const dbs: StoreDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

describe('heartbeats', () => {
  it('one per active destination with capture health and the outbox backlog; a disabled destination gets none', async () => {
    const db = openStore(join(mkdtempSync(join(tmpdir(), 'gw-hb-')), 'store.db'));
    dbs.push(db);
    const store = new OutboxStore(db);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    store.enqueue('a', alertMessage(makeAlert({ id: 'A1' })), t0 - 90_000);
    const counters = new Counters();
    counters.inc('packets.received', 1234);
    counters.inc('capture.dropped', 7);
    const gone = new ScriptedTransport('gone', [{ kind: 'disabled', reason: 'HTTP 410' }]);
    store.enqueue('gone', alertMessage(makeAlert({ id: 'A1' })), t0 - 90_000);
    const dispatcher = new Dispatcher(store, [
      { route: { label: 'a', minSeverity: 'info' }, transport: new ScriptedTransport('a', ['hang']) },
      { route: { label: 'b', minSeverity: 'critical' }, transport: new ScriptedTransport('b', ['hang']) },
      { route: { label: 'gone', minSeverity: 'info' }, transport: gone },
    ], { counters, warn: () => {}, pollMs: 5 });
    await dispatcher.queues[2]!.pumpOnce();
    expect(dispatcher.queues[2]!.disabled).toBe(true);
    const timer = new HeartbeatTimer(store, dispatcher.queues, { intervalMs: 60_000, runId: 'R1', mode: 'monitor', interfaceName: 'eth1', counters, maxBytes: 1 << 20, openGaps: () => 1, atStart: false });
    timer.beat(new Date(t0));
    const rows = db.prepare("SELECT destination, severity, ts, payload FROM outbox WHERE kind = 'heartbeat' ORDER BY destination").all() as { destination: string; severity: string; ts: string; payload: unknown }[];
    expect(rows.map((r) => [r.destination, r.severity, r.ts])).toEqual([
      ['a', 'info', '2026-01-01T00:00:00.000Z'],
      ['b', 'info', '2026-01-01T00:00:00.000Z'],
    ]);
    const record = JSON.parse(decodeStoredText(rows[0]!.payload)) as Record<string, any>;
    expect(record['event']).toMatchObject({ kind: 'state', dataset: 'groundwatch.heartbeat' });
    expect(record['observer']).toMatchObject({ ingress: { interface: { name: 'eth1' } } });
    expect(record['groundwatch']).toEqual({
      run_id: 'R1',
      heartbeat: { mode: 'monitor', interval_s: 60, capture: { received: 1234, dropped: 7, open_gaps: 1, outbox_pending: 1, outbox_pending_bytes: expect.any(Number), outbox_oldest_pending_s: 90 } },
    });
    expect(counters.get('delivery.heartbeats')).toBe(2);
    await dispatcher.stop();
  });

  it('the heartbeat and delivery.dropped records conform to ECS', () => {
    const hb = heartbeatMessage({ runId: 'R1', mode: 'monitor', hostname: 'box-17', intervalSeconds: 300, interfaceName: 'eth1' }, { received: 1, dropped: 0, open_gaps: 0, outbox_pending: 0, outbox_pending_bytes: 0, outbox_oldest_pending_s: 0 }, new Date());
    const dropped = droppedMessage('https://siem.example/hook', { low: 3, info: 1 }, 1 << 20, new Date());
    expect(ecsViolations(JSON.parse(hb.json) as Record<string, unknown>)).toEqual([]);
    expect(ecsViolations(JSON.parse(dropped.json) as Record<string, unknown>)).toEqual([]);
    expect(hb.id).not.toBe(heartbeatMessage({ runId: 'R1', mode: 'monitor', hostname: 'h', intervalSeconds: 300 }, { received: 1, dropped: 0, open_gaps: 0, outbox_pending: 0, outbox_pending_bytes: 0, outbox_oldest_pending_s: 0 }, new Date()).id);
  });
});
