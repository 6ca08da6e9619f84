/**
 * Frames built from layers (so the expected values are the inputs, not the
 * decoder's output) through decodeFrame, one link type and IP shape at a time.
 */
import { describe, expect, it } from 'vitest';
import { Counters, type CounterName } from '../../src/counters.js';
import { decodeFrame } from '../../src/decode/decode.js';
import type { RawPacket } from '../../src/types.js';
import {
  ACK,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ascii,
  concat,
  ethernet,
  ipv4,
  ipv6,
  nullLoopback,
  sll,
  sll2,
  tcp,
  udp,
  type Ipv6Extension,
} from '../support/packet-builder.js';

const ep4 = { src: '192.0.2.10', dst: '198.51.100.20' };
const ep6 = { src: '2001:db8::10', dst: '2001:db8:0:1::20' };
const tcp4 = () => ipv4(tcp(ep4, { srcPort: 40000, dstPort: 443, flags: ACK, seq: 7 }, ascii('hello')), { ...ep4, protocol: IPPROTO_TCP });
const udp6 = (ext: Ipv6Extension[] = []) =>
  ipv6(udp(ep6, { srcPort: 5353, dstPort: 53 }, ascii('dns?')), { ...ep6, nextHeader: IPPROTO_UDP, extensions: ext });

function raw(linkType: number, data: Uint8Array): RawPacket {
  return { tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType, data, wireLen: data.length, interfaceId: 0, sourceIndex: 0 };
}

function decode(linkType: number, data: Uint8Array, counters = new Counters()) {
  return { p: decodeFrame(raw(linkType, data), { counters }), counters };
}

describe('decodeFrame link layers', () => {
  it('Ethernet with IPv4/TCP: addresses, ports, MACs, payload, time', () => {
    const { p } = decode(1, ethernet(tcp4(), { etherType: ETHERTYPE_IPV4, src: '02:aa:bb:cc:dd:ee', dst: '02:11:22:33:44:55' }));
    expect(p).toMatchObject({ src: '192.0.2.10', dst: '198.51.100.20', srcPort: 40000, dstPort: 443, transport: 'tcp', tcpSeq: 7 });
    expect(p!.srcMac).toBe('02:aa:bb:cc:dd:ee');
    expect(p!.dstMac).toBe('02:11:22:33:44:55');
    expect(Buffer.from(p!.payload).toString()).toBe('hello');
    expect(p!.ts).toBeCloseTo(1_700_000_000.123456789, 6);
  });

  it('802.1Q and QinQ tags (outer first)', () => {
    expect(decode(1, ethernet(tcp4(), { etherType: ETHERTYPE_IPV4, vlans: [6] })).p!.vlans).toEqual([6]);
    expect(decode(1, ethernet(tcp4(), { etherType: ETHERTYPE_IPV4, vlans: [421, 785] })).p!.vlans).toEqual([421, 785]);
    expect(decode(1, ethernet(tcp4(), { etherType: ETHERTYPE_IPV4, vlans: [100, 200], outerTpid: 0x8100 })).p!.vlans).toEqual([100, 200]);
  });

  it('Linux cooked v1 and v2', () => {
    const a = decode(113, sll(tcp4(), { protocol: ETHERTYPE_IPV4, addr: '02:00:00:00:00:09' })).p!;
    expect(a).toMatchObject({ src: '192.0.2.10', dstPort: 443, srcMac: '02:00:00:00:00:09' });
    const b = decode(276, sll2(udp6(), { protocol: ETHERTYPE_IPV6 })).p!;
    expect(b).toMatchObject({ src: '2001:db8::10', dst: '2001:db8:0:1::20', dstPort: 53, transport: 'udp' });
  });

  it.each([101, 12, 14, 228])('raw IPv4 with link type %i', (lt) => {
    expect(decode(lt, tcp4()).p).toMatchObject({ ipVersion: 4, src: '192.0.2.10' });
  });

  it.each([101, 229])('raw IPv6 with link type %i', (lt) => {
    expect(decode(lt, udp6()).p).toMatchObject({ ipVersion: 6, dst: '2001:db8:0:1::20' });
  });

  it('BSD loopback: AF_INET little endian, AF_INET6 of every OS, LOOP big endian', () => {
    expect(decode(0, nullLoopback(tcp4(), 2)).p!.ipVersion).toBe(4);
    for (const af of [10, 24, 28, 30]) expect(decode(0, nullLoopback(udp6(), af)).p!.ipVersion).toBe(6);
    expect(decode(108, nullLoopback(tcp4(), 2, false)).p!.ipVersion).toBe(4);
  });

  it('PPPoE session frames (RFC 2516) carry IPv4 after the PPP protocol 0x0021', () => {
    const ip = tcp4();
    const pppoe = concat(Uint8Array.of(0x11, 0x00, 0x00, 0x01, (ip.length + 2) >> 8, (ip.length + 2) & 0xff, 0x00, 0x21), ip);
    expect(decode(1, ethernet(pppoe, { etherType: 0x8864 })).p).toMatchObject({ src: '192.0.2.10', dstPort: 443 });
  });

  it('counts non-IP frames and unknown link types without failing', () => {
    const { p, counters } = decode(1, ethernet(new Uint8Array(28), { etherType: 0x0806 }));
    expect(p).toBeUndefined();
    expect(counters.get('decode.non_ip')).toBe(1);
    const other = decode(147, tcp4());
    expect(other.p).toBeUndefined();
    expect(other.counters.get('decode.unsupported_link_type')).toBe(1);
  });
});

