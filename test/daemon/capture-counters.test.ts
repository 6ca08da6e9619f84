/**
 * src/daemon/capture-counters.ts: libpcap's per-worker counters summed into
 * run totals that never go backwards. Oracle: unsigned 32-bit arithmetic
 * (pcap_stats fields are u_int) and the sums written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { CaptureCounters, counterDelta, WorkerStatsSum } from '../../src/daemon/capture-counters.js';

const stats = (received: number, dropped = 0, ifDropped = 0, truncated = 0) => ({ received, dropped, ifDropped, truncated, discarded: 0 });

describe('counterDelta', () => {
  it('reads a 32-bit counter forwards across its wrap', () => {
    expect(counterDelta(10, 25)).toBe(15);
    expect(counterDelta(0xffff_fff0, 0x10)).toBe(0x20);
  });
});

describe('WorkerStatsSum', () => {
  it('adds each worker from its own zero, so a restart keeps the totals monotonic', () => {
    const sum = new WorkerStatsSum();
    const first = sum.newWorker();
    first(stats(100, 2, 1, 5));
    first(stats(250, 3, 1, 9));
    const second = sum.newWorker(); // the link came back: a new worker, libpcap counts from 0
    second(stats(40, 1, 0, 0));
    expect(sum.totals).toEqual(stats(290, 4, 1, 9));
    second(stats(70, 1, 0, 2));
    expect(sum.totals).toEqual(stats(320, 4, 1, 11));
  });

  it('follows ps_recv through its 32-bit wrap', () => {
    const sum = new WorkerStatsSum();
    const worker = sum.newWorker();
    worker(stats(0xffff_ff00));
    worker(stats(0x100));
    expect(sum.totals.received).toBe(2 ** 32 + 0x100);
  });
});

describe('CaptureCounters', () => {
  it('writes every capture counter, zeros included, and never moves one backwards', () => {
    const counters = new Counters();
    const capture = new CaptureCounters(counters);
    capture.update(stats(10));
    expect(counters.toJSON()).toMatchObject({ 'capture.received': 10, 'capture.dropped': 0, 'capture.if_dropped': 0, 'capture.truncated': 0 });
    capture.update(stats(25, 3, 1, 2));
    capture.update(stats(20, 3, 1, 2));
    expect(counters.toJSON()).toMatchObject({ 'capture.received': 25, 'capture.dropped': 3, 'capture.if_dropped': 1, 'capture.truncated': 2 });
  });
});
