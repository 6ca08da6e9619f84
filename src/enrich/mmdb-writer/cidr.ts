/** Splitting inclusive address ranges into the fewest CIDR blocks (largest aligned block first). */

export interface Cidr4 {
  start: number;
  prefixLen: number;
}

export interface Cidr6 {
  start: bigint;
  prefixLen: number;
}

const TWO_32 = 2 ** 32;

/** IPv4 range [start, end] as unsigned 32-bit numbers. */
export function ipv4RangeToCidrs(start: number, end: number): Cidr4[] {
  if (!(start >= 0 && end < TWO_32 && start <= end)) throw new RangeError(`bad IPv4 range ${start}-${end}`);
  const out: Cidr4[] = [];
  let cur = start;
  while (cur <= end) {
    const alignBits = cur === 0 ? 32 : log2Exact(lowestSetBit(cur));
    const span = end - cur + 1;
    const spanBits = span >= TWO_32 ? 32 : 31 - Math.clz32(span);
    const bits = Math.min(alignBits, spanBits);
    out.push({ start: cur, prefixLen: 32 - bits });
    cur += 2 ** bits;
  }
  return out;
}

/** Largest power of two dividing n (n > 0, n < 2^32); exact in doubles. */
function lowestSetBit(n: number): number {
  let p = 1;
  while (n % (p * 2) === 0) p *= 2;
  return p;
}

function log2Exact(p: number): number {
  return 31 - Math.clz32(p);
}

/** IPv6 range [start, end] as unsigned 128-bit bigints. */
export function ipv6RangeToCidrs(start: bigint, end: bigint): Cidr6[] {
  if (!(start >= 0n && end < 1n << 128n && start <= end)) throw new RangeError('bad IPv6 range');
  const out: Cidr6[] = [];
  let cur = start;
  while (cur <= end) {
    const alignBits = cur === 0n ? 128 : (cur & -cur).toString(2).length - 1;
    const spanBits = (end - cur + 1n).toString(2).length - 1;
    const bits = Math.min(alignBits, spanBits);
    out.push({ start: cur, prefixLen: 128 - bits });
    cur += 1n << BigInt(bits);
  }
  return out;
}

/** Four big-endian 32-bit words of a 128-bit value. */
export function ipv6Words(value: bigint): [number, number, number, number] {
  return [
    Number((value >> 96n) & 0xffffffffn),
    Number((value >> 64n) & 0xffffffffn),
    Number((value >> 32n) & 0xffffffffn),
    Number(value & 0xffffffffn),
  ];
}

/** Parses canonical IPv4 text to an unsigned number. */
export function ipv4ToNumber(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new RangeError(`bad IPv4 address ${text}`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isInteger(v) || v < 0 || v > 255 || p === '') throw new RangeError(`bad IPv4 address ${text}`);
    n = n * 256 + v;
  }
  return n;
}

/** IPv6 bytes (16) to a bigint. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
