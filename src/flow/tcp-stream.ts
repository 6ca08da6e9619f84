/**
 * Puts one direction of a TCP connection back in order, for the first bytes
 * only (handshakes, request heads): out-of-order segments wait, retransmitted
 * bytes are trimmed, and everything is bounded.
 */
import type { Counters } from '../counters.js';
import { TCP_SYN } from '../types.js';

export interface TcpStreamLimits {
  /** Bytes of the stream kept in order (a ClientHello with PQ key shares is ~2 KB; 64 KiB is generous). */
  maxBytes: number;
  /** Out-of-order segments waiting for a gap to fill. */
  maxPendingSegments: number;
}

export const DEFAULT_TCP_STREAM_LIMITS: TcpStreamLimits = { maxBytes: 64 * 1024, maxPendingSegments: 32 };

const MOD = 0x1_0000_0000;

/** Signed distance a - b in sequence space. */
function seqDiff(a: number, b: number): number {
  let d = (a - b) % MOD;
  if (d >= MOD / 2) d -= MOD;
  if (d < -MOD / 2) d += MOD;
  return d;
}

export class TcpStreamAssembler {
  private nextSeq: number | undefined;
  private readonly pending = new Map<number, Uint8Array>();
  private delivered = 0;
  /** Set when a bound was hit: the stream is no longer followed. */
  overflowed = false;

  constructor(
    private readonly limits: TcpStreamLimits,
    private readonly counters: Counters,
  ) {}

  get bytesDelivered(): number {
    return this.delivered;
  }

  /** Feeds one segment; returns the bytes that became contiguous (possibly several segments' worth), or null. */
  push(seq: number, flags: number, payload: Uint8Array): Uint8Array | null {
    if (this.overflowed) return null;
    if (flags & TCP_SYN) {
      this.nextSeq = (seq + 1) % MOD;
      if (payload.length === 0) return null;
      seq = (seq + 1) % MOD;
    }
    if (payload.length === 0) return null;
    if (this.nextSeq === undefined) this.nextSeq = seq;
    const d = seqDiff(seq, this.nextSeq);
    if (d > 0) {
      this.hold(seq, payload);
      return null;
    }
    if (-d >= payload.length) {
      this.counters.inc('tcp.retransmitted_segments');
      return null;
    }
    const fresh = payload.subarray(-d);
    const parts = [fresh];
    this.nextSeq = (this.nextSeq + fresh.length) % MOD;
    this.drainPending(parts);
    return this.deliver(parts);
  }

  private hold(seq: number, payload: Uint8Array): void {
    if (this.pending.size >= this.limits.maxPendingSegments) {
      this.counters.inc('anomaly.tcp.reassembly_pending_limit');
      this.overflowed = true;
      this.pending.clear();
      return;
    }
    const existing = this.pending.get(seq);
    if (!existing || existing.length < payload.length) this.pending.set(seq, Uint8Array.from(payload));
  }

  private drainPending(parts: Uint8Array[]): void {
    let progressed = true;
    while (progressed && this.pending.size > 0) {
      progressed = false;
      for (const [seq, data] of this.pending) {
        const d = seqDiff(seq, this.nextSeq!);
        if (d > 0) continue;
        this.pending.delete(seq);
        if (-d < data.length) {
          const fresh = data.subarray(-d);
          parts.push(fresh);
          this.nextSeq = (this.nextSeq! + fresh.length) % MOD;
        }
        progressed = true;
      }
    }
  }

  private deliver(parts: Uint8Array[]): Uint8Array | null {
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (this.delivered + out.length > this.limits.maxBytes) {
      this.counters.inc('anomaly.tcp.reassembly_byte_limit');
      this.overflowed = true;
      const room = this.limits.maxBytes - this.delivered;
      this.delivered = this.limits.maxBytes;
      return room > 0 ? out.subarray(0, room) : null;
    }
    this.delivered += out.length;
    return out;
  }
}
