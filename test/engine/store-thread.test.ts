/**
 * The pipeline's side of the store's writer thread (engine/store-thread.ts), against stand-in
 * writers (store-fakes/) that speak its messages: flush() hands a batch on without waiting for
 * its commit, and waits only beyond MAX_BATCHES_IN_FLIGHT; a failed commit surfaces on a later
 * call; a writer that dies is a STORE_WORKER_FAILED rejection, never a wait that does not end.
 * The end-to-end behaviour (same rows as in-thread, disk full, crash) is in store-worker-cli.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { MAX_BATCHES_IN_FLIGHT, StoreThread } from '../../src/engine/store-thread.js';
import type { StoreWorkerSetup } from '../../src/engine/store-messages.js';
import type { GroundwatchRecord } from '../../src/records/ecs.js';

const GATED = new URL('./store-fakes/gated-writer.mjs', import.meta.url);
const DYING = new URL('./store-fakes/dying-writer.mjs', import.meta.url);
const threads: StoreThread[] = [];

afterEach(async () => {
  for (const t of threads.splice(0)) await t.abort();
});

function open(workerUrl: URL, extra: Record<string, unknown> = {}): { thread: StoreThread; counters: Counters; drops: number[] } {
  const counters = new Counters();
  const drops: number[] = [];
  const setup = { dbPath: ':memory:', sinkName: 'sqlite', ...extra } as StoreWorkerSetup;
  const thread = new StoreThread({ setup, counters, onDrop: (n) => drops.push(n), warn: () => undefined, onCheckpoint: () => undefined, workerUrl });
  threads.push(thread);
  return { thread, counters, drops };
}

const record = (i: number) => ({ event: { dataset: 'groundwatch.flow' }, n: i }) as unknown as GroundwatchRecord;

/** Whether the promise has settled within `ms`. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return done;
}

describe('store writer thread, pipeline side', () => {
  it('flush() does not wait for commits until more than two batches are unanswered; the replies bring the counters', async () => {
    const gate = new SharedArrayBuffer(4);
    const { thread, counters } = open(GATED, { gate });
    await thread.opened;
    expect(MAX_BATCHES_IN_FLIGHT).toBe(2);
    // Two batches in flight with the writer holding every reply: each flush returns at once.
    for (let b = 0; b < MAX_BATCHES_IN_FLIGHT; b++) {
      thread.write(record(b));
      expect(await settledWithin(thread.flush(), 200)).toBe(true);
    }
    // The third would exceed the bound: this flush waits for the writer.
    thread.write(record(2));
    const third = thread.flush();
    expect(await settledWithin(third, 300)).toBe(false);
    expect(counters.get('delivery.queued')).toBe(0);
    const view = new Int32Array(gate);
    Atomics.store(view, 0, 1);
    Atomics.notify(view, 0);
    await third;
    await thread.whenWritten();
    // One gain per record, from the writer's replies.
    expect(counters.get('delivery.queued')).toBe(3);
  });

  it('a failed commit rejects a later call once; while failing, a flush waits for its retry and recovers', async () => {
    const { thread } = open(GATED, { failIds: [1] });
    await thread.opened;
    thread.write(record(0));
    await thread.flush(); // posted, not waited for
    await expect(thread.whenWritten()).rejects.toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    // Reported once: the next flush retries (batch 2 succeeds in the stand-in) and resolves.
    thread.write(record(1));
    await expect(thread.flush()).resolves.toBeUndefined();
    await expect(thread.whenWritten()).resolves.toBeUndefined();
  });

  it('abandonUnwritten on a failing store counts what the writer still holds, at once', async () => {
    const { thread, counters, drops } = open(GATED, { failIds: [1] });
    await thread.opened;
    for (let i = 0; i < 5; i++) thread.write(record(i));
    await thread.flush();
    await expect(thread.whenWritten()).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    thread.write(record(5)); // not flushed: still on this side
    thread.abandonUnwritten();
    expect(counters.get('sink.sqlite.dropped')).toBe(6);
    expect(drops).toEqual([6]);
  });

  for (const how of ['throw', 'exit'] as const) {
    it(`a writer that dies (${how}) fails every later flush and close with STORE_WORKER_FAILED`, async () => {
      const { thread } = open(DYING, { how });
      await thread.opened;
      thread.write(record(0));
      await thread.flush();
      await thread.whenWritten();
      thread.write(record(1));
      await thread.flush().catch(() => undefined);
      const error = await thread.whenWritten().then(
        () => undefined,
        (err: unknown) => err,
      );
      const reason = how === 'throw' ? /boom in the store writer/ : /exited \(code 3\)/;
      expect(error).toMatchObject({ code: 'STORE_WORKER_FAILED', message: expect.stringMatching(reason) });
      await expect(thread.flush()).rejects.toMatchObject({ code: 'STORE_WORKER_FAILED' });
      expect(thread.failure?.code).toBe('STORE_WORKER_FAILED');
      await expect(thread.close()).rejects.toMatchObject({ code: 'STORE_WORKER_FAILED' });
    });
  }
});
