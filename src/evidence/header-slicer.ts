/**
 * How many leading bytes of a frame are headers: link, IP (options and IPv6
 * extension headers included) and transport (TCP with its options, UDP).
 * Everything after is application payload, which a headers-only slice cuts.
 * A later IP fragment carries no transport header: it is cut after IP. When
 * the frame cannot be walked (it never reaches a flow, but a slicer must answer
 * something), only the link header is kept: when unsure, keep less.
 */
import { decodeIPv4 } from '../decode/ipv4.js';
import { decodeIPv6 } from '../decode/ipv6.js';
import { decodeLink } from '../decode/link.js';

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const UDP_HEADER = 8;

export function headerLength(linkType: number, frame: Uint8Array): number {
  let link;
  try {
    link = decodeLink(linkType, frame);
  } catch {
    return 0;
  }
  if (link.nonIp !== undefined) return Math.min(link.offset, frame.length);
  const version = link.ipVersion !== 0 ? link.ipVersion : (frame[link.offset] ?? 0) >> 4;
  let ip;
  try {
    ip = version === 4 ? decodeIPv4(frame, link.offset) : version === 6 ? decodeIPv6(frame, link.offset) : undefined;
  } catch {
    ip = undefined;
  }
  if (ip === undefined || 'anomaly' in ip) return Math.min(link.offset, frame.length);
  const at = ip.payloadOffset;
  if (ip.fragment !== undefined && ip.fragment.offset !== 0) return Math.min(at, frame.length);
  return Math.min(at + transportHeaderLength(ip.protocol, frame, at), frame.length);
}

function transportHeaderLength(protocol: number, frame: Uint8Array, at: number): number {
  if (protocol === IPPROTO_UDP) return UDP_HEADER;
  if (protocol === IPPROTO_TCP) {
    const dataOffset = frame[at + 12];
    // Data offset is in 32-bit words; below 5 is malformed, so keep the fixed header only.
    return dataOffset === undefined ? 20 : Math.max(5, dataOffset >> 4) * 4;
  }
  return 0;
}
