import { Cursor } from './cursor.js';

export interface TransportHeader {
  srcPort: number;
  dstPort: number;
  flags: number;
  seq: number;
  ack: number;
  payloadOffset: number;
}

export type TransportResult = TransportHeader | { anomaly: string };

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

export function decodeTcp(buf: Uint8Array, offset: number, end: number): TransportResult {
  const c = new Cursor(buf, offset, end);
  const srcPort = c.u16();
  const dstPort = c.u16();
  const seq = c.u32();
  const ack = c.u32();
  const offByte = c.u8();
  const flags = c.u8();
  const dataOffset = (offByte >> 4) * 4;
  if (dataOffset < 20) return { anomaly: 'tcp.bad_data_offset' };
  if (offset + dataOffset > end) return { anomaly: 'tcp.truncated_header' };
  return { srcPort, dstPort, flags, seq, ack, payloadOffset: offset + dataOffset };
}

export function decodeUdp(buf: Uint8Array, offset: number, end: number): TransportResult {
  const c = new Cursor(buf, offset, end);
  const srcPort = c.u16();
  const dstPort = c.u16();
  const length = c.u16();
  if (length !== 0 && length < 8) return { anomaly: 'udp.bad_length' };
  return { srcPort, dstPort, flags: 0, seq: 0, ack: 0, payloadOffset: offset + 8 };
}

/** ICMP type and code stand in for ports (as Zeek and Community ID do). */
export function decodeIcmp(buf: Uint8Array, offset: number, end: number): TransportResult {
  const c = new Cursor(buf, offset, end);
  const type = c.u8();
  const code = c.u8();
  return { srcPort: type, dstPort: code, flags: 0, seq: 0, ack: 0, payloadOffset: offset + Math.min(8, end - offset) };
}
