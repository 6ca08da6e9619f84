/**
 * IP address and prefix parsing to bytes, for the CIDR trie and the device
 * matcher. IPv4-mapped IPv6 (::ffff:a.b.c.d) is folded to IPv4 so one rule
 * covers both spellings.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface ParsedIp {
  version: 4 | 6;
  bytes: Uint8Array;
}

export interface ParsedCidr extends ParsedIp {
  prefixLen: number;
  /** Canonical text of the prefix as written (address/len). */
  text: string;
}

export function parseIp(text: string): ParsedIp | undefined {
  const t = text.trim().toLowerCase();
  if (isIPv4(t)) return { version: 4, bytes: Uint8Array.from(t.split('.').map(Number)) };
  if (!isIPv6(t)) return undefined;
  const bytes = ipv6Bytes(t);
  if (isV4Mapped(bytes)) return { version: 4, bytes: bytes.slice(12) };
  return { version: 6, bytes };
}

/** `a.b.c.d/n`, `x::/n`, or a bare address (treated as a host prefix). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  const addr = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.version === 4 ? 32 : 128;
  let prefixLen = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText)) return undefined;
    prefixLen = Number(lenText);
    // A mapped v6 prefix like ::ffff:1.2.3.0/120 keeps its meaning on the v4 side.
    if (addr.version === 4 && text.includes(':')) prefixLen -= 96;
    if (prefixLen < 0 || prefixLen > max) return undefined;
  }
  return { ...addr, prefixLen, text: text.trim().toLowerCase() };
}

/** Bit i (0 = most significant) of an address. */
export function bitAt(bytes: Uint8Array, i: number): 0 | 1 {
  return (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) as 0 | 1;
}

export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  if (cidr.version !== ip.version) return false;
  for (let i = 0; i < cidr.prefixLen; i++) if (bitAt(cidr.bytes, i) !== bitAt(ip.bytes, i)) return false;
  return true;
}

function ipv6Bytes(t: string): Uint8Array {
  let text = t;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const groups: number[] = [];
  const pushPart = (part: string): void => {
    if (part.includes('.')) {
      const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
      groups.push((a << 8) | b, (c << 8) | d);
    } else groups.push(parseInt(part, 16));
  };
  const dbl = text.indexOf('::');
  const head = dbl < 0 ? text : text.slice(0, dbl);
  const tail = dbl < 0 ? '' : text.slice(dbl + 2);
  for (const p of head.split(':').filter((s) => s !== '')) pushPart(p);
  const tailGroups: number[] = [];
  const saved = groups.splice(0);
  for (const p of tail.split(':').filter((s) => s !== '')) pushPart(p);
  tailGroups.push(...groups.splice(0));
  const all = [...saved, ...new Array<number>(8 - saved.length - tailGroups.length).fill(0), ...tailGroups];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = (g >> 8) & 0xff;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}
