import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { GroundwatchRecord } from '../../src/records/ecs.js';
import { NdjsonSink } from '../../src/sinks/ndjson.js';
import { makeAlert, makeDns, makeFlow } from './fixtures.js';

const HOSTILE = ['\u001b[31mred\u001b[0m.example', 'evil\u202ecom.gpj', 'bell\u0007', '=HYPERLINK("http://x","y")', '+1', '@SUM(A1)', 'line\nbreak', 'quote"back\\slash', 'lone\ud800surrogate', 'c1\u009b2J', 'nul\u0000byte'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gw-ndjson-'));
}

describe('NdjsonSink', () => {
  it('writes exactly one record per line, parsing back deep-equal (no logger envelope)', async () => {
    const file = join(tmp(), 'nested', 'dir', 'out.ndjson'); // mkdir: true
    const sink = new NdjsonSink({ dest: file });
    const recs: GroundwatchRecord[] = [makeFlow({ domain: 'a.djicdn.com' }), makeDns(), makeAlert({ id: 'X1' })];
    recs.forEach((r) => sink.write(r));
    await sink.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe(''); // trailing newline, nothing after it
    expect(lines.map((l) => JSON.parse(l))).toEqual(recs);
    const keys = Object.keys(JSON.parse(lines[0]!));
    for (const noise of ['level', 'time', 'pid', 'hostname', 'msg']) expect(keys).not.toContain(noise);
  });

  it('keeps the exact bytes of hostile strings (escaped only as JSON requires)', async () => {
    const file = join(tmp(), 'hostile.ndjson');
    const sink = new NdjsonSink({ dest: file });
    const recs = HOSTILE.map((domain, i) => makeFlow({ uid: `C${i}`, domain }));
    recs.forEach((r) => sink.write(r));
    await sink.close();
    const text = readFileSync(file, 'utf8');
    const parsed = text.trimEnd().split('\n').map((l) => JSON.parse(l) as GroundwatchRecord);
    expect(parsed.map((r) => r.destination?.domain)).toEqual(HOSTILE);
    // RFC 8259 §7: control characters must be escaped, so no raw ESC/BEL/NUL/LF reaches the file
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('\\u001b[31mred');
    expect(text).toContain('\\ud800'); // lone surrogate escaped (well-formed JSON.stringify), not replaced
  });

  it('flush() resolves once the lines are in the file', async () => {
    const file = join(tmp(), 'flush.ndjson');
    const sink = new NdjsonSink({ dest: file });
    await expect(sink.ready()).resolves.toBeUndefined();
    sink.write(makeAlert({ id: 'F1' }));
    await sink.flush();
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).toEqual(makeAlert({ id: 'F1' }));
    await sink.close();
  });

  it('counts lines dropped when the buffer bound is exceeded', async () => {
    const file = join(tmp(), 'bounded.ndjson');
    const counters = new Counters();
    const sink = new NdjsonSink({ dest: file, counters, maxBufferBytes: 8192 });
    for (let i = 0; i < 200; i++) sink.write(makeAlert({ id: `B${i}` }));
    await sink.close();
    const written = readFileSync(file, 'utf8').trimEnd().split('\n').length;
    expect(counters.get('sink.ndjson.dropped')).toBeGreaterThan(0);
    expect(written + counters.get('sink.ndjson.dropped')).toBe(200);
  });

  it('counts every line of what the bound drops, lines of several bytes per character included', async () => {
    const file = join(tmp(), 'bounded-utf8.ndjson');
    const counters = new Counters();
    // 64 KiB: the first few batches fit while the file is being written, the rest of the burst does not.
    const sink = new NdjsonSink({ dest: file, counters, maxBufferBytes: 64 * 1024 });
    for (let i = 0; i < 400; i++) sink.write(makeAlert({ id: `U${i}`, domain: `d${i}.b\u00fccher-\u4e2d\u6587.example` }));
    await sink.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const ids = lines.map((l) => (JSON.parse(l) as { event: { id: string } }).event.id);
    expect(counters.get('sink.ndjson.dropped')).toBeGreaterThan(0);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length + counters.get('sink.ndjson.dropped')).toBe(400);
    expect(ids).toEqual(ids.map((_, i) => `U${i}`)); // the oldest kept, whole lines, in order
  });

  it('hands lines to the file by the end of the burst that wrote them, without a flush', async () => {
    const file = join(tmp(), 'no-flush.ndjson');
    const sink = new NdjsonSink({ dest: file });
    await sink.ready();
    for (const id of ['N1', 'N2', 'N3']) sink.write(makeAlert({ id }));
    let text = '';
    for (let waited = 0; waited < 5000 && text.split('\n').length < 4; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      text = readFileSync(file, 'utf8');
    }
    expect(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { event: { id: string } }).event.id)).toEqual(['N1', 'N2', 'N3']);
    await sink.close();
  });

  it('a full disk (/dev/full) rejects flush and makes later writes throw, for the fan-out to queue', async () => {
    const sink = new NdjsonSink({ dest: '/dev/full' });
    sink.write(makeAlert({ id: 'D1' }));
    await expect(sink.flush()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(() => sink.write(makeAlert({ id: 'D2' }))).toThrow(/ENOSPC/);
    await sink.close();
  });
});

describe('NdjsonSink behind the fan-out', () => {
  it('an unopenable file is reported once; after the fix the queued records are written', async () => {
    const { SinkFanout } = await import('../../src/sinks/fanout.js');
    const { rmSync, mkdirSync, writeFileSync } = await import('node:fs');
    const base = tmp();
    const blocker = join(base, 'logs');
    writeFileSync(blocker, 'a file where the directory should be');
    const file = join(blocker, 'alerts.ndjson');
    const counters = new Counters();
    const errors: string[] = [];
    const sink = new NdjsonSink({ dest: file, counters });
    let t = 0; // the fan-out's clock: a retry waits for the backoff
    const fanout = new SinkFanout([sink], { counters, now: () => t, onError: (s, e) => errors.push(`${s}:${(e as { code?: string }).code}`) });
    await expect(sink.ready()).rejects.toMatchObject({ code: expect.stringMatching(/^E(EXIST|NOTDIR)$/) });
    fanout.write(makeAlert({ id: 'Q1' }));
    fanout.write(makeAlert({ id: 'Q2' }));
    await fanout.flush();
    t += 60_000;
    await fanout.flush(); // still broken: retried, not reported again
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^ndjson:E(EXIST|NOTDIR)$/); // mkdir -p over a file
    rmSync(blocker);
    mkdirSync(blocker);
    t += 60_000;
    await fanout.flush();
    await fanout.close();
    const ids = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { event: { id: string } }).event.id);
    expect(ids).toEqual(['Q1', 'Q2']);
    expect(errors).toHaveLength(1);
    expect(counters.get('sink.ndjson.dropped')).toBe(0);
    expect(counters.get('sink.ndjson.errors')).toBe(2); // the write, and the one retry after the backoff that failed again
  });
});
