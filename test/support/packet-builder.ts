/**
 * Builds frames layer by layer (link → IP → transport) with correct lengths and
 * checksums, for decode/flow tests and the fixture generators. Every computed
 * field can be overridden so tests can build deliberately malformed frames.
 * pcapFile / pcapngFile at the end wrap capture-writer.ts for frames built here.
 */
import { isIPv4 } from 'node:net';
import { PcapngWriter, pcapFile as writePcap } from './capture-writer.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const IPV6_HOP_BY_HOP = 0;
export const IPV6_ROUTING = 43;
export const IPV6_FRAGMENT = 44;
export const IPV6_DEST_OPTS = 60;
export const IPV6_NO_NEXT = 59;

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function u16(v: number): Uint8Array {
  return Uint8Array.of((v >>> 8) & 0xff, v & 0xff);
}

function u32(v: number): Uint8Array {
  return Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':').map((h) => parseInt(h, 16));
  if (parts.length !== 6 || parts.some((n) => !(n >= 0 && n <= 255))) throw new Error(`bad MAC ${mac}`);
  return Uint8Array.from(parts);
}

export function ipv4Bytes(addr: string): Uint8Array {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !(n >= 0 && n <= 255))) throw new Error(`bad IPv4 ${addr}`);
  return Uint8Array.from(parts);
}

export function ipv6Bytes(addr: string): Uint8Array {
  const [head = '', tail] = addr.split('::');
  const groups = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const all = [...h, ...new Array<number>(fill).fill(0), ...t];
  if (all.length !== 8 || all.some((n) => !(n >= 0 && n <= 0xffff))) throw new Error(`bad IPv6 ${addr}`);
  return concat(...all.map(u16));
}

export function ipBytes(addr: string): Uint8Array {
  return isIPv4(addr) ? ipv4Bytes(addr) : ipv6Bytes(addr);
}

/** RFC 1071 one's-complement sum over `data`, folded, complemented. */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length % 2 === 1) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** IPv4 (RFC 793) or IPv6 (RFC 8200 §8.1) pseudo-header for transport checksums. */
export function pseudoHeader(src: string, dst: string, protocol: number, length: number): Uint8Array {
  if (isIPv4(src)) return concat(ipv4Bytes(src), ipv4Bytes(dst), Uint8Array.of(0, protocol), u16(length));
  return concat(ipv6Bytes(src), ipv6Bytes(dst), u32(length), Uint8Array.of(0, 0, 0, protocol));
}

function transportChecksum(src: string, dst: string, protocol: number, segment: Uint8Array): number {
  return internetChecksum(concat(pseudoHeader(src, dst, protocol, segment.length), segment));
}

// ---------------------------------------------------------------- link layers

export interface EthernetOptions {
  src?: string;
  dst?: string;
  /** VLAN ids, outermost first. Two or more ids make a QinQ stack. */
  vlans?: number[] | undefined;
  /** Outer tag TPID for stacked tags (0x88a8 by default; 0x8100 is also seen). */
  outerTpid?: number;
  etherType: number;
}

export function ethernet(payload: Uint8Array, o: EthernetOptions): Uint8Array {
  const tags: Uint8Array[] = [];
  const vlans = o.vlans ?? [];
  vlans.forEach((vid, i) => {
    const tpid = i === 0 && vlans.length > 1 ? (o.outerTpid ?? ETHERTYPE_QINQ) : ETHERTYPE_VLAN;
    tags.push(concat(u16(tpid), u16(vid & 0x0fff)));
  });
  const dst = macBytes(o.dst ?? '02:00:00:00:00:02');
  const src = macBytes(o.src ?? '02:00:00:00:00:01');
  return concat(dst, src, ...tags, u16(o.etherType), payload);
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL = 113). */
export function sll(payload: Uint8Array, o: { protocol: number; packetType?: number; addr?: string }): Uint8Array {
  const addr = new Uint8Array(8);
  addr.set(macBytes(o.addr ?? '02:00:00:00:00:01'));
  return concat(u16(o.packetType ?? 0), u16(1), u16(6), addr, u16(o.protocol), payload);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 = 276). */
