/**
 * Evidence keeps copies, never views into the capture source's chunks (copy-bytes.ts): a view kept
 * the whole chunk alive past the ring's byte bound, and would show later bytes if a source reused it.
 * The hazard itself is checked first: Buffer#slice on a chunk is a view.
 */
import { describe, expect, it } from 'vitest';
import { copyBytes } from '../../src/evidence/copy-bytes.js';

describe('copyBytes', () => {
  const chunk = () => Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 0xff));

  it('Buffer#slice of a frame inside a chunk is a view of the chunk (why copyBytes exists)', () => {
    const c = chunk();
    const frame = c.subarray(100, 160);
    const view = frame.slice(0, 14);
    c[100] = 0xee;
    expect(view[0]).toBe(0xee);
    expect(view.buffer.byteLength).toBeGreaterThanOrEqual(4096);
  });

  it('copies the range into memory of its own: later changes to the chunk do not show, the chunk is not held', () => {
    const c = chunk();
    const frame = c.subarray(100, 160);
    const header = copyBytes(frame, 0, 14);
    const whole = copyBytes(frame);
    c.fill(0);
    expect([...header]).toEqual(Array.from({ length: 14 }, (_, i) => (100 + i) & 0xff));
    expect([...whole]).toEqual(Array.from({ length: 60 }, (_, i) => (100 + i) & 0xff));
    expect(header.buffer.byteLength).toBe(14);
    expect(whole.buffer.byteLength).toBe(60);
    expect(copyBytes(frame, 5, 5)).toHaveLength(0);
  });
});
