/**
 * Every limit hit is counted: the VLAN tag cap (decode/link.ts) and the CNAME
 * depth cap (attribution/dns/dns-resolve.ts), each with input built to hit it.
 * The frames' tag count is checked with tshark, independently of our decoder.
 */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { MAX_CNAME_DEPTH, resolveAnswers } from '../../src/attribution/dns/dns-resolve.js';
import type { DnsAnswer, DnsMessage } from '../../src/attribution/dns/dns-message.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACK, ETHERTYPE_VLAN, IPPROTO_TCP, ascii, concat, ipv4, pcapFile, sll2, tcp } from '../support/packet-builder.js';
import { tsharkFieldRows } from '../support/tshark.js';

const ep4 = { src: '192.0.2.10', dst: '198.51.100.20' };
const tcp4 = () => ipv4(tcp(ep4, { srcPort: 40000, dstPort: 443, flags: ACK, seq: 7 }, ascii('hello')), { ...ep4, protocol: IPPROTO_TCP });

/** 802.1Q tags, each TPID 0x8100 + VID, the last followed by IPv4. */
function tags(count: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) parts.push(Uint8Array.of(0x81, 0x00, 0x00, i + 1));
  return concat(...parts);
}

function ethernetWithTags(count: number): Uint8Array {
  const macs = Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1);
  return concat(macs, tags(count), Uint8Array.of(0x08, 0x00), tcp4());
}

function decode(linkType: number, data: Uint8Array) {
  const counters = new Counters();
  const p = decodeFrame({ tsSec: 0, tsNsec: 0, linkType, data, wireLen: data.length, interfaceId: 0, sourceIndex: 0 }, { counters });
  return { p, counters };
}

describe('VLAN tag cap', () => {
  it('decodes a frame with five stacked tags (within the cap)', () => {
    const { p, counters } = decode(1, ethernetWithTags(5));
    expect(p?.vlans).toEqual([1, 2, 3, 4, 5]);
    expect(counters.get('anomaly.decode.vlan_tag_limit')).toBe(0);
  });

  it('counts anomaly.decode.vlan_tag_limit for an Ethernet frame with more tags than the cap', () => {
    const frame = ethernetWithTags(8);
    // tshark, independently: the frame really is eight 802.1Q tags deep, IPv4 inside.
    const file = join(mkdtempSync(join(tmpdir(), 'gw-vlan-')), 'vlan8.pcap');
    writeFileSync(file, pcapFile(1, [{ tsSec: 1, tsNsec: 0, data: frame }]));
    expect(tsharkFieldRows(file, ['vlan.id', 'ip.src'])).toEqual([['1,2,3,4,5,6,7,8', ep4.src]]);
    const { p, counters } = decode(1, frame);
    expect(p).toBeUndefined();
    expect(counters.get('anomaly.decode.vlan_tag_limit')).toBe(1);
    expect(counters.get('decode.non_ip')).toBe(0);
  });

  it('counts it for SLL2 too', () => {
    const frame = sll2(concat(tags(7).subarray(2), Uint8Array.of(0x08, 0x00), tcp4()), { protocol: ETHERTYPE_VLAN });
    const { p, counters } = decode(276, frame);
    expect(p).toBeUndefined();
    expect(counters.get('anomaly.decode.vlan_tag_limit')).toBe(1);
  });

  it('a frame of one tag then ARP is non-IP, not a limit hit', () => {
    const macs = Uint8Array.of(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1);
    const { counters } = decode(1, concat(macs, tags(1), Uint8Array.of(0x08, 0x06), new Uint8Array(28)));
    expect(counters.get('decode.non_ip')).toBe(1);
    expect(counters.get('anomaly.decode.vlan_tag_limit')).toBe(0);
  });
});

function response(query: string, answers: DnsAnswer[]): DnsMessage {
  return { id: 1, isResponse: true, opcode: 'QUERY', rcode: 'NOERROR', questions: [{ name: query, type: 'A' }], answers, answersMissing: 0 };
}

/** n CNAME links: n0.example → n1.example → ... → n<links>.example, which owns an A record. */
function chainOf(links: number): DnsAnswer[] {
  const answers: DnsAnswer[] = [];
  for (let i = 0; i < links; i++) answers.push({ name: `n${i}.example`, type: 'CNAME', ttl: 60, data: `n${i + 1}.example` });
  answers.push({ name: `n${links}.example`, type: 'A', ttl: 60, data: '192.0.2.1' });
  return answers;
}

describe('CNAME depth cap', () => {
  it(`follows a chain of exactly ${MAX_CNAME_DEPTH} links without counting a limit`, () => {
    const counters = new Counters();
    const [r] = resolveAnswers(response('n0.example', chainOf(MAX_CNAME_DEPTH)), counters);
    expect(r!.chain).toHaveLength(MAX_CNAME_DEPTH + 1);
    expect(r!.addresses).toEqual([{ ip: '192.0.2.1', ttl: 60 }]);
    expect(counters.get('anomaly.dns.cname_depth_limit')).toBe(0);
  });

  it('counts anomaly.dns.cname_depth_limit when the chain goes on past the cap', () => {
    const counters = new Counters();
    const [r] = resolveAnswers(response('n0.example', chainOf(MAX_CNAME_DEPTH + 4)), counters);
    expect(r!.chain).toHaveLength(MAX_CNAME_DEPTH + 1);
    expect(r!.addresses).toEqual([]);
    expect(counters.get('anomaly.dns.cname_depth_limit')).toBe(1);
  });

  it('a CNAME loop ends the chain without counting the depth limit', () => {
    const counters = new Counters();
    const loop: DnsAnswer[] = [
      { name: 'a.example', type: 'CNAME', ttl: 60, data: 'b.example' },
      { name: 'b.example', type: 'CNAME', ttl: 60, data: 'a.example' },
    ];
    const [r] = resolveAnswers(response('a.example', loop), counters);
    expect(r!.chain).toEqual(['a.example', 'b.example']);
    expect(counters.get('anomaly.dns.cname_depth_limit')).toBe(0);
  });
});