export function sll2(
  payload: Uint8Array,
  o: { protocol: number; ifIndex?: number; packetType?: number; addr?: string },
): Uint8Array {
  const addr = new Uint8Array(8);
  addr.set(macBytes(o.addr ?? '02:00:00:00:00:01'));
  const head = concat(u16(o.protocol), u16(0), u32(o.ifIndex ?? 1), u16(1), Uint8Array.of(o.packetType ?? 0, 6));
  return concat(head, addr, payload);
}

/** BSD loopback (LINKTYPE_NULL = 0): 4-byte address family in host byte order. */
export function nullLoopback(payload: Uint8Array, family: number, littleEndian = true): Uint8Array {
  const fam = new Uint8Array(4);
  new DataView(fam.buffer).setUint32(0, family, littleEndian);
  return concat(fam, payload);
}

// ---------------------------------------------------------------- IP

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  ttl?: number;
  id?: number;
  tos?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragmentOffset?: number;
  /** Raw options; padded with EOL to a multiple of 4 bytes. */
  options?: Uint8Array;
  /** Overrides for malformed frames. */
  ihl?: number;
  totalLength?: number;
  checksum?: number;
}

export function ipv4(payload: Uint8Array, o: Ipv4Options): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const padded = new Uint8Array(Math.ceil(opts.length / 4) * 4);
  padded.set(opts);
  const ihl = o.ihl ?? 5 + padded.length / 4;
  const flagsFrag =
    (o.dontFragment ? 0x4000 : 0) | (o.moreFragments ? 0x2000 : 0) | (((o.fragmentOffset ?? 0) / 8) & 0x1fff);
  const header = concat(
    Uint8Array.of(0x40 | (ihl & 0x0f), o.tos ?? 0),
    u16(o.totalLength ?? 20 + padded.length + payload.length),
    u16(o.id ?? 0x1234),
    u16(flagsFrag),
    Uint8Array.of(o.ttl ?? 64, o.protocol),
    u16(0),
    ipv4Bytes(o.src),
    ipv4Bytes(o.dst),
    padded,
  );
  const sum = o.checksum ?? internetChecksum(header);
  header.set(u16(sum), 10);
  return concat(header, payload);
}

/** Splits an IPv4 payload into fragments of at most `chunk` bytes (multiple of 8). */
export function ipv4Fragments(payload: Uint8Array, o: Ipv4Options, chunk: number): Uint8Array[] {
  if (chunk % 8 !== 0) throw new Error('fragment size must be a multiple of 8');
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += chunk) {
    const part = payload.subarray(off, off + chunk);
    out.push(ipv4(part, { ...o, fragmentOffset: off, moreFragments: off + chunk < payload.length }));
  }
  return out;
}

export type Ipv6Extension =
  | { kind: 'hopByHop' | 'destOptions'; options?: Uint8Array }
  | { kind: 'routing'; routingType?: number; segmentsLeft?: number; data?: Uint8Array }
  | { kind: 'fragment'; offset: number; more: boolean; id: number };

const EXT_CODE = { hopByHop: IPV6_HOP_BY_HOP, destOptions: IPV6_DEST_OPTS, routing: IPV6_ROUTING, fragment: IPV6_FRAGMENT };

function optionsExtension(next: number, body: Uint8Array): Uint8Array {
  // Pad (PadN / Pad1) so the header is a multiple of 8 bytes (RFC 8200 §4.2).
  const raw = 2 + body.length;
  const padLen = (8 - (raw % 8)) % 8;
  const pad = padLen === 0 ? new Uint8Array(0) : padLen === 1 ? Uint8Array.of(0) : concat(Uint8Array.of(1, padLen - 2), new Uint8Array(padLen - 2));
  const total = raw + padLen;
  return concat(Uint8Array.of(next, total / 8 - 1), body, pad);
}

