import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { GroundwatchRecord } from '../../src/records/ecs.js';
import { SinkFanout } from '../../src/sinks/fanout.js';
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
  const fanout = new SinkFanout([a, b], { counters, onError: (s, e) => errors.push([s, e]), ...(queueLimit ? { queueLimit } : {}) });
  return { a, b, counters, errors, fanout };
}

const alert = (id: string) => makeAlert({ id });

describe('SinkFanout', () => {
  it('isolates a throwing sink: the other gets every record, error reported once', async () => {
    const { a, b, counters, errors, fanout } = setup();
    a.failWrites = true;
    for (const id of ['1', '2', '3']) expect(() => fanout.write(alert(id))).not.toThrow();
    await fanout.flush();
    expect(b.written).toEqual(['1', '2', '3']);
    expect(a.written).toEqual([]);
    expect(errors.map(([s]) => s)).toEqual(['a']);
    expect(counters.get('sink.a.errors')).toBeGreaterThanOrEqual(2); // the write and the retry on flush
    expect(counters.get('sink.b.errors')).toBe(0);
  });

  it('writes the queued records in order once the sink recovers', async () => {
    const { a, errors, fanout } = setup();
    a.failWrites = true;
    fanout.startRun(makeRun('R9'));
    fanout.write(alert('1'));
    fanout.write(alert('2'));
    await fanout.flush();
    a.failWrites = false;
    fanout.write(alert('3'));
    expect(a.written).toEqual([]); // still behind the queue, order kept
    await fanout.flush();
    expect(a.runs).toEqual(['R9']);
    expect(a.written).toEqual(['1', '2', '3']);
    expect(fanout.queued()).toEqual({ a: 0, b: 0 });
    expect(errors).toHaveLength(1);
  });

  it('reports a new failure episode after a recovery', async () => {
    const { a, errors, fanout } = setup();
    a.failWrites = true;
    fanout.write(alert('1'));
    a.failWrites = false;
    await fanout.flush();
    a.failWrites = true;
    fanout.write(alert('2'));
    fanout.write(alert('3'));
    expect(errors).toHaveLength(2);
  });

  it('counts the oldest records dropped beyond the bound', async () => {
    const { a, b, counters, fanout } = setup(5);
    a.failWrites = true;
    for (let i = 1; i <= 8; i++) fanout.write(alert(String(i)));
    expect(counters.get('sink.a.dropped')).toBe(3);
    a.failWrites = false;
    await fanout.flush();
    expect(a.written).toEqual(['4', '5', '6', '7', '8']);
    expect(b.written).toHaveLength(8);
    expect(counters.get('sink.b.dropped')).toBe(0);
  });

  it('a rejecting flush is reported once per episode and never rejects to the caller', async () => {
    const { b, counters, errors, fanout } = setup();
    b.failFlush = true;
    fanout.write(alert('1'));
    await expect(fanout.flush()).resolves.toBeUndefined();
    await expect(fanout.flush()).resolves.toBeUndefined();
    expect(errors).toEqual([['b', expect.any(Error)]]);
    expect(counters.get('sink.b.errors')).toBe(2);
    b.failFlush = false;
    await fanout.flush();
    b.failFlush = true;
    await fanout.flush();
    expect(errors).toHaveLength(2);
  });

  it('survives an error reporter that throws', () => {
    const a = new MemorySink('a');
    a.failWrites = true;
    const fanout = new SinkFanout([a], { counters: new Counters(), onError: () => { throw new Error('reporter broke'); } });
    expect(() => fanout.write(alert('1'))).not.toThrow();
  });
});
