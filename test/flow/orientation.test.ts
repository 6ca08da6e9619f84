import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { DeviceSelector } from '../../src/detect/devices.js';
import { isLocalAddress } from '../../src/detect/local-address.js';
import type { Flow } from '../../src/flow/flow.js';
import { DEFAULT_FLOW_LIMITS, FlowTable } from '../../src/flow/flow-table.js';
import { orientFirstPacket, type OrientationEvidence } from '../../src/flow/orientation.js';
import { isEphemeralPort, isServicePort } from '../../src/flow/service-ports.js';
import type { FlowEndReason } from '../../src/records/ecs.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, type Decoded } from '../../src/types.js';

interface P {
  src: string; sp: number; dst: string; dp: number; flags?: number; udp?: boolean; ts?: number; len?: number; srcMac?: string; dstMac?: string;
}

function pkt(o: P): Decoded {
  const ts = o.ts ?? 1;
  return {
    ts, tsSec: Math.floor(ts), tsNsec: Math.round((ts % 1) * 1e9), ipVersion: o.src.includes(':') ? 6 : 4, src: o.src, dst: o.dst,
    protocol: o.udp ? 17 : 6, transport: o.udp ? 'udp' : 'tcp', srcPort: o.sp, dstPort: o.dp, tcpFlags: o.udp ? 0 : (o.flags ?? TCP_ACK),
    tcpSeq: 0, tcpAck: 0, payload: new Uint8Array(0), ipLen: o.len ?? 52, truncated: false, ttl: 64,
    ...(o.srcMac ? { srcMac: o.srcMac } : {}), ...(o.dstMac ? { dstMac: o.dstMac } : {}),
  };
}

const TABLET = '192.168.2.20';
const CN_SERVER = '120.55.9.120';
const evidence = (devices: string[] = []): OrientationEvidence => ({ devices: new DeviceSelector(devices), isLocalAddress });

/** Client side as the decision names it: the packet's source unless the packet came from the server. */
function decide(p: Decoded, ev: OrientationEvidence = evidence()) {
  const d = orientFirstPacket(p, ev);
  return { client: d.fromServer ? `${p.dst}:${p.dstPort}` : `${p.src}:${p.srcPort}`, orientation: d.orientation, startSeen: d.startSeen };
}

