/**
 * The outbox driving the real webhook transport against a Node HTTP receiver that
 * misbehaves: 500, 429 with Retry-After, a hang (cut by the transport's timeout), a
 * reset, then 200: every message arrives, acknowledged once each; 410 disables the
 * destination once; a 3xx is not followed (the redirect target never sees a request).
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
import { openStore, type StoreDb } from '../../src/sinks/sqlite-store.js';
import { makeAlert } from '../sinks/fixtures.js';
import { HttpReceiver } from './http-receiver.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(script: ConstructorParameters<typeof HttpReceiver>[0], ids: string[], url = (port: number) => `http://127.0.0.1:${port}/hook?timeout_ms=300`) {
  const receiver = new HttpReceiver(script);
  const port = await receiver.listen();
  cleanup.push(() => receiver.close());
  const db: StoreDb = openStore(join(mkdtempSync(join(tmpdir(), 'gw-wh-')), 'store.db'));
  cleanup.push(() => {
    db.close();
  });
  const store = new OutboxStore(db);
  const targets = deliveryTargets([url(port)]);
  const label = targets[0]!.route.label;
  ids.forEach((id, i) => store.enqueue(label, alertMessage(makeAlert({ id, uid: `C${i}` })), Date.now()));
  const counters = new Counters();
  const warnings: string[] = [];
  const dispatcher = new Dispatcher(store, targets, { counters, warn: (l) => warnings.push(l), backoff: { baseMs: 20, capMs: 50 }, pollMs: 10 });
  cleanup.push(() => dispatcher.stop());
  return { receiver, store, dispatcher, counters, warnings, label, port };
}

describe('webhook faults through the outbox', () => {
  it('500, 429 Retry-After, hang, reset, then 200: all arrive, each acknowledged once', async () => {
    const ids = ['A1', 'A2', 'A3'];
    const { receiver, store, dispatcher, counters } = await setup(
      [{ status: 500 }, { status: 429, headers: { 'Retry-After': '1' } }, 'hang', 'reset', { status: 200 }, { status: 200 }, { status: 200 }],
      ids,
    );
    const started = Date.now();
    expect(await dispatcher.drain(15_000)).toEqual({ undelivered: 0, timedOut: false });
    // Retry-After: 1 s is honoured (the backoff alone is at most 50 ms a step).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(receiver.requests).toEqual(['A1', 'A1', 'A1', 'A1', 'A1', 'A2', 'A3']);
    expect(receiver.accepted).toEqual(ids);
    expect(new Set(receiver.accepted).size).toBe(ids.length);
    expect(counters.get('delivery.retried')).toBe(4);
    expect(counters.get('delivery.delivered')).toBe(3);
    expect(store.db.prepare("SELECT message_id, state, attempts FROM outbox ORDER BY message_id").all()).toEqual([
      { message_id: 'A1', state: 'delivered', attempts: 5 },
      { message_id: 'A2', state: 'delivered', attempts: 1 },
      { message_id: 'A3', state: 'delivered', attempts: 1 },
    ]);
  });

  it('410 disables the destination once; nothing more is sent to it', async () => {
    const { receiver, dispatcher, counters, warnings, store } = await setup([{ status: 410 }], ['A1', 'A2']);
    await dispatcher.drain(2000);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toEqual(['A1']);
    expect(warnings.filter((w) => w.includes('DELIVERY_DISABLED'))).toHaveLength(1);
    expect(counters.get('delivery.disabled')).toBe(1);
    expect(store.db.prepare("SELECT DISTINCT state FROM outbox").all()).toEqual([{ state: 'disabled' }]);
  });

  it('a 3xx is a failure and is not followed', async () => {
    const target = new HttpReceiver();
    const targetPort = await target.listen();
    cleanup.push(() => target.close());
    const { receiver, dispatcher, store } = await setup([{ status: 307, headers: { Location: `http://127.0.0.1:${targetPort}/elsewhere` } }], ['A1']);
    expect(await dispatcher.drain(2000)).toEqual({ undelivered: 0, timedOut: false });
    expect(receiver.requests).toEqual(['A1', 'A1']);
    expect(target.requests).toEqual([]);
    expect(store.db.prepare("SELECT attempts FROM outbox").get()).toEqual({ attempts: 2 });
  });
});
