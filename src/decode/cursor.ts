/**
 * The one bounds-checked reader every parser uses. A read past the end throws
 * the shared `OUT_OF_BOUNDS` sentinel (preallocated, so throwing is cheap);
 * stage entry points catch it with `isOutOfBounds` and count an anomaly, so
 * no RangeError ever escapes a decoder.
 */
export class OutOfBoundsError extends Error {
  constructor() {
    super('read past end of buffer');
  }
}

export const OUT_OF_BOUNDS = new OutOfBoundsError();

export function isOutOfBounds(err: unknown): err is OutOfBoundsError {
  return err === OUT_OF_BOUNDS;
}

export class Cursor {
  readonly buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  has(n: number): boolean {
    return this.pos + n <= this.end;
  }

  ensure(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw OUT_OF_BOUNDS;
  }

  u8(): number {
    if (this.pos + 1 > this.end) throw OUT_OF_BOUNDS;
    return this.buf[this.pos++]!;
  }

  u16(): number {
    if (this.pos + 2 > this.end) throw OUT_OF_BOUNDS;
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u16le(): number {
    if (this.pos + 2 > this.end) throw OUT_OF_BOUNDS;
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  u24(): number {
    if (this.pos + 3 > this.end) throw OUT_OF_BOUNDS;
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32(): number {
    if (this.pos + 4 > this.end) throw OUT_OF_BOUNDS;
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  u32le(): number {
    if (this.pos + 4 > this.end) throw OUT_OF_BOUNDS;
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p + 3]! << 24) >>> 0) + ((b[p + 2]! << 16) | (b[p + 1]! << 8) | b[p]!);
  }

  /** Unsigned 32-bit in the given byte order. */
  u32e(littleEndian: boolean): number {
    return littleEndian ? this.u32le() : this.u32();
  }

  u16e(littleEndian: boolean): number {
    return littleEndian ? this.u16le() : this.u16();
  }

  /** QUIC variable-length integer (RFC 9000 section 16); values above 2^53 are rejected. */
  varint(): number {
    const first = this.u8();
    const len = 1 << (first >> 6);
    let v = first & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + this.u8();
    if (!Number.isSafeInteger(v)) throw OUT_OF_BOUNDS;
    return v;
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw OUT_OF_BOUNDS;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw OUT_OF_BOUNDS;
    this.pos += n;
  }

  peekU8(offset = 0): number {
    if (this.pos + offset + 1 > this.end) throw OUT_OF_BOUNDS;
    return this.buf[this.pos + offset]!;
  }

  rest(): Uint8Array {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}
