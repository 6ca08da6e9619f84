import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FifoMap } from '../../src/util/fifo-map.js';

type Op = { op: 'set'; k: number; v: number } | { op: 'delete'; k: number } | { op: 'move'; k: number } | { op: 'shift' };

/** The obvious model: an array of [key, value] in order. */
function model(ops: Op[]): { order: [number, number][]; shifted: ([number, number] | undefined)[] } {
  let order: [number, number][] = [];
  const shifted: ([number, number] | undefined)[] = [];
  for (const o of ops) {
    const i = 'k' in o ? order.findIndex(([k]) => k === o.k) : -1;
    if (o.op === 'set') {
      if (i >= 0) order[i] = [o.k, o.v];
      else order.push([o.k, o.v]);
    } else if (o.op === 'delete') {
      if (i >= 0) order.splice(i, 1);
    } else if (o.op === 'move') {
      if (i >= 0) order = [...order.slice(0, i), ...order.slice(i + 1), order[i]!];
    } else shifted.push(order.shift());
  }
  return { order, shifted };
}

const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('set' as const), k: fc.nat(40), v: fc.integer() }),
    fc.record({ op: fc.constant('delete' as const), k: fc.nat(40) }),
    fc.record({ op: fc.constant('move' as const), k: fc.nat(40) }),
    fc.record({ op: fc.constant('shift' as const) }),
  ),
  { maxLength: 5000 },
);

describe('FifoMap', () => {
  it('behaves like an ordered list of entries under any mix of set, delete, moveToBack and shift', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const m = new FifoMap<number, number>();
        const shifted: ([number, number] | undefined)[] = [];
        for (const o of list) {
          if (o.op === 'set') m.set(o.k, o.v);
          else if (o.op === 'delete') m.delete(o.k);
          else if (o.op === 'move') m.moveToBack(o.k);
          else shifted.push(m.shift());
        }
        const expected = model(list);
        expect(shifted).toEqual(expected.shifted);
        expect(m.size).toBe(expected.order.length);
        const drained: [number, number][] = [];
        for (let e = m.shift(); e; e = m.shift()) drained.push(e);
        expect(drained).toEqual(expected.order);
      }),
      { numRuns: 300 },
    );
  });

  it('compacts its queue: many deletions away from the front do not grow it without bound', () => {
    const m = new FifoMap<number, number>();
    for (let i = 0; i < 100_000; i++) {
      m.set(i, i);
      if (i >= 10) m.delete(i - 5); // never the oldest: stale slots pile up in the middle
    }
    expect(m.size).toBe(10); // 0..4 and the last five
    expect(m.oldest()).toEqual([0, 0]);
    const queue = (m as unknown as { keysQ: number[]; head: number }).keysQ.length - (m as unknown as { head: number }).head;
    expect(queue).toBeLessThan(2100);
  });
});
