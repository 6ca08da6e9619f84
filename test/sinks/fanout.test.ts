import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { GroundwatchRecord } from '../../src/records/ecs.js';
import { SINK_RETRY_FIRST_MS, SINK_RETRY_MAX_MS, SinkFanout } from '../../src/sinks/fanout.js';
import type { Sink } from '../../src/sinks/sink.js';
import { makeAlert, makeRun } from './fixtures.js';

class MemorySink implements Sink {
  written: string[] = [];
  runs: string[] = [];
  failWrites = false;
  failFlush = false;
  constructor(readonly name: string) {}
  write(rec: GroundwatchRecord): void {
    if (this.failWrites) throw new Error(`${this.name}: disk full`);
    this.written.push(rec.event.id ?? '?');
  }
  startRun(run: { id: string }): void {
    if (this.failWrites) throw new Error('down');
    this.runs.push(run.id);
  }
  async flush(): Promise<void> {
    if (this.failFlush) throw new Error(`${this.name}: flush failed`);
  }
  async close(): Promise<void> {}
}

function setup(queueLimit?: number) {
  const a = new MemorySink('a');
  const b = new MemorySink('b');
  const counters = new Counters();
  const errors: [string, unknown][] = [];
  const drops: [string, number][] = [];
  // A clock the test moves: a failing sink is retried only once its backoff is over.
  const clock = { t: 0, pastBackoff: () => (clock.t += SINK_RETRY_MAX_MS) };
  const fanout = new SinkFanout([a, b], {
    counters,
    onError: (s, e) => errors.push([s, e]),
    onDrop: (s, n) => drops.push([s, n]),
    now: () => clock.t,
    ...(queueLimit ? { queueLimit } : {}),
  });
  return { a, b, counters, errors, drops, clock, fanout };
}

const alert = (id: string) => makeAlert({ id });

describe('SinkFanout', () => {
  it('isolates a throwing sink: the other gets every record, error reported once', async () => {
    const { a, b, counters, errors, clock, fanout } = setup();
    a.failWrites = true;
    for (const id of ['1', '2', '3']) expect(() => fanout.write(alert(id))).not.toThrow();
    await fanout.flush();
    expect(b.written).toEqual(['1', '2', '3']);
    expect(a.written).toEqual([]);
    expect(errors.map(([s]) => s)).toEqual(['a']);
    expect(counters.get('sink.a.errors')).toBe(1); // the write; the flush right after is within the backoff
    clock.pastBackoff();
    await fanout.flush();
    expect(counters.get('sink.a.errors')).toBe(2); // the retry
    expect(errors.map(([s]) => s)).toEqual(['a']);
    expect(counters.get('sink.b.errors')).toBe(0);
  });

  it('writes the queued records in order once the sink recovers', async () => {
    const { a, errors, clock, fanout } = setup();
    a.failWrites = true;
    fanout.startRun(makeRun('R9'));
    fanout.write(alert('1'));
    fanout.write(alert('2'));
    await fanout.flush();
    a.failWrites = false;
    fanout.write(alert('3'));
    expect(a.written).toEqual([]); // still behind the queue, order kept
    await fanout.flush();
    expect(a.written).toEqual([]); // not retried before its backoff is over
    clock.pastBackoff();
    await fanout.flush();
    expect(a.runs).toEqual(['R9']);
    expect(a.written).toEqual(['1', '2', '3']);
    expect(fanout.queued()).toEqual({ a: 0, b: 0 });
    expect(errors).toHaveLength(1);
  });

  it('reports a new failure episode after a recovery', async () => {
    const { a, errors, clock, fanout } = setup();
    a.failWrites = true;
    fanout.write(alert('1'));
    a.failWrites = false;
    clock.pastBackoff();
    await fanout.flush();
    a.failWrites = true;
    fanout.write(alert('2'));
    fanout.write(alert('3'));
    expect(errors).toHaveLength(2);
  });

  it('counts the oldest records dropped beyond the bound', async () => {
    const { a, b, counters, drops, clock, fanout } = setup(5);
    a.failWrites = true;
    for (let i = 1; i <= 8; i++) fanout.write(alert(String(i)));
    expect(counters.get('sink.a.dropped')).toBe(3);
    expect(drops).toEqual([['a', 1], ['a', 1], ['a', 1]]);
    a.failWrites = false;
    clock.pastBackoff();
    await fanout.flush();
    expect(a.written).toEqual(['4', '5', '6', '7', '8']);
    expect(b.written).toHaveLength(8);
    expect(counters.get('sink.b.dropped')).toBe(0);
  });

  it('a rejecting flush is reported once per episode and never rejects to the caller', async () => {
    const { b, counters, errors, clock, fanout } = setup();
    b.failFlush = true;
    fanout.write(alert('1'));
    await expect(fanout.flush()).resolves.toBeUndefined();
    clock.pastBackoff();
    await expect(fanout.flush()).resolves.toBeUndefined();
    expect(errors).toEqual([['b', expect.any(Error)]]);
    expect(counters.get('sink.b.errors')).toBe(2);
    b.failFlush = false;
    clock.pastBackoff();
    await fanout.flush();
    b.failFlush = true;
    await fanout.flush();
    expect(errors).toHaveLength(2);
  });

  it('retries a failing sink with exponential backoff, not once per flush', async () => {
    const { b, counters, clock, fanout } = setup();
    b.failFlush = true;
    fanout.write(alert('1'));
    const attempts: number[] = [];
    // A flush every 10 ms for 4 s, as a fast replay would (one per batch).
    for (clock.t = 0; clock.t <= 4000; clock.t += 10) {
      const before = counters.get('sink.b.errors');
      await fanout.flush();
      if (counters.get('sink.b.errors') > before) attempts.push(clock.t);
    }
    // 250 ms doubling: tried at 0, then 250, 500 and 1000 ms after each failure.
    const f = SINK_RETRY_FIRST_MS;
    expect(attempts).toEqual([0, f, 3 * f, 7 * f, 15 * f]);
    expect(fanout.needsFlush()).toBe(false); // backing off: no reason to make the producer wait
  });

  it('survives an error reporter that throws', () => {
    const a = new MemorySink('a');
    a.failWrites = true;
    const fanout = new SinkFanout([a], { counters: new Counters(), onError: () => { throw new Error('reporter broke'); } });
    expect(() => fanout.write(alert('1'))).not.toThrow();
  });
});

