/**
 * Frame -> Decoded. Every failure is a named anomaly counted in `anomaly.decode.*`;
 * nothing throws out of `decodeFrame`.
 */
import { countAnomaly, type Counters } from '../counters.js';
import { noteInternalError } from '../telemetry/internal-errors.js';
import { ETHERTYPE } from './link-types.js';

import type { Decoded, RawPacket, Transport } from '../types.js';
import { isOutOfBounds } from './cursor.js';
import type { FragmentIn } from './ip-reassembly.js';
import { decodeIPv4, type IpHeader } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import { decodeLink } from './link.js';
import {
  decodeIcmp,
  decodeTcp,
  decodeUdp,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type TransportHeader,
  type TransportResult,
} from './transport.js';
import { formatMac } from '../address/mac.js';

/** What decode needs from IP reassembly (decode/ip-reassembly.ts implements it). */
export interface FragmentReassembler {
  push(f: FragmentIn): Uint8Array | null;
}

export interface DecodeContext {
  counters: Counters;
  reassembler?: FragmentReassembler;
}

function isVlanTag(ethertype: number): boolean {
  return ethertype === ETHERTYPE.VLAN || ethertype === ETHERTYPE.QINQ || ethertype === ETHERTYPE.QINQ_OLD;
}

export function decodeFrame(raw: RawPacket, ctx: DecodeContext): Decoded | undefined {
  try {
    return decodeUnchecked(raw, ctx);
  } catch (err) {
    if (isOutOfBounds(err)) {
      ctx.counters.inc('anomaly.decode.truncated');
      return undefined;
    }
    // A bug, not bad input: the packet is dropped and counted so a capture survives it, and it is
    // noted process-wide so the test suite fails on it (telemetry/internal-errors.ts).
    ctx.counters.inc('anomaly.decode.internal_error');
    noteInternalError('decode', err);
    return undefined;
  }
}

function decodeUnchecked(raw: RawPacket, ctx: DecodeContext): Decoded | undefined {
  const frame = raw.data;
  const link = decodeLink(raw.linkType, frame);
  if (link.nonIp !== undefined) {
    if (isVlanTag(link.nonIp)) {
      // The link walk stops at its VLAN tag cap (link.ts MAX_VLAN_TAGS) with a tag still ahead.
      ctx.counters.inc('anomaly.decode.vlan_tag_limit');
      return undefined;
    }
    if (link.nonIp >= 0) {
      ctx.counters.inc('decode.non_ip');
      return undefined;
    }
    // Per link type too, so the summary and stats can say which one (link-types.ts UNSUPPORTED_LINK_TYPE_PREFIX).
    ctx.counters.inc('decode.unsupported_link_type');
    ctx.counters.inc(`decode.unsupported_link_type_number.${raw.linkType}`);
    return undefined;
  }
  let version = link.ipVersion;
  if (version === 0) {
    const first = frame[link.offset];
    version = first === undefined ? 0 : first >> 4 === 4 ? 4 : first >> 4 === 6 ? 6 : 0;
    if (version === 0) {
      ctx.counters.inc('anomaly.decode.ip_bad_version');
      return undefined;
    }
  }
  const ip = version === 4 ? decodeIPv4(frame, link.offset) : decodeIPv6(frame, link.offset);
  if ('anomaly' in ip) {
    countAnomaly(ctx.counters, 'decode', ip.anomaly);
    return undefined;
  }
  const ts = raw.tsSec + raw.tsNsec / 1e9;
  let transportBuf = frame;
  let tOffset = ip.payloadOffset;
  let tEnd = ip.payloadEnd;
  if (ip.fragment) {
    const whole = reassemble(ip, frame, ts, ctx);
    if (!whole) return undefined;
    transportBuf = whole;
    tOffset = 0;
    tEnd = whole.length;
  }
  const th = decodeTransport(ip.protocol, transportBuf, tOffset, tEnd);
  if (th && 'anomaly' in th) {
    countAnomaly(ctx.counters, 'decode', th.anomaly);
    return undefined;
  }
  let payloadEnd = tEnd;
  if (ip.protocol === IPPROTO_UDP && th) {
    const udpLen = (transportBuf[tOffset + 4]! << 8) | transportBuf[tOffset + 5]!;
    if (udpLen >= 8) payloadEnd = Math.min(tEnd, tOffset + udpLen);
  }
  const payloadStart = th ? th.payloadOffset : 0;
  return new DecodedPacket(raw, ts, ip, th, transportBuf, payloadStart, th ? Math.max(payloadStart, payloadEnd) : 0, frame, link.srcMacAt ?? -1, link.dstMacAt ?? -1, link.vlans);
}


