/**
 * Reassembles the Initial CRYPTO stream by offset (RFC 9000 19.6). Frames may
 * arrive out of order, repeated or overlapping; the first bytes written at an
 * offset win, so a later conflicting retransmission cannot rewrite the name.
 */
export type InsertOutcome = 'ok' | 'too_large' | 'too_many_fragments';

interface Range {
  start: number;
  end: number;
}

export class CryptoReassembler {
  private buf = new Uint8Array(2048);
  /** Sorted, disjoint, non-adjacent ranges of bytes received. */
  private ranges: Range[] = [];

  constructor(
    private readonly maxBytes: number,
    private readonly maxFragments: number,
  ) {}

  insert(offset: number, data: Uint8Array): InsertOutcome {
    const end = offset + data.length;
    if (end > this.maxBytes) return 'too_large';
    if (data.length === 0) return 'ok';
    this.reserve(end);
    this.copyUncovered(offset, end, data);
    this.addRange(offset, end);
    return this.ranges.length > this.maxFragments ? 'too_many_fragments' : 'ok';
  }

  /** The bytes from offset 0 up to the first hole. */
  contiguous(): Uint8Array {
    const first = this.ranges[0];
    return first && first.start === 0 ? this.buf.subarray(0, first.end) : new Uint8Array(0);
  }

  /** Highest offset received so far (0 when nothing was). */
  get highestEnd(): number {
    return this.ranges.at(-1)?.end ?? 0;
  }

  get hasGap(): boolean {
    return this.ranges.length > 1 || (this.ranges[0]?.start ?? 0) > 0;
  }

  private reserve(end: number): void {
    if (end <= this.buf.length) return;
    let capacity = this.buf.length;
    while (capacity < end) capacity *= 2;
    const next = new Uint8Array(Math.min(capacity, this.maxBytes));
    next.set(this.buf.subarray(0, this.highestEnd));
    this.buf = next;
  }

  private copyUncovered(offset: number, end: number, data: Uint8Array): void {
    let cursor = offset;
    for (const r of this.ranges) {
      if (r.end <= cursor) continue;
      if (r.start >= end) break;
      if (r.start > cursor) this.buf.set(data.subarray(cursor - offset, r.start - offset), cursor);
      cursor = Math.max(cursor, r.end);
    }
    if (cursor < end) this.buf.set(data.subarray(cursor - offset), cursor);
  }

  private addRange(start: number, end: number): void {
    const merged: Range[] = [];
    let current: Range = { start, end };
    let placed = false;
    for (const r of this.ranges) {
      if (r.end < current.start) merged.push(r);
      else if (r.start > current.end) {
        if (!placed) merged.push(current);
        placed = true;
        merged.push(r);
      } else current = { start: Math.min(r.start, current.start), end: Math.max(r.end, current.end) };
    }
    if (!placed) merged.push(current);
    this.ranges = merged;
  }
}