function extensionBytes(ext: Ipv6Extension, next: number): Uint8Array {
  switch (ext.kind) {
    case 'hopByHop':
    case 'destOptions':
      return optionsExtension(next, ext.options ?? new Uint8Array(0));
    case 'routing': {
      const body = concat(Uint8Array.of(ext.routingType ?? 0, ext.segmentsLeft ?? 0), u32(0), ext.data ?? new Uint8Array(0));
      return optionsExtension(next, body);
    }
    case 'fragment':
      return concat(Uint8Array.of(next, 0), u16((ext.offset & 0xfff8) | (ext.more ? 1 : 0)), u32(ext.id));
  }
}

export interface Ipv6Options {
  src: string;
  dst: string;
  /** Protocol of `payload` (after all extension headers). */
  nextHeader: number;
  hopLimit?: number;
  flowLabel?: number;
  trafficClass?: number;
  extensions?: Ipv6Extension[];
  /** Override for malformed frames. */
  payloadLength?: number;
}

export function ipv6(payload: Uint8Array, o: Ipv6Options): Uint8Array {
  const exts = o.extensions ?? [];
  const chain: Uint8Array[] = [];
  for (let i = exts.length - 1; i >= 0; i--) {
    const following = exts[i + 1];
    const next = following ? EXT_CODE[following.kind] : o.nextHeader;
    chain.unshift(extensionBytes(exts[i]!, next));
  }
  const body = concat(...chain, payload);
  const first = exts[0] ? EXT_CODE[exts[0].kind] : o.nextHeader;
  const tc = o.trafficClass ?? 0;
  const word0 = ((6 << 28) | (tc << 20) | (o.flowLabel ?? 0)) >>> 0;
  const header = concat(u32(word0), u16(o.payloadLength ?? body.length), Uint8Array.of(first, o.hopLimit ?? 64), ipv6Bytes(o.src), ipv6Bytes(o.dst));
  return concat(header, body);
}

// ---------------------------------------------------------------- transport

export interface Endpoints {
  src: string;
  dst: string;
}

export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  /** Raw TCP options, padded with NOP... EOL to a multiple of 4. */
  options?: Uint8Array;
  /** Override (in 32-bit words) for malformed frames. */
  dataOffset?: number;
  checksum?: number;
}

export function tcp(ep: Endpoints, o: TcpOptions, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const padded = new Uint8Array(Math.ceil(opts.length / 4) * 4);
  padded.set(opts);
  const doff = o.dataOffset ?? 5 + padded.length / 4;
  const seg = concat(
    u16(o.srcPort),
    u16(o.dstPort),
    u32(o.seq ?? 0),
    u32(o.ack ?? 0),
    Uint8Array.of((doff & 0x0f) << 4, o.flags & 0xff),
    u16(o.window ?? 65535),
    u16(0),
    u16(0),
    padded,
    payload,
  );
  seg.set(u16(o.checksum ?? transportChecksum(ep.src, ep.dst, IPPROTO_TCP, seg)), 16);
  return seg;
}

/** MSS option (kind 2) — the common SYN option. */
export function tcpMssOption(mss: number): Uint8Array {
  return concat(Uint8Array.of(2, 4), u16(mss));
}

export interface UdpOptions {
  srcPort: number;
  dstPort: number;
  length?: number;
  checksum?: number;
}

export function udp(ep: Endpoints, o: UdpOptions, payload: Uint8Array): Uint8Array {
  const dgram = concat(u16(o.srcPort), u16(o.dstPort), u16(o.length ?? 8 + payload.length), u16(0), payload);
  let sum = o.checksum ?? transportChecksum(ep.src, ep.dst, IPPROTO_UDP, dgram);
  if (o.checksum === undefined && sum === 0) sum = 0xffff; // RFC 768: zero means "no checksum"
  dgram.set(u16(sum), 6);
  return dgram;
}

export interface IcmpOptions {
  type: number;
  code?: number;
  /** The 4 bytes after the checksum (identifier + sequence for echo). */
  rest?: Uint8Array;
}

export function icmpv4(o: IcmpOptions, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const msg = concat(Uint8Array.of(o.type, o.code ?? 0, 0, 0), o.rest ?? new Uint8Array(4), payload);
  msg.set(u16(internetChecksum(msg)), 2);
  return msg;
}

