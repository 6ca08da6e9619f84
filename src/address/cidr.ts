/**
 * CIDR prefixes: parsing to bytes and the one prefix test, for rules (CIDR
 * trie, net predicates), GeoIP special ranges and device selection.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is folded to IPv4 so one prefix covers
 * both spellings.
 */
import { parseAddress } from './ip.js';

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
  const a = parseAddress(text);
  return a && { version: a.version, bytes: a.bytes };
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
  return cidr.version === ip.version && inPrefix(ip.bytes, cidr.bytes, cidr.prefixLen);
}

/** True when the first `prefixLen` bits of `bytes` equal those of `net` (and both are of one family). */
export function inPrefix(bytes: Uint8Array, net: Uint8Array, prefixLen: number): boolean {
  if (bytes.length !== net.length) return false;
  const whole = prefixLen >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== net[i]) return false;
  const rest = prefixLen & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((net[whole] ?? 0) & mask);
}