describe('decodeFrame IP', () => {
  it('skips IPv4 options', () => {
    const frame = ipv4(tcp(ep4, { srcPort: 1, dstPort: 2, flags: ACK }, ascii('x')), { ...ep4, protocol: IPPROTO_TCP, options: Uint8Array.of(1, 1, 1, 1, 0x94, 4, 0, 0) });
    expect(Buffer.from(decode(101, frame).p!.payload).toString()).toBe('x');
  });

  it('walks IPv6 extension headers to the transport', () => {
    const p = decode(101, udp6([{ kind: 'hopByHop' }, { kind: 'routing' }, { kind: 'destOptions', options: Uint8Array.of(1, 2, 0, 0) }])).p!;
    expect(p).toMatchObject({ protocol: IPPROTO_UDP, srcPort: 5353, dstPort: 53 });
    expect(Buffer.from(p.payload).toString()).toBe('dns?');
  });

  it('stops at a depth limit on extension-header chains', () => {
    const many: Ipv6Extension[] = Array.from({ length: 12 }, () => ({ kind: 'destOptions' as const }));
    const { p, counters } = decode(101, udp6(many));
    expect(p).toBeUndefined();
    expect(counters.get('anomaly.decode.ipv6.too_many_extension_headers')).toBe(1);
  });

  it('trims Ethernet padding by the IP total length', () => {
    const frame = concat(ethernet(ipv4(udp(ep4, { srcPort: 1, dstPort: 2 }, ascii('ab')), { ...ep4, protocol: IPPROTO_UDP }), { etherType: ETHERTYPE_IPV4 }), new Uint8Array(20));
    expect(Buffer.from(decode(1, frame).p!.payload).toString()).toBe('ab');
  });

  it('marks a snaplen-cut packet as truncated and keeps what was captured', () => {
    const full = ipv4(tcp(ep4, { srcPort: 1, dstPort: 2, flags: ACK }, ascii('0123456789')), { ...ep4, protocol: IPPROTO_TCP });
    const p = decode(101, full.subarray(0, 44)).p!;
    expect(p.truncated).toBe(true);
    expect(Buffer.from(p.payload).toString()).toBe('0123');
    expect(p.ipLen).toBe(50);
  });

  it.each([
    ['bad IHL', () => ipv4(new Uint8Array(20), { ...ep4, protocol: IPPROTO_TCP, ihl: 3 }), 'anomaly.decode.ipv4.bad_ihl'],
    ['truncated IPv4 header', () => tcp4().subarray(0, 12), 'anomaly.decode.truncated'],
    ['TCP data offset below 5', () => ipv4(tcp(ep4, { srcPort: 1, dstPort: 2, flags: ACK, dataOffset: 3 }), { ...ep4, protocol: IPPROTO_TCP }), 'anomaly.decode.tcp.bad_data_offset'],
    ['bad IP version', () => Uint8Array.of(0x20, 0, 0, 0), 'anomaly.decode.ip_bad_version'],
    ['empty frame', () => new Uint8Array(0), 'anomaly.decode.ip_bad_version'],
  ] as [string, () => Uint8Array, CounterName][])('counts %s as a named anomaly and never throws', (_name, frame, counter) => {
    const { p, counters } = decode(101, frame());
    expect(p).toBeUndefined();
    expect(counters.get(counter)).toBe(1);
  });
});
