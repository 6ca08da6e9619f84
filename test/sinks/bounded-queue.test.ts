import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/sinks/bounded-queue.js';

describe('BoundedQueue', () => {
  it('keeps FIFO order and drops the oldest beyond the bound', () => {
    const q = new BoundedQueue<number>(3);
    const dropped = [1, 2, 3, 4, 5].map((n) => q.push(n));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect(q.toArray()).toEqual([3, 4, 5]);
    expect(q.shift()).toBe(3);
    expect(q.peek()).toBe(4);
    expect(q.length).toBe(2);
  });

  it('stays correct across internal compaction', () => {
    const q = new BoundedQueue<number>(5000);
    for (let i = 0; i < 4000; i++) q.push(i);
    for (let i = 0; i < 3000; i++) expect(q.shift()).toBe(i);
    for (let i = 4000; i < 5000; i++) q.push(i);
    expect(q.length).toBe(2000);
    expect(q.drain()[0]).toBe(3000);
    expect(q.length).toBe(0);
  });

  it('rejects a non-positive bound', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
