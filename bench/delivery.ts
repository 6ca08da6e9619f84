/**
 * Delivery bench (issue 14), printed as one JSON line last:
 *  1. cost per alert of the outbox: the store's commit with vs without outbox rows, and
 *     the dispatcher delivering to an in-process acknowledging transport and to a local
 *     HTTP webhook receiver (each checked: every id arrives);
 *  2. replay rate of a generated capture with no destination vs a destination that
 *     hangs (accepts the connection, never answers): capture must not slow.
 *
 *   npx vite-node bench/delivery.ts -- --capture bench/work/bench-100000.pcap --rounds 3
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Counters } from '../src/counters.js';
import { Dispatcher } from '../src/delivery/dispatcher.js';
import { OutboxStore } from '../src/delivery/outbox-store.js';
import { OutboxWriter } from '../src/delivery/outbox-writer.js';
import { deliveryTargets } from '../src/delivery/targets.js';
import type { DeliveryOutcome, OutgoingMessage, Transport } from '../src/delivery/transport.js';
import { SqliteSink } from '../src/sinks/sqlite-sink.js';
import { openStore } from '../src/sinks/sqlite-store.js';
import { makeAlert } from '../test/sinks/fixtures.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const ALERTS = Number(opt('alerts', '5000'));
const ROUNDS = Number(opt('rounds', '3'));
const CAPTURE = opt('capture', '');
const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-delivery-'));

function fail(message: string): never {
  process.stderr.write(`bench delivery: FAILED: ${message}\n`);
  process.exit(1);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Store commit time for ALERTS alerts, with or without one outbox row each. */
function storeCost(withOutbox: boolean, round: number): number {
  const path = join(tmp, `store-${withOutbox}-${round}.db`);
  const db = openStore(path);
  const counters = new Counters();
  const outbox = withOutbox ? new OutboxWriter(db, { routes: [{ label: 'bench', minSeverity: 'info' }], maxBytes: 1 << 30, counters }) : undefined;
  const sink = new SqliteSink(db, { counters, ...(outbox ? { outbox } : {}) });
  const alerts = Array.from({ length: ALERTS }, (_, i) => makeAlert({ id: `A${i}`, uid: `C${i}` }));
  const t0 = process.hrtime.bigint();
  for (const a of alerts) {
    sink.write(a);
    if (sink.needsFlush()) sink.flushSync();
  }
  sink.flushSync();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  const check = new Database(path, { readonly: true });
  const n = (check.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  check.close();
  if (n !== (withOutbox ? ALERTS : 0)) fail(`outbox rows ${n}`);
  return ms;
}

class AckTransport implements Transport {
  readonly label = 'bench';
  readonly ids = new Set<string>();
  send(m: OutgoingMessage): Promise<DeliveryOutcome> {
    this.ids.add(m.id);
    return Promise.resolve({ kind: 'acknowledged' });
  }
  async close(): Promise<void> {}
}

async function dispatchCost(transport: Transport | 'webhook', round: number): Promise<number> {
  const db = openStore(join(tmp, `dispatch-${round}-${transport === 'webhook' ? 'wh' : 'mem'}.db`));
  let server: http.Server | undefined;
  const received = new Set<string>();
  let targets;
  if (transport === 'webhook') {
    server = http.createServer((req, res) => {
      received.add(String(req.headers['webhook-id']));
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    targets = deliveryTargets([`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`]);
  } else {
    targets = [{ route: { label: 'bench', minSeverity: 'info' as const }, transport }];
  }
  const store = new OutboxStore(db);
  const label = targets[0]!.route.label;
  db.transaction(() => {
    for (let i = 0; i < ALERTS; i++) {
      const a = makeAlert({ id: `A${i}`, uid: `C${i}` });
      store.enqueue(label, { id: a.event.id, kind: 'alert', severity: 'high', timestamp: new Date().toISOString(), json: JSON.stringify(a), summary: {} }, Date.now());
    }
  })();
  const d = new Dispatcher(store, targets, { counters: new Counters(), warn: (l) => process.stderr.write(`${l}\n`), pollMs: 5 });
  const t0 = process.hrtime.bigint();
  const r = await d.drain(120_000);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await d.stop();
  db.close();
  server?.close();
  const got = transport === 'webhook' ? received.size : (transport as AckTransport).ids.size;
  if (r.undelivered !== 0 || got !== ALERTS) fail(`delivered ${got} of ${ALERTS}`);
  return ms;
}

function replaySeconds(extra: string[], db: string): Promise<{ seconds: number; code: number | null; alerts: number }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['dist/cli/main.js', 'replay', CAPTURE, '--db', db, '--format', 'ndjson', '--fail-on', 'never', '--no-summary', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (const b of d) if (b === 10) lines++;
    });
    child.stderr.resume();
    child.on('close', (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, alerts: lines }));
  });
}

async function main(): Promise<void> {
  const store = { without: [] as number[], with: [] as number[] };
  const mem: number[] = [];
  const wh: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    store.without.push(storeCost(false, r));
    store.with.push(storeCost(true, r));
    mem.push(await dispatchCost(new AckTransport(), r));
    wh.push(await dispatchCost('webhook', r));
  }
  const perAlertUs = (ms: number) => (ms * 1000) / ALERTS;
  const result: Record<string, unknown> = {
    alerts: ALERTS,
    rounds: ROUNDS,
    store_commit_us_per_alert: { without_outbox: perAlertUs(median(store.without)), with_outbox: perAlertUs(median(store.with)) },
    dispatch_us_per_alert: { in_process_ack: perAlertUs(median(mem)), local_webhook: perAlertUs(median(wh)) },
  };
  if (CAPTURE) {
    // A receiver that accepts connections and never answers: every send hangs until its timeout.
    const hang = http.createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/hook?timeout_ms=600000`;
    // A receiver that answers 200 at once: the outbox's own cost, apart from any hang.
    const ok = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((r) => ok.listen(0, '127.0.0.1', r));
    const okUrl = `http://127.0.0.1:${(ok.address() as AddressInfo).port}/hook`;
    const none: number[] = [];
    const healthy: number[] = [];
    const hanging: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await replaySeconds([], join(tmp, `replay-none-${r}.db`));
      if (a.code !== 0) fail(`replay without destination exited ${a.code}`);
      none.push(a.seconds);
      const h = await replaySeconds(['--deliver', okUrl, '--deliver-timeout', '0'], join(tmp, `replay-ok-${r}.db`));
      if (h.alerts !== a.alerts) fail(`replay with a healthy destination: ${h.alerts} alerts vs ${a.alerts}`);
      healthy.push(h.seconds);
      const b = await replaySeconds(['--deliver', url, '--deliver-timeout', '0'], join(tmp, `replay-hang-${r}.db`));
      // Exit 3: nothing could be delivered (the destination hangs); every alert still reached stdout and the store.
      if (b.code !== 3 || b.alerts !== a.alerts) fail(`replay with a hanging destination exited ${b.code}, ${b.alerts} alerts vs ${a.alerts}`);
      hanging.push(b.seconds);
    }
    hang.closeAllConnections();
    hang.close();
    ok.closeAllConnections();
    ok.close();
    result['replay_seconds'] = {
      capture: CAPTURE,
      alerts: (await replaySeconds([], join(tmp, 'count.db'))).alerts,
      no_destination: median(none),
      healthy_destination: median(healthy),
      hanging_destination: median(hanging),
      hanging_vs_healthy: median(hanging) / median(healthy),
      hanging_vs_none: median(hanging) / median(none),
    };
  }
  rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
