/**
 * Frame -> Decoded. Every failure is a named anomaly counted in `anomaly.decode.*`;
 * nothing throws out of `decodeFrame`.
 */
import type { Counters } from '../counters.js';
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
  type TransportResult,
} from './transport.js';

/** What decode needs from IP reassembly (decode/ip-reassembly.ts implements it). */
export interface FragmentReassembler {
  push(f: FragmentIn): Uint8Array | null;
}

export interface DecodeContext {
  counters: Counters;
  reassembler?: FragmentReassembler;
}

export function decodeFrame(raw: RawPacket, ctx: DecodeContext): Decoded | undefined {
  try {
    return decodeUnchecked(raw, ctx);
  } catch (err) {
    if (isOutOfBounds(err)) {
      ctx.counters.inc('anomaly.decode.truncated');
      return undefined;
    }
    ctx.counters.inc('anomaly.decode.internal_error');
    return undefined;
  }
}

function decodeUnchecked(raw: RawPacket, ctx: DecodeContext): Decoded | undefined {
  const frame = raw.data;
  const link = decodeLink(raw.linkType, frame);
  if (link.nonIp !== undefined) {
    ctx.counters.inc(link.nonIp < 0 ? 'decode.unsupported_link_type' : 'decode.non_ip');
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
    ctx.counters.inc(`anomaly.decode.${ip.anomaly}`);
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
    ctx.counters.inc(`anomaly.decode.${th.anomaly}`);
    return undefined;
  }
  let payloadEnd = tEnd;
  if (ip.protocol === IPPROTO_UDP && th) {
    const udpLen = (transportBuf[tOffset + 4]! << 8) | transportBuf[tOffset + 5]!;
    if (udpLen >= 8) payloadEnd = Math.min(tEnd, tOffset + udpLen);
  }
  const decoded: Decoded = {
    ts,
    tsSec: raw.tsSec,
    tsNsec: raw.tsNsec,
    ipVersion: ip.version,
    src: ip.src,
    dst: ip.dst,
    protocol: ip.protocol,
    transport: transportName(ip.protocol),
    srcPort: th ? th.srcPort : 0,
    dstPort: th ? th.dstPort : 0,
    tcpFlags: th ? th.flags : 0,
    tcpSeq: th ? th.seq : 0,
    tcpAck: th ? th.ack : 0,
    payload: th ? transportBuf.subarray(th.payloadOffset, Math.max(th.payloadOffset, payloadEnd)) : new Uint8Array(0),
    ipLen: ip.totalLength,
    truncated: ip.truncated,
    ttl: ip.ttl,
  };
  if (link.srcMac) decoded.srcMac = link.srcMac;
  if (link.dstMac) decoded.dstMac = link.dstMac;
  if (link.vlans) decoded.vlans = link.vlans;
  return decoded;
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
