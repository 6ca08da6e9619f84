/**
 * The outbox against a real rsyslog restarted mid-stream (RELP, whose `rsp 200` is the
 * acknowledgement): messages queued while it is down are retried with backoff and all
 * arrive; every id is acknowledged, none is lost. rsyslog's output is the oracle.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import { alertMessage } from '../../src/delivery/outgoing.js';
import { deliveryTargets } from '../../src/delivery/targets.js';
import { openStore } from '../../src/sinks/sqlite-store.js';
import { startRsyslog, type RsyslogServer } from '../support/rsyslog.js';
import { makeAlert } from '../sinks/fixtures.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('outbox -> RELP -> rsyslog restarted mid-stream', () => {
  it('every message arrives; the restart costs retries, not messages', async () => {
    const rsyslog: RsyslogServer = await startRsyslog({ relp: true });
    cleanup.push(() => rsyslog.stop());
    const db = openStore(join(mkdtempSync(join(tmpdir(), 'gw-relp-restart-')), 'store.db'));
    cleanup.push(() => {
      db.close();
    });
    const store = new OutboxStore(db);
    const targets = deliveryTargets([`relp://127.0.0.1:${rsyslog.ports.relp}?timeout_ms=2000`]);
    const label = targets[0]!.route.label;
    const ids = Array.from({ length: 300 }, (_, i) => `A${String(i).padStart(3, '0')}`);
    const enqueue = (from: number, to: number) => {
      for (const id of ids.slice(from, to)) store.enqueue(label, alertMessage(makeAlert({ id, uid: `C${id}` })), Date.now());
    };
    enqueue(0, 100);
    const counters = new Counters();
    const dispatcher = new Dispatcher(store, targets, { counters, warn: () => {}, backoff: { baseMs: 100, capMs: 500 }, pollMs: 20 });
    cleanup.push(() => dispatcher.stop());
    dispatcher.start();
    await rsyslog.waitForMessages(50);
    await rsyslog.stopProcess();
    enqueue(100, 200);
    await new Promise((r) => setTimeout(r, 1000));
    await rsyslog.startProcess();
    enqueue(200, 300);
    expect(await dispatcher.drain(30_000)).toEqual({ undelivered: 0, timedOut: false });
    await rsyslog.waitForMessages(ids.length);
    const got = rsyslog.readMessages().map((m) => m.sd['groundwatch@32473']?.['alert_id']);
    expect([...new Set(got)].sort()).toEqual(ids);
    expect(counters.get('delivery.delivered')).toBe(ids.length);
    expect(counters.get('delivery.retried')).toBeGreaterThan(0);
  }, 60_000);
});
