/**
 * One fan-out write serialises a record once for every sink that wants its JSON (record-text.ts),
 * and the text is JSON.stringify's own; a later write of the same record, changed, is serialised anew.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { GroundwatchRecord } from '../../src/records/ecs.js';
import { SinkFanout } from '../../src/sinks/fanout.js';
import { NdjsonSink } from '../../src/sinks/ndjson.js';
import { recordJson, type RecordText } from '../../src/sinks/record-text.js';
import type { Sink } from '../../src/sinks/sink.js';
import { makeFlow } from './fixtures.js';

class JsonSink implements Sink {
  readonly texts: string[] = [];
  constructor(readonly name: string) {}
  write(rec: GroundwatchRecord, text?: RecordText): void {
    this.texts.push(recordJson(rec, text));
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

afterEach(() => vi.restoreAllMocks());

describe('a record serialised once per fan-out write', () => {
  it('two sinks get the same text from one JSON.stringify; a changed record is serialised again', async () => {
    const a = new JsonSink('a');
    const b = new JsonSink('b');
    const fanout = new SinkFanout([a, b], { counters: new Counters(), onError: (s, e) => { throw new Error(`${s}: ${String(e)}`); } });
    const flow = makeFlow({ uid: 'Conce', domain: 'once.dji.com' });
    const expected = JSON.stringify(flow);
    const stringify = vi.spyOn(JSON, 'stringify');
    fanout.write(flow);
    expect(stringify.mock.calls.filter(([v]) => v === flow)).toHaveLength(1);
    expect(a.texts).toEqual([expected]);
    expect(b.texts).toEqual([expected]);
    flow.destination!.bytes = 9999;
    fanout.write(flow);
    expect(stringify.mock.calls.filter(([v]) => v === flow)).toHaveLength(2);
    expect(JSON.parse(b.texts[1]!).destination.bytes).toBe(9999);
    await fanout.close();
  });

  it('the NDJSON file holds each record exactly as JSON.stringify writes it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gw-text-')), 'out.ndjson');
    const other = new JsonSink('other');
    const fanout = new SinkFanout([new NdjsonSink({ dest: path }), other], { counters: new Counters(), onError: (s, e) => { throw new Error(`${s}: ${String(e)}`); } });
    const flows = [makeFlow({ uid: 'C1' }), makeFlow({ uid: 'C2', domain: 'é\u2028"x".dji.com' })];
    for (const f of flows) fanout.write(f);
    await fanout.close();
    expect(readFileSync(path, 'utf8')).toBe(flows.map((f) => `${JSON.stringify(f)}\n`).join(''));
    expect(other.texts).toEqual(flows.map((f) => JSON.stringify(f)));
  });
});
