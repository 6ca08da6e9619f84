/**
 * Dotted-quad text of an IPv4 address, from a small direct-mapped cache: a
 * capture has few distinct addresses and every packet needs two, so the same
 * string is handed out again instead of being built (and collected) per packet.
 */
import { formatIPv4 } from '../address/ip.js';

const SLOTS = 4096;
const keys = new Int32Array(SLOTS);
const texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

export function ipv4Text(b: Uint8Array, off: number): string {
  const key = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
  const slot = Math.imul(key, 0x9e3779b1) >>> 20;
  const cached = texts[slot];
  if (cached !== undefined && keys[slot] === key) return cached;
  const text = formatIPv4(b, off);
  keys[slot] = key;
  texts[slot] = text;
  return text;
}