export function icmpv6(ep: Endpoints, o: IcmpOptions, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const msg = concat(Uint8Array.of(o.type, o.code ?? 0, 0, 0), o.rest ?? new Uint8Array(4), payload);
  msg.set(u16(transportChecksum(ep.src, ep.dst, IPPROTO_ICMPV6, msg)), 2);
  return msg;
}

export function echoRest(id: number, seq: number): Uint8Array {
  return concat(u16(id), u16(seq));
}

// ---------------------------------------------------------------- whole packets

/** An IP packet (v4 or v6 by address) carrying a TCP segment with correct checksums. */
export function tcpPacket(ep: Endpoints, o: TcpOptions, payload?: Uint8Array, ttl = 64): Uint8Array {
  const seg = tcp(ep, o, payload);
  return isIPv4(ep.src)
    ? ipv4(seg, { ...ep, protocol: IPPROTO_TCP, ttl })
    : ipv6(seg, { ...ep, nextHeader: IPPROTO_TCP, hopLimit: ttl });
}

export function udpPacket(ep: Endpoints, o: UdpOptions, payload: Uint8Array, ttl = 64): Uint8Array {
  const dgram = udp(ep, o, payload);
  return isIPv4(ep.src)
    ? ipv4(dgram, { ...ep, protocol: IPPROTO_UDP, ttl })
    : ipv6(dgram, { ...ep, nextHeader: IPPROTO_UDP, hopLimit: ttl });
}

/** Ethernet frame with the EtherType chosen from the IP version nibble. */
export function ethernetIp(ip: Uint8Array, o: Omit<EthernetOptions, 'etherType'> = {}): Uint8Array {
  const etherType = (ip[0]! >> 4) === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
  return ethernet(ip, { ...o, etherType });
}

// ---------------------------------------------------------------- capture files

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW_OLD = 12; // OpenBSD's DLT_RAW value as found in files
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export interface CaptureFrame {
  tsSec: number;
  /** Nanoseconds within the second (written as µs unless the file is nanosecond). */
  tsNsec: number;
  data: Uint8Array;
  /** Original length; defaults to data.length. */
  wireLen?: number;
  /** pcapng interface index (ignored for pcap). */
  interfaceId?: number;
}

/** Classic libpcap file (little-endian; µs or ns timestamps), written by capture-writer. */
export function pcapFile(linkType: number, frames: CaptureFrame[], o: { nanosecond?: boolean; snaplen?: number } = {}): Uint8Array {
  const records = frames.map((f) => ({
    tsSec: f.tsSec,
    tsFrac: o.nanosecond ? f.tsNsec : Math.floor(f.tsNsec / 1000),
    data: f.data,
    ...(f.wireLen !== undefined ? { wireLen: f.wireLen } : {}),
  }));
  return new Uint8Array(writePcap({ linkType, records, snaplen: o.snaplen ?? 262144, ...(o.nanosecond ? { nanosecond: true } : {}) }));
}

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  name?: string;
  /** if_tsresol: true writes 9 (nanoseconds); default is µs (no option). */
  nanosecond?: boolean;
}

/** pcapng: one SHB, one IDB per interface, one EPB per frame (little-endian), written by capture-writer. */
export function pcapngFile(interfaces: PcapngInterface[], frames: CaptureFrame[]): Uint8Array {
  const w = new PcapngWriter().section(true);
  for (const itf of interfaces) {
    w.interface(itf.linkType, { snaplen: itf.snaplen ?? 262144, ...(itf.name ? { name: itf.name } : {}), ...(itf.nanosecond ? { tsresol: 9 } : {}) });
  }
  for (const f of frames) {
    const itf = interfaces[f.interfaceId ?? 0];
    if (!itf) throw new Error(`frame refers to unknown interface ${f.interfaceId}`);
    const units = BigInt(f.tsSec) * (itf.nanosecond ? 1_000_000_000n : 1_000_000n) + BigInt(itf.nanosecond ? f.tsNsec : Math.floor(f.tsNsec / 1000));
    w.epb(f.interfaceId ?? 0, units, f.data, f.wireLen ?? f.data.length);
  }
  return new Uint8Array(w.build());
}
