/**
 * Many distinct flows, one packet each (the red team's r6_flows_oom shape):
 * flow i goes from 10.x.y.z (i spread over the three low bytes) to 52.84.y.z
 * port 443, UDP (8 payload bytes) or a TCP SYN. Used by the flow-memory bench
 * and the memory tests.
 */
const ETH_HEADER = Uint8Array.of(2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00);
const UDP_PAYLOAD_BYTES = 8;

export type FloodTransport = 'udp' | 'tcp';

/** The Ethernet frame of flow i; every i below 2^24 gives a different 5-tuple. */
export function floodFrame(i: number, transport: FloodTransport = 'udp'): Uint8Array {
  const l4Bytes = transport === 'udp' ? 8 + UDP_PAYLOAD_BYTES : 20;
  const frame = new Uint8Array(14 + 20 + l4Bytes);
  frame.set(ETH_HEADER);
  const v = new DataView(frame.buffer);
  const ip = 14;
  v.setUint8(ip, 0x45);
  v.setUint16(ip + 2, 20 + l4Bytes);
  v.setUint16(ip + 4, 1);
  v.setUint8(ip + 8, 64);
  v.setUint8(ip + 9, transport === 'udp' ? 17 : 6);
  frame.set([10, (i >> 16) & 255, (i >> 8) & 255, i & 255], ip + 12);
  frame.set([52, 84, (i >> 8) & 255, i & 255], ip + 16);
  let sum = 0;
  for (let k = 0; k < 20; k += 2) sum += v.getUint16(ip + k);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  v.setUint16(ip + 10, ~sum & 0xffff);
  const l4 = ip + 20;
  v.setUint16(l4, 1024 + (i % 60_000));
  v.setUint16(l4 + 2, 443);
  if (transport === 'udp') {
    v.setUint16(l4 + 4, 8 + UDP_PAYLOAD_BYTES);
    frame.fill(0x78, l4 + 8); // 'x', as in r6
  } else {
    v.setUint32(l4 + 4, i); // sequence number
    v.setUint8(l4 + 12, 5 << 4); // data offset: 5 words
    v.setUint8(l4 + 13, 0x02); // SYN
    v.setUint16(l4 + 14, 65_535);
  }
  return frame;
}

/** A little-endian microsecond pcap of `count` flood frames, 100,000 per second of packet time. */
export function floodPcap(count: number, transport: FloodTransport = 'udp'): Buffer {
  const frameBytes = floodFrame(0, transport).length;
  const out = Buffer.alloc(24 + count * (16 + frameBytes));
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(65_535, 16);
  out.writeUInt32LE(1, 20);
  let off = 24;
  for (let i = 0; i < count; i++) {
    out.writeUInt32LE(1_700_000_000 + Math.floor(i / 100_000), off);
    out.writeUInt32LE((i % 100_000) * 10, off + 4);
    out.writeUInt32LE(frameBytes, off + 8);
    out.writeUInt32LE(frameBytes, off + 12);
    out.set(floodFrame(i, transport), off + 16);
    off += 16 + frameBytes;
  }
  return out;
}