describe('orientation of a flow whose start was not seen', () => {
  it('a bare SYN names the client; a SYN-ACK names the server (the SYN was missed, the handshake still tells)', () => {
    expect(decide(pkt({ src: TABLET, sp: 47484, dst: CN_SERVER, dp: 443, flags: TCP_SYN }))).toEqual({ client: `${TABLET}:47484`, orientation: 'syn', startSeen: true });
    expect(decide(pkt({ src: CN_SERVER, sp: 443, dst: TABLET, dp: 47484, flags: TCP_SYN | TCP_ACK }))).toEqual({ client: `${TABLET}:47484`, orientation: 'syn', startSeen: false });
  });

  it('a SYN wins over every other evidence, even from a service port to a device', () => {
    expect(decide(pkt({ src: CN_SERVER, sp: 443, dst: TABLET, dp: 47484, flags: TCP_SYN }), evidence([TABLET]))).toMatchObject({ client: `${CN_SERVER}:443`, orientation: 'syn' });
  });

  it('a configured device is the client, before ports and addresses say otherwise', () => {
    // The server sends first, from an ephemeral port, to the device's service-looking port: only the device list gets it right.
    const p = pkt({ src: CN_SERVER, sp: 40001, dst: TABLET, dp: 8443, flags: TCP_ACK | TCP_PSH });
    expect(decide(p, evidence([TABLET]))).toEqual({ client: `${TABLET}:8443`, orientation: 'device', startSeen: false });
    expect(decide(p, evidence([]))).toMatchObject({ client: `${CN_SERVER}:40001`, orientation: 'port' });
    expect(decide(p, evidence(['192.168.2.0/24']))).toMatchObject({ client: `${TABLET}:8443`, orientation: 'device' });
  });

  it('a device given by MAC is recognised on either side of the first packet', () => {
    const p = pkt({ src: CN_SERVER, sp: 40001, dst: TABLET, dp: 8443, srcMac: '02:00:00:00:02:01', dstMac: '02:00:00:00:02:14' });
    expect(decide(p, evidence(['02:00:00:00:02:14']))).toMatchObject({ client: `${TABLET}:8443`, orientation: 'device' });
  });

  it('device evidence that names both sides, or neither, passes to the ports', () => {
    const p = pkt({ src: '192.168.2.1', sp: 443, dst: TABLET, dp: 50000 });
    expect(decide(p, evidence(['192.168.2.0/24']))).toMatchObject({ client: `${TABLET}:50000`, orientation: 'port' });
    expect(decide(p, evidence(['10.9.9.9']))).toMatchObject({ client: `${TABLET}:50000`, orientation: 'port' });
  });

  it('a service port is the server against any other port (Zeek likely_server_ports); else the ephemeral port is the client', () => {
    expect(decide(pkt({ src: CN_SERVER, sp: 443, dst: TABLET, dp: 47484 }))).toEqual({ client: `${TABLET}:47484`, orientation: 'port', startSeen: false });
    expect(decide(pkt({ src: CN_SERVER, sp: 8883, dst: TABLET, dp: 20000 }))).toMatchObject({ client: `${TABLET}:20000`, orientation: 'port' });
    expect(decide(pkt({ src: CN_SERVER, sp: 9003, dst: TABLET, dp: 50000, udp: true }))).toEqual({ client: `${TABLET}:50000`, orientation: 'port', startSeen: false });
    expect(decide(pkt({ src: TABLET, sp: 38150, dst: '192.168.2.1', dp: 53, udp: true }))).toEqual({ client: `${TABLET}:38150`, orientation: 'port', startSeen: true });
  });

  it('two service ports or two ephemeral ports say nothing: the local address is the client', () => {
    expect(decide(pkt({ src: CN_SERVER, sp: 443, dst: TABLET, dp: 853 }))).toMatchObject({ client: `${TABLET}:853`, orientation: 'address' });
    expect(decide(pkt({ src: CN_SERVER, sp: 50001, dst: TABLET, dp: 50002, udp: true }))).toMatchObject({ client: `${TABLET}:50002`, orientation: 'address' });
    expect(decide(pkt({ src: '8.8.8.8', sp: 50001, dst: '100.72.1.2', dp: 50002 }))).toMatchObject({ client: '100.72.1.2:50002', orientation: 'address' });
    expect(decide(pkt({ src: '2408:4000::1', sp: 50001, dst: 'fd00::20', dp: 50002 }))).toMatchObject({ client: 'fd00::20:50002', orientation: 'address' });
    expect(decide(pkt({ src: '2408:4000::1', sp: 50001, dst: 'fe80::20', dp: 50002 }))).toMatchObject({ orientation: 'address', client: 'fe80::20:50002' });
  });

  it('with nothing to tell the sides apart, the first packet sender is the client', () => {
    expect(decide(pkt({ src: TABLET, sp: 12346, dst: '192.168.2.1', dp: 9003, udp: true }))).toEqual({ client: `${TABLET}:12346`, orientation: 'first_packet', startSeen: true });
    expect(decide(pkt({ src: '192.168.2.1', sp: 9003, dst: TABLET, dp: 12346, udp: true }))).toEqual({ client: '192.168.2.1:9003', orientation: 'first_packet', startSeen: true });
    expect(decide(pkt({ src: CN_SERVER, sp: 9003, dst: '8.8.8.8', dp: 12346 }))).toEqual({ client: `${CN_SERVER}:9003`, orientation: 'first_packet', startSeen: false });
  });
});

describe('service and ephemeral ports', () => {
  it('system ports (RFC 6335: 0-1023) are service ports, port 0 is not', () => {
    for (const port of [1, 53, 80, 123, 443, 853, 1023]) expect(isServicePort(port), String(port)).toBe(true);
    expect(isServicePort(0)).toBe(false);
    expect(isServicePort(1024)).toBe(false);
  });

  it('the registered ports the brief names are service ports (IANA registry: https 443, domain-s 853, mqtt 1883, secure-mqtt 8883, xmpp-client 5222, http-alt 8080, pcsync-https 8443, stun 3478, ntp 123, domain 53)', () => {
    for (const port of [443, 853, 1883, 8883, 5222, 8080, 8443, 3478, 123, 53]) expect(isServicePort(port), String(port)).toBe(true);
  });

  it("every port in this kernel's ip_local_port_range, and IANA's dynamic range 49152-65535, is ephemeral unless it is a service port", () => {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number, number];
    const neither: number[] = [];
    for (const [a, b] of [[lo, hi], [49152, 65535]] as const) {
      for (let port = a; port <= b; port++) if (!isEphemeralPort(port) && !isServicePort(port)) neither.push(port);
    }
    expect(neither).toEqual([]);
    expect(isEphemeralPort(32767)).toBe(false);
    expect(isEphemeralPort(12346)).toBe(false);
  });
});