const EMPTY = new Uint8Array(0);

/**
 * One class for every decoded packet (one hidden class for V8). MAC text and
 * the payload view are made only when asked for: most packets belong to flows
 * whose name is settled and are only counted.
 */
class DecodedPacket implements Decoded {
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly transport: Transport;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly tcpFlags: number;
  readonly tcpSeq: number;
  readonly tcpAck: number;
  readonly ipLen: number;
  readonly truncated: boolean;
  readonly ttl: number;

  constructor(
    raw: RawPacket,
    readonly ts: number,
    ip: IpHeader,
    th: TransportHeader | undefined,
    private readonly payloadBuf: Uint8Array,
    private readonly payloadStart: number,
    private readonly payloadEnd: number,
    private readonly frame: Uint8Array,
    private readonly srcMacAt: number,
    private readonly dstMacAt: number,
    readonly vlans: number[] | undefined,
  ) {
    this.tsSec = raw.tsSec;
    this.tsNsec = raw.tsNsec;
    this.ipVersion = ip.version;
    this.src = ip.src;
    this.dst = ip.dst;
    this.protocol = ip.protocol;
    this.transport = transportName(ip.protocol);
    this.srcPort = th ? th.srcPort : 0;
    this.dstPort = th ? th.dstPort : 0;
    this.tcpFlags = th ? th.flags : 0;
    this.tcpSeq = th ? th.seq : 0;
    this.tcpAck = th ? th.ack : 0;
    this.ipLen = ip.totalLength;
    this.truncated = ip.truncated;
    this.ttl = ip.ttl;
  }

  private payloadView: Uint8Array | undefined = undefined;

  get payload(): Uint8Array {
    this.payloadView ??= this.payloadEnd > this.payloadStart ? this.payloadBuf.subarray(this.payloadStart, this.payloadEnd) : EMPTY;
    return this.payloadView;
  }

  get srcMac(): string | undefined {
    return this.srcMacAt >= 0 ? formatMac(this.frame, this.srcMacAt) : undefined;
  }

  get dstMac(): string | undefined {
    return this.dstMacAt >= 0 ? formatMac(this.frame, this.dstMacAt) : undefined;
  }
}

function reassemble(ip: IpHeader, frame: Uint8Array, ts: number, ctx: DecodeContext): Uint8Array | undefined {
  ctx.counters.inc('decode.ip_fragments');
  if (!ctx.reassembler) return undefined;
  const frag = ip.fragment!;
  const whole = ctx.reassembler.push({
    version: ip.version,
    src: ip.src,
    dst: ip.dst,
    id: frag.id,
    protocol: ip.protocol,
    offset: frag.offset,
    more: frag.more,
    payload: frame.subarray(ip.payloadOffset, ip.payloadEnd),
    ts,
  });
  if (!whole) return undefined;
  ctx.counters.inc('decode.ip_reassembled');
  return whole;
}

function decodeTransport(protocol: number, buf: Uint8Array, offset: number, end: number): TransportResult | undefined {
  switch (protocol) {
    case IPPROTO_TCP:
      return decodeTcp(buf, offset, end);
    case IPPROTO_UDP:
      return decodeUdp(buf, offset, end);
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
      return decodeIcmp(buf, offset, end);
    default:
      return undefined;
  }
}

function transportName(protocol: number): Transport {
  switch (protocol) {
    case IPPROTO_TCP:
      return 'tcp';
    case IPPROTO_UDP:
      return 'udp';
    case IPPROTO_ICMP:
      return 'icmp';
    case IPPROTO_ICMPV6:
      return 'ipv6-icmp';
    default:
      return 'other';
  }
}
