/**
 * Link layers: find where the IP packet starts and which IP version it is.
 * Non-IP frames (ARP, LLDP, ...) answer `undefined` and are counted by the caller.
 */
import { Cursor } from './cursor.js';
import { ETHERTYPE, LINKTYPE } from './link-types.js';

export interface LinkResult {
  /** Offset of the IP header within the frame. */
  offset: number;
  /** 4 or 6 when known from the link layer; 0 to read it from the IP header. */
  ipVersion: 0 | 4 | 6;
  /** Offsets of the MAC addresses in the frame (formatted only when a flow needs them: most packets never do). */
  srcMacAt: number | undefined;
  dstMacAt: number | undefined;
  vlans: number[] | undefined;
  /** Ethertype or AF when the frame is not IP (for counting). */
  nonIp: number | undefined;
}

interface LinkExtra {
  srcMacAt?: number | undefined;
  dstMacAt?: number | undefined;
  vlans?: number[] | undefined;
}

/** Every result has the same fields in the same order: one object shape for V8 on the per-packet path. */
function result(offset: number, ipVersion: 0 | 4 | 6, extra?: LinkExtra, nonIp?: number): LinkResult {
  return { offset, ipVersion, srcMacAt: extra?.srcMacAt, dstMacAt: extra?.dstMacAt, vlans: extra?.vlans, nonIp };
}

const MAX_VLAN_TAGS = 4;

export function decodeLink(linkType: number, frame: Uint8Array): LinkResult {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return decodeEthernet(frame);
    case LINKTYPE.LINUX_SLL:
      return decodeSll(frame);
    case LINKTYPE.LINUX_SLL2:
      return decodeSll2(frame);
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_BSD12:
    case LINKTYPE.RAW_BSD14:
      return result(0, 0);
    case LINKTYPE.IPV4:
      return result(0, 4);
    case LINKTYPE.IPV6:
      return result(0, 6);
    case LINKTYPE.NULL:
      return decodeNull(frame, false);
    case LINKTYPE.LOOP:
      return decodeNull(frame, true);
    default:
      return result(0, 0, undefined, -linkType - 1);
  }
}

function decodeEthernet(frame: Uint8Array): LinkResult {
  const c = new Cursor(frame);
  c.ensure(14);
  c.skip(12);
  return walkFromEthertype(c, c.u16(), 6, 0);
}

/**
 * The one walk behind every link header that ends in an ethertype (Ethernet,
 * Linux cooked v1 and v2): `ethertype` has just been read and the cursor
 * stands after it. 802.1Q / 802.1ad / old QinQ (0x9100) tags, outer first,
 * then PPPoE session or IP. At most MAX_VLAN_TAGS + 1 tags are read; a frame
 * with more answers the tag type as its non-IP ethertype.
 */
function walkFromEthertype(c: Cursor, first: number, srcMacAt: number | undefined, dstMacAt: number | undefined): LinkResult {
  let ethertype = first;
  let vlans: number[] | undefined;
  while (ethertype === ETHERTYPE.VLAN || ethertype === ETHERTYPE.QINQ || ethertype === ETHERTYPE.QINQ_OLD) {
    const tci = c.u16();
    (vlans ??= []).push(tci & 0x0fff);
    ethertype = c.u16();
    if (vlans.length > MAX_VLAN_TAGS) break;
  }
  return withEthertype(ethertype, c.pos, { srcMacAt, dstMacAt, vlans }, c.buf);
}

function withEthertype(ethertype: number, offset: number, extra: LinkExtra, frame: Uint8Array): LinkResult {
  if (ethertype === ETHERTYPE.PPPOE_SESSION) return pppoeSession(frame, offset, extra);
  if (ethertype === ETHERTYPE.IPV4) return result(offset, 4, extra);
  if (ethertype === ETHERTYPE.IPV6) return result(offset, 6, extra);
  return result(offset, 0, extra, ethertype);
}

/** PPPoE session stage (RFC 2516): 6-byte PPPoE header, then the 2-byte PPP protocol (RFC 1661). */
function pppoeSession(frame: Uint8Array, offset: number, extra: LinkExtra): LinkResult {
  const c = new Cursor(frame, offset);
  c.skip(6);
  const ppp = c.u16();
  if (ppp === 0x0021) return result(c.pos, 4, extra);
  if (ppp === 0x0057) return result(c.pos, 6, extra);
  return result(c.pos, 0, extra, ETHERTYPE.PPPOE_SESSION);
}

/** Linux cooked capture v1: 16-byte header, protocol last. */
function decodeSll(frame: Uint8Array): LinkResult {
  const c = new Cursor(frame);
  c.skip(2); // packet type
  const hatype = c.u16();
  const halen = c.u16();
  const addrAt = c.pos;
  c.skip(8);
  return walkFromEthertype(c, c.u16(), hatype === 1 && halen === 6 ? addrAt : undefined, undefined);
}

/** Linux cooked capture v2: 20-byte header, protocol first. */
function decodeSll2(frame: Uint8Array): LinkResult {
  const c = new Cursor(frame);
  const protocol = c.u16();
  c.skip(2 + 4); // reserved, interface index
  const hatype = c.u16();
  c.skip(1); // packet type
  const halen = c.u8();
  const addrAt = c.pos;
  c.skip(8);
  return walkFromEthertype(c, protocol, hatype === 1 && halen === 6 ? addrAt : undefined, undefined);
}

/** BSD loopback: a 4-byte address family, host order (NULL) or network order (LOOP). */
function decodeNull(frame: Uint8Array, networkOrder: boolean): LinkResult {
  const c = new Cursor(frame);
  c.ensure(4);
  const le = frame[0]! | (frame[1]! << 8) | (frame[2]! << 16) | (frame[3]! << 24);
  const be = c.u32();
  const family = networkOrder ? be : (le >>> 0) < 256 ? le : be;
  if (family === 2) return result(4, 4);
  // AF_INET6 differs per OS: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS.
  if (family === 10 || family === 24 || family === 28 || family === 30) return result(4, 6);
  return result(4, 0, undefined, family);
}
