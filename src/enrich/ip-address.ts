/** Addresses for GeoIP lookups: the project's one parser (src/decode/ip-address.ts) and a prefix test. */
export { parseAddress as parseIp, type ParsedAddress as ParsedIp } from '../decode/ip-address.js';

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
