/**
 * The sweep (FlowTable.expire) against the rule it implements, checked on random traffic: at each
 * sweep exactly the open flows idle past their timeout (TCP / UDP) or closed past the linger end,
 * in creation order, with the reason of whichever applies (linger first). The model below keeps
 * its own list of open flows and applies that rule to every one of them; the table only looks at
 * the flows its expiry queue says may be due.
 */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { Flow } from '../../src/flow/flow.js';
import { DEFAULT_FLOW_LIMITS, FlowTable, type FlowLimits } from '../../src/flow/flow-table.js';
import type { FlowEndReason } from '../../src/records/ecs.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Decoded } from '../../src/types.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pkt(ts: number, src: string, sp: number, dst: string, dp: number, flags: number, transport: 'tcp' | 'udp'): Decoded {
  return {
    ts, tsSec: Math.floor(ts), tsNsec: Math.round((ts % 1) * 1e9), ipVersion: 4, src, dst, protocol: transport === 'tcp' ? 6 : 17, transport,
    srcPort: sp, dstPort: dp, tcpFlags: transport === 'tcp' ? flags : 0, tcpSeq: 0, tcpAck: 0, payload: new Uint8Array(0), ipLen: 60, truncated: false, ttl: 64,
  };
}

/** The rule, applied to one open flow at sweep time `now`. */
function dueReason(flow: Flow, now: number, limits: FlowLimits): FlowEndReason | undefined {
  const since = now - flow.lastTs;
  if (flow.closedAt !== undefined && since >= limits.closedLingerSeconds) return flow.closeReason ?? 'fin';
  return since >= (flow.transport === 'tcp' ? limits.tcpIdleSeconds : limits.udpIdleSeconds) ? 'idle_timeout' : undefined;
}

function run(seed: number, limits: FlowLimits, packets: number, ports: number): { sweeps: number; ended: number } {
  const next = rng(seed);
  const ended: [Flow, FlowEndReason][] = [];
  const t = new FlowTable(limits, new Counters(), (f, r) => ended.push([f, r]));
  /** The model's open flows, in creation order. */
  let open: Flow[] = [];
  let now = 1_700_000_000 + next();
  let lastSweep = now;
  let sweeps = 0;
  let total = 0;
  const flags = [TCP_SYN, TCP_ACK, TCP_ACK, TCP_ACK, TCP_FIN | TCP_ACK, TCP_RST];
  for (let i = 0; i < packets; i++) {
    // Gaps from microseconds to past every timeout, so flows end by idling, lingering and reuse.
    const r = next();
    now += r < 0.9 ? next() * 0.05 : r < 0.99 ? next() * 8 : next() * 400;
    const transport = next() < 0.7 ? 'tcp' : 'udp';
    const port = 1024 + Math.floor(next() * ports);
    const toServer = next() < 0.6;
    const p = toServer
      ? pkt(now, '10.0.0.5', port, '203.0.113.7', 443, flags[Math.floor(next() * flags.length)]!, transport)
      : pkt(now, '203.0.113.7', 443, '10.0.0.5', port, flags[Math.floor(next() * flags.length)]!, transport);
    ended.length = 0;
    const { flow, isNew } = t.track(p);
    // Ended by track itself (port reuse, eviction): out of the model, not the sweep's business.
    open = open.filter((f) => !ended.some(([e]) => e === f));
    if (isNew) open.push(flow);
    if (now - lastSweep >= 1) {
      lastSweep = now;
      sweeps++;
      const expected = open.filter((f) => dueReason(f, now, limits) !== undefined).map((f) => [f.uid, dueReason(f, now, limits)]);
      ended.length = 0;
      t.expire(now);
      expect(ended.map(([f, why]) => [f.uid, why])).toEqual(expected);
      total += ended.length;
      open = open.filter((f) => !ended.some(([e]) => e === f));
    }
  }
  expect(t.size).toBe(open.length);
  return { sweeps, ended: total };
}

describe('FlowTable.expire', () => {
  it('ends exactly the flows past their timeout, in creation order, at every sweep of random traffic', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { sweeps, ended } = run(seed, DEFAULT_FLOW_LIMITS, 6_000, 400);
      expect(sweeps).toBeGreaterThan(100);
      expect(ended).toBeGreaterThan(50);
    }
  });

  it('stays exact with short timeouts, a linger longer than the UDP timeout, and flows evicted by the bound', () => {
    const limits: FlowLimits = { maxFlows: 40, tcpIdleSeconds: 3, udpIdleSeconds: 1, closedLingerSeconds: 2 };
    for (const seed of [11, 12, 13]) {
      // Many ports against a bound of 40: evicted flows leave expiry entries behind (and the queue is rebuilt).
      const { ended } = run(seed, limits, 30_000, 20_000);
      expect(ended).toBeGreaterThan(100);
    }
  });
});
