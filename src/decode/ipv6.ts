import { Cursor } from './cursor.js';
import { formatIPv6 } from '../address/ip.js';
import type { IpDecodeResult, IpHeader } from './ipv4.js';

/** Extension headers are walked to a fixed depth: a packet of 200 empty options headers is an anomaly, not a loop. */
export const MAX_IPV6_EXTENSION_HEADERS = 8;

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const DEST_OPTS = 60;
const AH = 51;
const MOBILITY = 135;

export function decodeIPv6(frame: Uint8Array, offset: number): IpDecodeResult {
  const c = new Cursor(frame, offset);
  const first = c.u8();
  if (first >> 4 !== 6) return { anomaly: 'ipv6.bad_version' };
  c.skip(3);
  const payloadLength = c.u16();
  let next = c.u8();
  const ttl = c.u8();
  c.ensure(32);
  const src = formatIPv6(frame, c.pos);
  const dst = formatIPv6(frame, c.pos + 16);
  c.skip(32);
  const declaredEnd = c.pos + payloadLength;
  const payloadEnd = Math.min(declaredEnd, frame.length);
  const walker = new Cursor(frame, c.pos, payloadEnd);
  let fragment: IpHeader['fragment'];
  let depth = 0;
  while (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === FRAGMENT || next === AH || next === MOBILITY) {
    if (++depth > MAX_IPV6_EXTENSION_HEADERS) return { anomaly: 'ipv6.too_many_extension_headers' };
    const headerType = next;
    next = walker.u8();
    const lenField = walker.u8();
    if (headerType === FRAGMENT) {
      const offFlags = walker.u16();
      const id = walker.u32();
      const fragOffset = offFlags & 0xfff8;
      const more = (offFlags & 1) !== 0;
      if (more || fragOffset !== 0) fragment = { id, offset: fragOffset, more };
      continue;
    }
    const length = headerType === AH ? (lenField + 2) * 4 : (lenField + 1) * 8;
    walker.skip(length - 2);
  }
  const header: IpHeader = {
    version: 6,
    src,
    dst,
    protocol: next,
    ttl,
    payloadOffset: walker.pos,
    payloadEnd,
    totalLength: 40 + payloadLength,
    truncated: declaredEnd > frame.length,
    fragment,
  };
  return header;
}
