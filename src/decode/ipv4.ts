import { Cursor } from './cursor.js';
import { ipv4Text } from './ipv4-text.js';

export interface IpHeader {
  version: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
  ttl: number;
  /** Offset of the transport header (after options / extension headers). */
  payloadOffset: number;
  /** End of the IP packet within the frame (declared length, cut to what was captured). */
  payloadEnd: number;
  /** Bytes of the whole IP packet as declared by its header. */
  totalLength: number;
  truncated: boolean;
  fragment: { id: number; offset: number; more: boolean } | undefined;
}

export type IpDecodeResult = IpHeader | { anomaly: string };

export function decodeIPv4(frame: Uint8Array, offset: number): IpDecodeResult {
  const c = new Cursor(frame, offset);
  const vihl = c.u8();
  if (vihl >> 4 !== 4) return { anomaly: 'ipv4.bad_version' };
  const ihl = (vihl & 0x0f) * 4;
  if (ihl < 20) return { anomaly: 'ipv4.bad_ihl' };
  c.skip(1);
  const totalLength = c.u16();
  const id = c.u16();
  const flagsFrag = c.u16();
  const ttl = c.u8();
  const protocol = c.u8();
  c.skip(2);
  c.ensure(8);
  const src = ipv4Text(frame, c.pos);
  const dst = ipv4Text(frame, c.pos + 4);
  if (totalLength < ihl) return { anomaly: 'ipv4.bad_total_length' };
  if (offset + ihl > frame.length) return { anomaly: 'ipv4.truncated_header' };
  const declaredEnd = offset + totalLength;
  const payloadEnd = Math.min(declaredEnd, frame.length);
  const header: IpHeader = {
    version: 4,
    src,
    dst,
    protocol,
    ttl,
    payloadOffset: offset + ihl,
    payloadEnd,
    totalLength,
    truncated: declaredEnd > frame.length,
    fragment: undefined,
  };
  const more = (flagsFrag & 0x2000) !== 0;
  const fragOffset = (flagsFrag & 0x1fff) * 8;
  if (more || fragOffset !== 0) header.fragment = { id, offset: fragOffset, more };
  return header;
}