describe('SinkFanout.accepts', () => {
  const only = (name: string, taken: string[]): Sink => ({
    name,
    accepts: (dataset) => taken.includes(dataset),
    write: () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
  });
  const opts = { counters: new Counters(), onError: () => undefined };

  it('takes a dataset when some sink does; a sink that does not say takes every dataset', () => {
    const fanout = new SinkFanout([only('alerts', ['groundwatch.alert']), only('flows', ['groundwatch.flow'])], opts);
    expect(fanout.accepts('groundwatch.alert')).toBe(true);
    expect(fanout.accepts('groundwatch.flow')).toBe(true);
    expect(fanout.accepts('groundwatch.dns')).toBe(false);
    const withPlain = new SinkFanout([only('alerts', ['groundwatch.alert']), new MemorySink('plain')], opts);
    expect(withPlain.accepts('groundwatch.dns')).toBe(true);
    expect(new SinkFanout([], opts).accepts('groundwatch.alert')).toBe(false);
  });
});

describe('SinkFanout with a sink that writes after flush', () => {
  it('settle and close wait for what a sink writes after flush (whenWritten), not a plain flush; a failure there is the sink failing before the final count', async () => {
    /** Like the store's writer thread: flush() hands the work on; the outcome comes later. */
    class DeferredSink extends MemorySink {
      waited = 0;
      abandoned = 0;
      failLater = false;
      async whenWritten(): Promise<void> {
        this.waited++;
        if (this.failLater) throw new Error(`${this.name}: disk full (found later)`);
      }
      abandonUnwritten(): void {
        this.abandoned++;
      }
    }
    const deferred = new DeferredSink('deferred');
    const errors: string[] = [];
    const fanout = new SinkFanout([deferred], { counters: new Counters(), onError: (s) => errors.push(s) });
    await fanout.flush();
    expect(deferred.waited).toBe(0);
    deferred.failLater = true;
    await fanout.settle();
    expect(deferred.waited).toBe(1);
    expect(errors).toEqual(['deferred']);
    expect(deferred.abandoned).toBe(1);
    await fanout.close();
    expect(deferred.waited).toBe(2);
  });
});
