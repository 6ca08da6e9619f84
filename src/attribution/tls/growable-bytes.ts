/**
 * Append-only byte buffer that doubles its capacity, so a ClientHello fed one
 * byte per TCP segment costs O(n) copies rather than O(n^2). The caller bounds
 * its size.
 */
export class GrowableBytes {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  append(bytes: Uint8Array): void {
    const needed = this.len + bytes.length;
    if (needed > this.buf.length) {
      let capacity = this.buf.length * 2;
      while (capacity < needed) capacity *= 2;
      const next = new Uint8Array(capacity);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len = needed;
  }

  /** A view of the bytes so far (valid until the next append). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
