import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { IpReassembler, type FragmentIn } from '../../src/decode/ip-reassembly.js';
import { parseDnsMessage } from '../../src/attribution/dns/dns-message.js';
import { hexBytes, tsharkFields } from '../attribution/dns/peer-tshark.js';

const V4 = { version: 4 as const, src: '192.0.2.1', dst: '198.51.100.2', id: 0x1234, protocol: 17 };
const V6 = { version: 6 as const, src: '2001:db8::1', dst: '2001:db8::2', id: 0xdeadbeef, protocol: 17 };

function payloadOf(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);
}

/** Splits a payload into fragments of `size` bytes (a multiple of 8, as RFC 791 requires). */
function fragment(base: typeof V4 | typeof V6, payload: Uint8Array, size: number, ts = 100): FragmentIn[] {
  const out: FragmentIn[] = [];
  for (let offset = 0; offset < payload.length; offset += size) {
    const end = Math.min(payload.length, offset + size);
    out.push({ ...base, offset, more: end < payload.length, payload: payload.slice(offset, end), ts });
  }
  return out;
}

function pushAll(r: IpReassembler, frags: FragmentIn[]): (Uint8Array | null)[] {
  return frags.map((f) => r.push(f));
}

describe('IpReassembler', () => {
  for (const base of [V4, V6]) {
    it(`IPv${base.version}: reassembles in order, completing on the last fragment`, () => {
      const counters = new Counters();
      const r = new IpReassembler(counters);
      const data = payloadOf(3000);
      const results = pushAll(r, fragment(base, data, 1480));
      expect(results.slice(0, -1)).toEqual([null, null]);
      expect(results.at(-1)).toEqual(data);
      expect(r.inProgress).toBe(0);
      expect(counters.sum('anomaly.frag')).toBe(0);
    });

    it(`IPv${base.version}: reassembles in reverse order`, () => {
      const r = new IpReassembler(new Counters());
      const data = payloadOf(1000);
      const results = pushAll(r, fragment(base, data, 96).reverse());
      expect(results.filter((x) => x !== null)).toEqual([data]);
      expect(results.at(-1)).toEqual(data);
    });
  }

  it('keeps the first data on overlap and counts it', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    const first = { ...V4, offset: 0, more: true, payload: new Uint8Array(16).fill(0xaa), ts: 1 };
    const overlapping = { ...V4, offset: 8, more: true, payload: new Uint8Array(16).fill(0xbb), ts: 1 };
    const last = { ...V4, offset: 24, more: false, payload: new Uint8Array(8).fill(0xcc), ts: 1 };
    expect(r.push(first)).toBeNull();
    expect(r.push(overlapping)).toBeNull();
    const whole = r.push(last)!;
    expect([...whole]).toEqual([...new Array(16).fill(0xaa), ...new Array(8).fill(0xbb), ...new Array(8).fill(0xcc)]);
    expect(counters.get('anomaly.frag.overlap')).toBe(1);
  });

  it('a later fragment covering a hole and overlapping both sides fills only the hole', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    r.push({ ...V4, offset: 0, more: true, payload: new Uint8Array(8).fill(1), ts: 1 });
    r.push({ ...V4, offset: 16, more: false, payload: new Uint8Array(8).fill(3), ts: 1 });
    const whole = r.push({ ...V4, offset: 0, more: true, payload: new Uint8Array(24).fill(2), ts: 1 })!;
    expect([...whole]).toEqual([...new Array(8).fill(1), ...new Array(8).fill(2), ...new Array(8).fill(3)]);
    expect(counters.get('anomaly.frag.overlap')).toBe(1);
  });

  it('a duplicate fragment changes nothing (counted as overlap)', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    const data = payloadOf(64);
    const [a, b] = fragment(V6, data, 32);
    expect(r.push(a!)).toBeNull();
    expect(r.push({ ...a!, payload: new Uint8Array(32) })).toBeNull();
    expect(r.push(b!)).toEqual(data);
    expect(counters.get('anomaly.frag.overlap')).toBe(1);
  });

  it('keeps datagrams apart by id, addresses and protocol', () => {
    const r = new IpReassembler(new Counters());
    const one = payloadOf(40);
    const two = payloadOf(40).reverse();
    const [a1, a2] = fragment(V4, one, 24);
    const [b1, b2] = fragment({ ...V4, id: 0x9999 }, two, 24);
    const [c1] = fragment({ ...V4, protocol: 6 }, two, 24);
    expect(r.push(a1!)).toBeNull();
    expect(r.push(b1!)).toBeNull();
    expect(r.push(c1!)).toBeNull();
    expect(r.push(b2!)).toEqual(two);
    expect(r.push(a2!)).toEqual(one);
    expect(r.inProgress).toBe(1);
  });

  it('a missing last fragment times out in packet time (30 s v4, 60 s v6)', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    r.push(fragment(V4, payloadOf(64), 32, 1000)[0]!);
    r.push(fragment(V6, payloadOf(64), 32, 1000)[0]!);
    r.expire(1030);
    expect(r.inProgress).toBe(2);
    r.expire(1030.5);
    expect(r.inProgress).toBe(1);
    expect(counters.get('anomaly.frag.timeout')).toBe(1);
    r.expire(1061);
    expect(r.inProgress).toBe(0);
    expect(counters.get('anomaly.frag.timeout')).toBe(2);
  });

  it('a late fragment of a timed-out datagram does not complete it', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    const [a, b] = fragment(V4, payloadOf(64), 32, 0);
    r.push(a!);
    expect(r.push({ ...b!, ts: 31 })).toBeNull();
    expect(counters.get('anomaly.frag.timeout')).toBe(1);
  });

  it('gives up a datagram with too many fragments and counts it once', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters, { maxFragmentsPerDatagram: 64 });
    const data = payloadOf(8 * 70);
    const results = pushAll(r, fragment(V4, data, 8));
    expect(results.every((x) => x === null)).toBe(true);
    expect(counters.get('anomaly.frag.too_many_fragments')).toBe(1);
  });

  it('rejects fragments past 65535 bytes', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    expect(r.push({ ...V4, offset: 65528, more: true, payload: new Uint8Array(16), ts: 0 })).toBeNull();
    expect(counters.get('anomaly.frag.too_large')).toBe(1);
    expect(r.inProgress).toBe(0);
  });

  it('gives up when fragments disagree on the total length', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters);
    r.push({ ...V4, offset: 0, more: true, payload: new Uint8Array(32), ts: 0 });
    expect(r.push({ ...V4, offset: 8, more: false, payload: new Uint8Array(8), ts: 0 })).toBeNull();
    expect(counters.get('anomaly.frag.inconsistent_length')).toBe(1);
  });

  it('bounds the datagrams in progress, evicting the oldest', () => {
    const counters = new Counters();
    const r = new IpReassembler(counters, { maxDatagrams: 4 });
    const frags = Array.from({ length: 6 }, (_, id) => fragment({ ...V4, id }, payloadOf(32), 16, id));
    for (const [first] of frags) r.push(first!);
    expect(r.inProgress).toBe(4);
    expect(counters.get('anomaly.frag.evicted')).toBe(2);
    expect(r.push(frags[0]![1]!)).toBeNull(); // id 0 was evicted: its tail starts a new datagram
    expect(r.push(frags[5]![1]!)).toEqual(payloadOf(32));
  });

  it('a fragmented DNS answer (dns-packet encoded) reassembles and parses', () => {
    const answers = Array.from({ length: 120 }, (_, i) => ({
      type: 'A' as const, name: 'big.example', ttl: 300, data: `192.0.2.${i}`,
    }));
    const dns = new Uint8Array(
      dnsPacket.encode({ type: 'response', id: 7, questions: [{ type: 'A', name: 'big.example' }], answers }),
    );
    const udp = new Uint8Array(8 + dns.length);
    udp.set([0, 53, 0xc0, 0x00, (udp.length >> 8) & 0xff, udp.length & 0xff, 0, 0]);
    udp.set(dns, 8);
    const r = new IpReassembler(new Counters());
    const results = pushAll(r, fragment(V4, udp, 552).reverse());
    const whole = results.find((x) => x !== null)!;
    const parsed = parseDnsMessage(whole.subarray(8));
    expect(parsed.status).toBe('found');
    if (parsed.status !== 'found') return;
    expect(parsed.value.answers.map((a) => a.data)).toEqual(answers.map((a) => a.data));
  });

  it('reassembles the TCP SYN of frag-ipv4-vlan-tcp-syn as tshark does', () => {
    const file = 'frag-ipv4-vlan-tcp-syn__sv-defrag-eth-vlan.pcap';
    // Fragments as tshark sees them with its own defragmentation and TCP dissection off
    const rows = tsharkFields(file, 'ip', ['ip.src', 'ip.dst', 'ip.id', 'ip.proto', 'ip.flags.mf', 'ip.frag_offset', 'frame.time_epoch', 'data.data'],
      ['-o', 'ip.defragment:FALSE', '--disable-protocol', 'tcp']);
    expect(rows).toHaveLength(3);
    const r = new IpReassembler(new Counters());
    const results = rows.map(([src, dst, id, proto, mf, off, ts, data]) =>
      r.push({
        version: 4, src: src!, dst: dst!, id: Number(id), protocol: Number(proto),
        offset: Number(off) * 8, // tshark 4.0 shows the raw field, in 8-byte units
        more: mf === '1', payload: hexBytes(data!), ts: Number(ts),
      }),
    );
    const whole = results.at(-1)!;
    expect(whole).not.toBeNull();
    const [oracle] = tsharkFields(file, 'tcp', ['tcp.srcport', 'tcp.dstport', 'tcp.flags', 'ip.reassembled.data']);
    const srcPort = (whole[0]! << 8) | whole[1]!;
    const dstPort = (whole[2]! << 8) | whole[3]!;
    const flags = whole[13]!;
    expect([String(srcPort), String(dstPort), `0x${flags.toString(16).padStart(4, '0')}`]).toEqual(oracle!.slice(0, 3));
    expect(whole).toEqual(hexBytes(oracle![3]!));
  });
});
