/**
 * One VLAN / PPPoE walk behind Ethernet, Linux cooked v1 and v2: the same tag
 * stack (old QinQ 0x9100 outside, 802.1Q inside) and PPPoE session around the
 * same IPv4/TCP packet, behind each link header. tshark reads the same frames
 * from a pcap and is the oracle for VLAN ids, addresses and ports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { ACK, ETHERTYPE_IPV4, IPPROTO_TCP, ascii, concat, ethernet, ipv4, pcapFile, sll, sll2, tcp } from '../support/packet-builder.js';
import { tsharkFieldRows } from '../support/tshark.js';

const QINQ_OLD = 0x9100;
const VLAN = 0x8100;
const PPPOE_SESSION = 0x8864;
const PPP_IPV4 = 0x0021;

const ep = { src: '192.0.2.10', dst: '198.51.100.20' };
const ip = ipv4(tcp(ep, { srcPort: 40000, dstPort: 443, flags: ACK, seq: 7 }, ascii('hello')), { ...ep, protocol: IPPROTO_TCP });

const u16 = (v: number) => Uint8Array.of(v >> 8, v & 0xff);

/** PPPoE session header (RFC 2516: ver/type 0x11, code 0, session id, length) and PPP protocol (RFC 1661). */
function pppoe(sessionId: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0x11, 0x00), u16(sessionId), u16(payload.length + 2), u16(PPP_IPV4), payload);
}

/** Tags after the link header's own type field: [TCI, next type] per tag; `first` goes in the link header. */
function tagged(tags: { tpid: number; vid: number }[], inner: number, payload: Uint8Array): { first: number; rest: Uint8Array } {
  if (tags.length === 0) return { first: inner, rest: payload };
  const parts: Uint8Array[] = [];
  tags.forEach((t, i) => parts.push(u16(t.vid), u16(tags[i + 1]?.tpid ?? inner)));
  return { first: tags[0]!.tpid, rest: concat(...parts, payload) };
}

interface Case {
  name: string;
  linkType: number;
  frame: Uint8Array;
}

const STACK = [{ tpid: QINQ_OLD, vid: 100 }, { tpid: VLAN, vid: 200 }];

function cases(): Case[] {
  const out: Case[] = [];
  const shapes = [
    { what: 'old QinQ 0x9100 + 802.1Q + PPPoE', tags: STACK, inner: PPPOE_SESSION, payload: pppoe(0x0042, ip) },
    { what: 'old QinQ 0x9100 + 802.1Q', tags: STACK, inner: ETHERTYPE_IPV4, payload: ip },
    { what: 'PPPoE, untagged', tags: [], inner: PPPOE_SESSION, payload: pppoe(0x0042, ip) },
  ];
  for (const s of shapes) {
    const { first, rest } = tagged(s.tags, s.inner, s.payload);
    // ethernet() writes its own tags; give it the whole stack as raw bytes after the MACs instead.
    const eth = ethernet(rest, { etherType: first });
    out.push({ name: `Ethernet, ${s.what}`, linkType: 1, frame: eth });
    out.push({ name: `Linux cooked v1, ${s.what}`, linkType: 113, frame: sll(rest, { protocol: first }) });
    out.push({ name: `Linux cooked v2, ${s.what}`, linkType: 276, frame: sll2(rest, { protocol: first }) });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), `gw-link-walk-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** tshark's reading of one frame: VLAN ids (outer first), IPv4 source and destination, TCP destination port. */
function tsharkReads(c: Case): { vlans: number[]; src: string; dst: string; dstPort: number } {
  const file = join(dir, `${c.linkType}-${c.name.replace(/\W+/g, '_')}.pcap`);
  writeFileSync(file, pcapFile(c.linkType, [{ tsSec: 1_700_000_000, tsNsec: 0, data: c.frame }]));
  const [row] = tsharkFieldRows(file, ['vlan.id', 'ip.src', 'ip.dst', 'tcp.dstport']);
  const [vlan = '', src = '', dst = '', port = ''] = row ?? [];
  return { vlans: vlan ? vlan.split(',').map(Number) : [], src, dst, dstPort: Number(port) };
}

describe('one VLAN/PPPoE walk for Ethernet, SLL and SLL2 (tshark as oracle)', () => {
  it.each(cases())('$name', (c) => {
    const oracle = tsharkReads(c);
    // The oracle must have read the packet through the stack, or the comparison proves nothing.
    expect(oracle.src).toBe('192.0.2.10');
    expect(oracle.dstPort).toBe(443);
    const counters = new Counters();
    const p = decodeFrame({ tsSec: 1_700_000_000, tsNsec: 0, linkType: c.linkType, data: c.frame, wireLen: c.frame.length, interfaceId: 0, sourceIndex: 0 }, { counters });
    expect(counters.toJSON()).not.toHaveProperty('decode.non_ip');
    expect(p).toMatchObject({ src: oracle.src, dst: oracle.dst, dstPort: oracle.dstPort });
    expect(p!.vlans ?? []).toEqual(oracle.vlans);
  });
});
