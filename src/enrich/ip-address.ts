/** Addresses for GeoIP lookups: the project's one parser (src/decode/ip-address.ts) and a prefix test. */
import { parseAddress, type ParsedAddress } from '../decode/ip-address.js';

/** An address as bytes: 4 for IPv4, 16 for IPv6. IPv4-mapped IPv6 is folded to IPv4. */
export type ParsedIp = ParsedAddress;

/** Parses IPv4 / IPv6 text; undefined for anything else (never throws). */
export function parseIp(input: string): ParsedIp | undefined {
  return parseAddress(input);
}

/** True when the first `prefixLen` bits of `bytes` equal those of `net`. */
export function inPrefix(bytes: Uint8Array, net: Uint8Array, prefixLen: number): boolean {
  if (bytes.length !== net.length) return false;
  const whole = prefixLen >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== net[i]) return false;
  const rest = prefixLen & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((net[whole] ?? 0) & mask);
}