describe('local addresses (the special-range table)', () => {
  it('RFC 1918, RFC 6598 CGNAT, RFC 4193 ULA and link-local are local; public, loopback and documentation addresses are not', () => {
    for (const ip of ['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.2.20', '100.64.0.1', '100.127.255.255', '169.254.1.1', 'fd12:3456::1', 'fc00::1', 'fe80::1']) {
      expect(isLocalAddress(ip), ip).toBe(true);
    }
    for (const ip of ['172.32.0.1', '100.128.0.1', '8.8.8.8', CN_SERVER, '2408:4000::1', 'fe00::1', '127.0.0.1', '::1', '203.0.113.7']) {
      expect(isLocalAddress(ip), ip).toBe(false);
    }
  });
});

describe('FlowTable with a flow picked up mid-stream', () => {
  function table(devices: string[] = []) {
    const ended: [Flow, FlowEndReason][] = [];
    const counters = new Counters();
    const t = new FlowTable(DEFAULT_FLOW_LIMITS, counters, (f, r) => ended.push([f, r]), evidence(devices));
    return { t, ended, counters };
  }

  it('counts packets and bytes, FINs and MACs by the decided orientation, not by who sent first', () => {
    const { t, ended, counters } = table();
    const SMAC = '02:00:00:00:02:01';
    const TMAC = '02:00:00:00:02:14';
    const fromServer = (ts: number, flags: number, len: number) => pkt({ src: CN_SERVER, sp: 443, dst: TABLET, dp: 47484, flags, ts, len, srcMac: SMAC, dstMac: TMAC });
    const fromTablet = (ts: number, flags: number, len: number) => pkt({ src: TABLET, sp: 47484, dst: CN_SERVER, dp: 443, flags, ts, len, srcMac: TMAC, dstMac: SMAC });
    const first = t.track(fromServer(1, TCP_ACK, 1500));
    t.track(fromServer(1.1, TCP_ACK | TCP_PSH, 1000));
    t.track(fromTablet(1.2, TCP_ACK, 52));
    t.track(fromServer(1.3, TCP_ACK | TCP_FIN, 52));
    expect(first.flow.closedAt).toBeUndefined();
    t.track(fromTablet(1.4, TCP_ACK | TCP_FIN, 52));
    t.track(fromServer(1.5, TCP_ACK, 52));
    const f = first.flow;
    expect(first.direction).toBe('to_client');
    expect(f).toMatchObject({ clientIp: TABLET, clientPort: 47484, serverIp: CN_SERVER, serverPort: 443, clientMac: TMAC, serverMac: SMAC });
    expect(f).toMatchObject({ startSeen: false, orientation: 'port', finFromClient: true, finFromServer: true, closeReason: 'fin' });
    expect([f.packetsToServer, f.bytesToServer, f.packetsToClient, f.bytesToClient]).toEqual([2, 104, 4, 2604]);
    t.expire(1.5 + DEFAULT_FLOW_LIMITS.closedLingerSeconds);
    expect(ended.map(([, r]) => r)).toEqual(['fin']);
    expect(counters.get('flow.start_not_seen.port')).toBe(1);
    expect(f.snapshot()).toMatchObject({ clientIp: TABLET, serverIp: CN_SERVER, startSeen: false, orientation: 'port' });
  });

  it('uses the injected device list', () => {
    const { t } = table([TABLET]);
    const r = t.track(pkt({ src: CN_SERVER, sp: 40001, dst: TABLET, dp: 8443 }));
    expect(r.flow).toMatchObject({ clientIp: TABLET, serverIp: CN_SERVER, orientation: 'device', startSeen: false });
    expect(r.direction).toBe('to_client');
  });
});
