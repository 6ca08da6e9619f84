/**
 * MaxMind DB format 2.0 data-section encoding (https://maxmind.github.io/MaxMind-DB/):
 * control byte = type (3 bits) + size (5 bits), extended types in a second byte,
 * sizes >= 29 in 1-3 following bytes. Only the types the project writes are supported.
 */

export type MmdbValue =
  | { t: 'utf8'; v: string }
  | { t: 'uint16'; v: number }
  | { t: 'uint32'; v: number }
  | { t: 'uint64'; v: bigint }
  | { t: 'bool'; v: boolean }
  | { t: 'array'; v: MmdbValue[] }
  | { t: 'map'; v: Array<[string, MmdbValue]> }
  | { t: 'pointer'; v: number };

const TYPE = { pointer: 1, utf8: 2, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11, bool: 14 } as const;

/** Appends encoded values to a growing byte list; `keyPointers` lets map keys be shared via pointers. */
export class DataEncoder {
  private chunks: Uint8Array[] = [];
  private length = 0;

  constructor(private readonly keyPointers: Map<string, number> = new Map()) {}

  get size(): number {
    return this.length;
  }

  /** Writes a value and returns its offset within this encoder's output. */
  write(value: MmdbValue): number {
    const offset = this.length;
    this.encode(value);
    return offset;
  }

  /** Writes a string once and remembers its offset, so later map keys can point at it. */
  internKey(key: string): void {
    if (!this.keyPointers.has(key)) this.keyPointers.set(key, this.write({ t: 'utf8', v: key }));
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks, this.length);
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private encode(value: MmdbValue): void {
    switch (value.t) {
      case 'utf8': {
        const body = Buffer.from(value.v, 'utf8');
        this.push(controlBytes(TYPE.utf8, body.length));
        this.push(body);
        return;
      }
      case 'uint16':
      case 'uint32':
        return this.encodeUint(TYPE[value.t], BigInt(value.v), value.t === 'uint16' ? 2 : 4);
      case 'uint64':
        return this.encodeUint(TYPE.uint64, value.v, 8);
      case 'bool':
        this.push(controlBytes(TYPE.bool, value.v ? 1 : 0));
        return;
      case 'array':
        this.push(controlBytes(TYPE.array, value.v.length));
        for (const item of value.v) this.encode(item);
        return;
      case 'map':
        return this.encodeMap(value.v);
      case 'pointer':
        this.push(pointerBytes(value.v));
        return;
    }
  }

  private encodeUint(type: number, n: bigint, maxBytes: number): void {
    if (n < 0n || n >= 1n << BigInt(maxBytes * 8)) throw new RangeError(`uint out of range: ${n}`);
    const body: number[] = [];
    for (let rest = n; rest > 0n; rest >>= 8n) body.unshift(Number(rest & 0xffn));
    this.push(controlBytes(type, body.length));
    this.push(Uint8Array.from(body));
  }

  private encodeMap(entries: Array<[string, MmdbValue]>): void {
    this.push(controlBytes(TYPE.map, entries.length));
    for (const [key, val] of entries) {
      const ptr = this.keyPointers.get(key);
      this.encode(ptr === undefined ? { t: 'utf8', v: key } : { t: 'pointer', v: ptr });
      this.encode(val);
    }
  }
}

/** Control byte(s) for a type and payload size (spec: "Payload Size"). */
export function controlBytes(type: number, size: number): Uint8Array {
  const out: number[] = [];
  const typeBits = type <= 7 ? type << 5 : 0;
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65_821) {
    sizeBits = 30;
    const s = size - 285;
    extra.push(s >> 8, s & 0xff);
  } else if (size < 16_843_037) {
    sizeBits = 31;
    const s = size - 65_821;
    extra.push((s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff);
  } else throw new RangeError(`payload too large: ${size}`);
  out.push(typeBits | sizeBits);
  if (type > 7) out.push(type - 7);
  return Uint8Array.from([...out, ...extra]);
}

/** Pointer encoding: 11/19/27/32-bit forms with the spec's offsets (2048, 526336). */
export function pointerBytes(target: number): Uint8Array {
  const base = TYPE.pointer << 5;
  if (target < 2048) return Uint8Array.from([base | (target >> 8), target & 0xff]);
  if (target < 526_336) {
    const v = target - 2048;
    return Uint8Array.from([base | 0x08 | (v >> 16), (v >> 8) & 0xff, v & 0xff]);
  }
  if (target < 134_744_064) {
    const v = target - 526_336;
    return Uint8Array.from([base | 0x10 | (v >> 24), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
  }
  const b = Buffer.alloc(5);
  b[0] = base | 0x18;
  b.writeUInt32BE(target >>> 0, 1);
  return b;
}
