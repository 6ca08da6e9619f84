import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { RawPacket } from '../../src/types.js';
import { mergeByTime, type MergeSource } from '../../src/capture/merge.js';

function packet(tsSec: number, tsNsec: number, sourceIndex: number, seq: number): RawPacket {
  return { tsSec, tsNsec, linkType: 1, data: Uint8Array.of(seq & 0xff, seq >> 8), wireLen: seq, interfaceId: 0, sourceIndex };
}

interface Tracker {
  open: number;
  maxOpen: number;
  closed: number;
}

function source(index: number, batches: RawPacket[][], tracker: Tracker, hint = true): MergeSource {
  const first = batches.flat()[0];
  return {
    index,
    firstTs: hint && first ? { sec: first.tsSec, nsec: first.tsNsec } : undefined,
    open: () =>
      (async function* () {
        tracker.open++;
        tracker.maxOpen = Math.max(tracker.maxOpen, tracker.open);
        try {
          for (const b of batches) yield b;
        } finally {
          tracker.open--;
          tracker.closed++;
        }
      })(),
  };
}

/** The definition: repeatedly take the head with the smallest (time, file index). */
function naiveMerge(files: RawPacket[][]): RawPacket[] {
  const pos = files.map(() => 0);
  const out: RawPacket[] = [];
  for (;;) {
    let best = -1;
    files.forEach((f, i) => {
      const p = f[pos[i]!];
      if (p === undefined) return;
      const b = best >= 0 ? files[best]![pos[best]!]! : undefined;
      if (!b || p.tsSec < b.tsSec || (p.tsSec === b.tsSec && p.tsNsec < b.tsNsec)) best = i;
    });
    if (best < 0) return out;
    out.push(files[best]![pos[best]!++]!);
  }
}

async function collect(it: AsyncIterable<RawPacket[]>): Promise<RawPacket[][]> {
  const out: RawPacket[][] = [];
  for await (const b of it) out.push(b);
  return out;
}

function split<T>(items: T[], sizes: number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < items.length) {
    let n = sizes[k++ % sizes.length] ?? 1;
    if (n === 0) {
      out.push([]); // empty batches are allowed and must be skipped
      n = 1;
    }
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('mergeByTime', () => {
  it('orders by time, ties by file order then packet order', async () => {
    const t: Tracker = { open: 0, maxOpen: 0, closed: 0 };
    const a = [packet(1, 0, 0, 1), packet(2, 5, 0, 2), packet(2, 5, 0, 3), packet(4, 0, 0, 4)];
    const b = [packet(0, 9, 1, 5), packet(2, 5, 1, 6), packet(3, 0, 1, 7)];
    const out = (await collect(mergeByTime([source(0, [a], t), source(1, [b], t)], 100))).flat();
    expect(out.map((p) => p.wireLen)).toEqual([5, 1, 2, 3, 6, 7, 4]);
    expect(t.closed).toBe(2);
  });

  it('keeps one file in its own order (no sorting within a file)', async () => {
    const t: Tracker = { open: 0, maxOpen: 0, closed: 0 };
    const a = [packet(5, 0, 0, 1), packet(1, 0, 0, 2), packet(3, 0, 0, 3)];
    const out = (await collect(mergeByTime([source(0, [a.slice(0, 2), a.slice(2)], t)], 2))).flat();
    expect(out.map((p) => p.wireLen)).toEqual([1, 2, 3]);
  });

  it('matches the definition for any files, batch splits, hints and batch size', async () => {
    const ts = fc.record({ sec: fc.integer({ min: 0, max: 5 }), nsec: fc.integer({ min: 0, max: 2 }) });
    const file = fc.record({ times: fc.array(ts, { maxLength: 30 }), sorted: fc.boolean(), sizes: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 5 }), hint: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 9 }), async (files, batchSize) => {
        const t: Tracker = { open: 0, maxOpen: 0, closed: 0 };
        let seq = 0;
        const packets = files.map((f, i) => {
          const times = f.sorted ? [...f.times].sort((x, y) => x.sec - y.sec || x.nsec - y.nsec) : f.times;
          return times.map((x) => packet(x.sec, x.nsec, i, seq++));
        });
        const sources = files.map((f, i) => source(i, split(packets[i]!, f.sizes), t, f.hint));
        const batches = await collect(mergeByTime(sources, batchSize));
        const expected = naiveMerge(packets).map((p) => p.wireLen);
        expect(batches.flat().map((p) => p.wireLen)).toEqual(expected);
        batches.forEach((b, i) => expect(i === batches.length - 1 ? b.length <= batchSize && b.length > 0 : b.length === batchSize).toBe(true));
        expect(t.open).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('opens a file only when the merge reaches its first packet (rotated captures stay one open at a time)', async () => {
    const t: Tracker = { open: 0, maxOpen: 0, closed: 0 };
    const sources = [0, 1, 2, 3].map((i) => source(i, [[packet(i * 10, 0, i, 1), packet(i * 10 + 5, 0, i, 2)]], t));
    const out = (await collect(mergeByTime(sources.reverse(), 3))).flat();
    expect(out.map((p) => p.tsSec)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    expect(t.maxOpen).toBe(1);
  });

  it('closes every open file when the consumer stops early', async () => {
    const t: Tracker = { open: 0, maxOpen: 0, closed: 0 };
    const mk = (i: number) => source(i, [[packet(1, i, i, 1)], [packet(2, i, i, 2)]], t, false);
    for await (const batch of mergeByTime([mk(0), mk(1), mk(2)], 1)) {
      expect(batch).toHaveLength(1);
      break;
    }
    expect(t.maxOpen).toBe(3);
    expect(t.open).toBe(0);
  });
});
