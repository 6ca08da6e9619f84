/**
 * Community ID v1 (https://github.com/corelight/community-id-spec): one flow
 * hash that Zeek, Suricata, Elastic and Arkime agree on, so a groundwatch
 * record can be joined with theirs.
 */
import { createHash } from 'node:crypto';
import { parseIp } from '../address/ip.js';

const ICMP4_PAIRS: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17, 10: 9, 9: 10 };
const ICMP6_PAIRS: Record<number, number> = {
  128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144,
};

export function communityId(
  srcIp: string,
  dstIp: string,
  srcPort: number,
  dstPort: number,
  protocol: number,
  seed = 0,
): string {
  const saddr = parseIp(srcIp);
  const daddr = parseIp(dstIp);
  if (!saddr || !daddr) return '';
  let sport = srcPort;
  let dport = dstPort;
  let oneWay = false;
  if (protocol === 1 || protocol === 58) {
    const pairs = protocol === 1 ? ICMP4_PAIRS : ICMP6_PAIRS;
    const partner = pairs[srcPort];
    if (partner === undefined) oneWay = true;
    else dport = partner;
  }
  let a = saddr;
  let b = daddr;
  if (!oneWay && !isOrdered(saddr, daddr, sport, dport)) {
    a = daddr;
    b = saddr;
    [sport, dport] = [dport, sport];
  }
  const hasPorts = protocol === 6 || protocol === 17 || protocol === 132 || protocol === 1 || protocol === 58;
  const buf = Buffer.alloc(2 + a.length + b.length + 2 + (hasPorts ? 4 : 0));
  let o = buf.writeUInt16BE(seed & 0xffff, 0);
  buf.set(a, o);
  o += a.length;
  buf.set(b, o);
  o += b.length;
  o = buf.writeUInt8(protocol, o);
  o = buf.writeUInt8(0, o);
  if (hasPorts) {
    o = buf.writeUInt16BE(sport, o);
    buf.writeUInt16BE(dport, o);
  }
  return `1:${createHash('sha1').update(buf).digest('base64')}`;
}

function isOrdered(a: Uint8Array, b: Uint8Array, ap: number, bp: number): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return ap <= bp;
}
