import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { Flow } from '../../src/flow/flow.js';
import { DEFAULT_FLOW_LIMITS, FlowTable } from '../../src/flow/flow-table.js';
import type { FlowEndReason } from '../../src/records/ecs.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Decoded } from '../../src/types.js';

function pkt(ts: number, src: string, sp: number, dst: string, dp: number, flags = TCP_ACK, transport: 'tcp' | 'udp' = 'tcp', len = 60): Decoded {
  return {
    ts, tsSec: Math.floor(ts), tsNsec: Math.round((ts % 1) * 1e9), ipVersion: 4, src, dst, protocol: transport === 'tcp' ? 6 : 17, transport,
    srcPort: sp, dstPort: dp, tcpFlags: transport === 'tcp' ? flags : 0, tcpSeq: 0, tcpAck: 0, payload: new Uint8Array(0), ipLen: len, truncated: false, ttl: 64,
  };
}

function table(limits = {}) {
  const ended: [Flow, FlowEndReason][] = [];
  const counters = new Counters();
  const t = new FlowTable({ ...DEFAULT_FLOW_LIMITS, ...limits }, counters, (f, r) => ended.push([f, r]));
  return { t, ended, counters };
}

const C = '10.0.0.5';
const S = '203.0.113.7';

describe('FlowTable', () => {
  it('makes the SYN sender the client and counts each direction', () => {
    const { t } = table();
    const a = t.track(pkt(1, C, 5000, S, 443, TCP_SYN, 'tcp', 60));
    const b = t.track(pkt(1.1, S, 443, C, 5000, TCP_SYN | TCP_ACK, 'tcp', 60));
    t.track(pkt(1.2, C, 5000, S, 443, TCP_ACK, 'tcp', 52));
    expect(a.isNew).toBe(true);
    expect(b.flow).toBe(a.flow);
    expect(b.direction).toBe('to_client');
    expect(a.flow).toMatchObject({ clientIp: C, clientPort: 5000, serverIp: S, serverPort: 443 });
    expect([a.flow.packetsToServer, a.flow.packetsToClient, a.flow.bytesToServer, a.flow.bytesToClient]).toEqual([2, 1, 112, 60]);
  });

  it('takes the receiver of a SYN-ACK seen first as the client (capture started mid-handshake)', () => {
    const { t } = table();
    const r = t.track(pkt(1, S, 443, C, 5000, TCP_SYN | TCP_ACK));
    expect(r.flow).toMatchObject({ clientIp: C, serverIp: S });
    expect(r.direction).toBe('to_client');
  });

  it('ends a TCP flow after FIN both ways once the linger passes, and on RST', () => {
    const { t, ended } = table();
    t.track(pkt(1, C, 5000, S, 443, TCP_SYN));
    t.track(pkt(2, C, 5000, S, 443, TCP_FIN | TCP_ACK));
    t.track(pkt(2.1, S, 443, C, 5000, TCP_FIN | TCP_ACK));
    t.track(pkt(2.2, C, 5000, S, 443, TCP_ACK));
    t.expire(3);
    expect(ended).toHaveLength(0);
    t.expire(2.2 + DEFAULT_FLOW_LIMITS.closedLingerSeconds);
    expect(ended.map(([f, r]) => [f.packetsToServer, r])).toEqual([[3, 'fin']]);
    t.track(pkt(10, C, 6000, S, 443, TCP_SYN));
    t.track(pkt(10.5, S, 443, C, 6000, TCP_RST));
    expect(t.endSome('end_of_input', Infinity)).toBe(0);
    expect(ended.map(([, r]) => r)).toEqual(['fin', 'rst']);
  });

  it('times idle flows out in packet time (UDP sooner than TCP)', () => {
    const { t, ended } = table({ udpIdleSeconds: 60, tcpIdleSeconds: 300 });
    t.track(pkt(0, C, 5000, S, 53, 0, 'udp'));
    t.track(pkt(0, C, 5001, S, 443, TCP_SYN));
    t.expire(59);
    expect(ended).toHaveLength(0);
    t.expire(60);
    expect(ended.map(([f, r]) => [f.transport, r])).toEqual([['udp', 'idle_timeout']]);
    t.expire(300);
    expect(ended.map(([f]) => f.transport)).toEqual(['udp', 'tcp']);
  });

  it('a new SYN on a closed 5-tuple starts a new flow (port reuse)', () => {
    const { t, ended } = table();
    const first = t.track(pkt(1, C, 5000, S, 443, TCP_SYN)).flow;
    t.track(pkt(1.5, C, 5000, S, 443, TCP_RST));
    const second = t.track(pkt(2, C, 5000, S, 443, TCP_SYN));
    expect(second.isNew).toBe(true);
    expect(second.flow.uid).not.toBe(first.uid);
    expect(ended.map(([, r]) => r)).toEqual(['rst']);
  });

  it('evicts the oldest flow at the cap and counts it', () => {
    const { t, ended, counters } = table({ maxFlows: 2 });
    t.track(pkt(1, C, 1, S, 53, 0, 'udp'));
    t.track(pkt(2, C, 2, S, 53, 0, 'udp'));
    t.track(pkt(3, C, 3, S, 53, 0, 'udp'));
    expect(t.size).toBe(2);
    expect(counters.get('flow.evicted')).toBe(1);
    expect(ended.map(([f, r]) => [f.clientPort, r])).toEqual([[1, 'evicted']]);
  });

  it('gives the same uid to the same flow on every replay, and distinct uids to distinct flows', () => {
    const a = table().t.track(pkt(1, C, 5000, S, 443, TCP_SYN)).flow.uid;
    const b = table().t.track(pkt(1, C, 5000, S, 443, TCP_SYN)).flow.uid;
    const c = table().t.track(pkt(1, C, 5001, S, 443, TCP_SYN)).flow.uid;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^C[A-Za-z0-9]{17}$/);
  });

  it('gives 200,000 distinct flows 200,000 distinct uids', () => {
    const { t } = table();
    const uids = new Set<string>();
    for (let i = 0; i < 200_000; i++) uids.add(t.track(pkt(1 + i / 1e6, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1024 + (i % 60000), S, 443, TCP_SYN)).flow.uid);
    expect(uids.size).toBe(200_000);
  });
});
