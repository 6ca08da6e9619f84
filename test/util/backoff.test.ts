/** src/util/backoff.ts (capture restarts, failing sinks) against the brief's schedule: 1 s doubling to 30 s, 1 s again after a success. */
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/util/backoff.js';

describe('Backoff', () => {
  it('waits 1, 2, 4, 8, 16, 30, 30 s and starts over after reset', () => {
    const b = new Backoff();
    expect(Array.from({ length: 7 }, () => b.delay())).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    b.reset();
    expect(b.delay()).toBe(1000);
  });
});
