/** Shedding under memory pressure: the oldest flows end as evicted, counted apart, and the bound stays down. */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { DEFAULT_FLOW_LIMITS, FlowTable } from '../../src/flow/flow-table.js';
import type { FlowEndReason } from '../../src/records/ecs.js';
import type { Decoded } from '../../src/types.js';

function udp(i: number): Decoded {
  return {
    ts: 1 + i / 1000, tsSec: 1, tsNsec: i * 1_000_000, ipVersion: 4, src: `10.0.${i >> 8}.${i & 255}`, dst: '203.0.113.7', protocol: 17, transport: 'udp',
    srcPort: 40_000, dstPort: 443, tcpFlags: 0, tcpSeq: 0, tcpAck: 0, payload: new Uint8Array(0), ipLen: 28, truncated: false, ttl: 64,
  };
}

describe('FlowTable.shed', () => {
  it('ends the oldest quarter as evicted, counts them apart, and keeps the bound at what is left', () => {
    const ended: [string, FlowEndReason][] = [];
    const counters = new Counters();
    const limits = { ...DEFAULT_FLOW_LIMITS, maxFlows: 1000 };
    const t = new FlowTable(limits, counters, (f, r) => ended.push([f.clientIp, r]));
    for (let i = 0; i < 100; i++) t.track(udp(i));
    expect(t.shed(0.25, 10)).toBe(25);
    expect(ended).toEqual(Array.from({ length: 25 }, (_, i) => [udp(i).src, 'evicted']));
    expect([t.size, t.maxFlows]).toEqual([75, 75]);
    expect([counters.get('flow.evicted'), counters.get('flow.evicted_memory')]).toEqual([25, 25]);
    // The lowered bound holds: a new flow evicts the oldest one left (an ordinary eviction).
    t.track(udp(100));
    expect([t.size, ended.at(-1)?.[0], counters.get('flow.evicted'), counters.get('flow.evicted_memory')]).toEqual([75, udp(25).src, 26, 25]);
    // The limits object passed in is not changed (the defaults are shared by every table).
    expect(limits.maxFlows).toBe(1000);
  });

  it('never lowers the bound below the floor given', () => {
    const t = new FlowTable({ ...DEFAULT_FLOW_LIMITS, maxFlows: 1000 }, new Counters(), () => undefined);
    for (let i = 0; i < 8; i++) t.track(udp(i));
    t.shed(0.5, 10);
    expect([t.size, t.maxFlows]).toEqual([4, 10]);
  });
});
