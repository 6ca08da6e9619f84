/**
 * The pieces received so far of one fragmented datagram, kept sorted and
 * non-overlapping. Overlaps resolve as "first data wins": only the bytes not
 * already held are stored (the policy of Linux and of RFC 5722's concern: later
 * data never rewrites what was seen, so an overlap cannot change a header).
 */
export interface Piece {
  start: number;
  end: number;
  data: Uint8Array;
}

export type AddOutcome = 'ok' | 'overlap' | 'inconsistent_end';

export class PartialDatagram {
  readonly firstTs: number;
  readonly timeout: number;
  /** Fragments pushed for this datagram (overlapping and duplicate ones included). */
  fragmentCount = 0;
  /** Set once the datagram is given up: later fragments are dropped until it times out. */
  dead = false;
  private pieces: Piece[] = [];
  /** Total length, known once the fragment with More Fragments clear arrived. */
  private totalLength: number | undefined;

  constructor(firstTs: number, timeout: number) {
    this.firstTs = firstTs;
    this.timeout = timeout;
  }

  expired(now: number): boolean {
    return now - this.firstTs > this.timeout;
  }

  add(offset: number, payload: Uint8Array, more: boolean): AddOutcome {
    const end = offset + payload.length;
    if (!more) {
      if (this.totalLength !== undefined && this.totalLength !== end) return 'inconsistent_end';
      if (this.maxEnd() > end) return 'inconsistent_end';
      this.totalLength = end;
    } else if (this.totalLength !== undefined && end > this.totalLength) {
      return 'inconsistent_end';
    }
    return this.insert(offset, end, payload);
  }

  /** The whole payload once every byte from 0 to the total length is held. */
  assemble(): Uint8Array | undefined {
    if (this.totalLength === undefined) return undefined;
    let covered = 0;
    for (const p of this.pieces) {
      if (p.start > covered) return undefined;
      covered = Math.max(covered, p.end);
    }
    if (covered < this.totalLength) return undefined;
    const out = new Uint8Array(this.totalLength);
    for (const p of this.pieces) out.set(p.data, p.start);
    return out;
  }

  private maxEnd(): number {
    const last = this.pieces[this.pieces.length - 1];
    return last ? last.end : 0;
  }

  /** Stores the parts of [start, end) that no earlier piece covers. */
  private insert(start: number, end: number, payload: Uint8Array): AddOutcome {
    const fresh: Piece[] = [];
    let cursor = start;
    for (const p of this.pieces) {
      if (p.end <= cursor) continue;
      if (p.start >= end) break;
      if (p.start > cursor) fresh.push(slicePiece(payload, start, cursor, p.start));
      cursor = Math.max(cursor, p.end);
      if (cursor >= end) break;
    }
    if (cursor < end) fresh.push(slicePiece(payload, start, cursor, end));
    const keptBytes = fresh.reduce((n, p) => n + (p.end - p.start), 0);
    if (fresh.length > 0) this.pieces = [...this.pieces, ...fresh].sort((a, b) => a.start - b.start);
    return keptBytes === end - start ? 'ok' : 'overlap';
  }
}

/** Copies (the caller's buffer may be reused) the bytes [from, to) of a payload that starts at `base`. */
function slicePiece(payload: Uint8Array, base: number, from: number, to: number): Piece {
  return { start: from, end: to, data: payload.slice(from - base, to - base) };
}
