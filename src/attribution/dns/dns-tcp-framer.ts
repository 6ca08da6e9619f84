/**
 * DNS over TCP frames each message with a 2-byte length (RFC 1035 section 4.2.2,
 * RFC 7766). One framer per direction of a connection: segments may carry several
 * messages or a part of one. The buffer is bounded; a frame that cannot fit is
 * skipped (its length is known, so the stream stays in step) and counted.
 */
import type { AnomalyCounter } from '../../counters.js';

export interface DnsTcpFramerOptions {
  /** Most bytes held for one incomplete frame (length prefix included). */
  maxBuffer?: number;
  counters?: AnomalyCounter;
}

export const DEFAULT_DNS_TCP_BUFFER = 64 * 1024;

export class DnsTcpFramer {
  private readonly maxBuffer: number;
  private readonly counters: AnomalyCounter | undefined;
  private pending: Uint8Array = new Uint8Array(0);
  /** Bytes still to drop of a frame that was too large to hold. */
  private discard = 0;

  constructor(options: DnsTcpFramerOptions = {}) {
    this.maxBuffer = options.maxBuffer ?? DEFAULT_DNS_TCP_BUFFER;
    this.counters = options.counters;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    let data = bytes;
    if (this.discard > 0) {
      const drop = Math.min(this.discard, data.length);
      this.discard -= drop;
      data = data.subarray(drop);
    }
    if (data.length === 0) return [];
    const buf = this.pending.length === 0 ? data : concat(this.pending, data);
    const messages: Uint8Array[] = [];
    let pos = 0;
    while (buf.length - pos >= 2) {
      const frameLen = 2 + ((buf[pos]! << 8) | buf[pos + 1]!);
      if (frameLen > this.maxBuffer) {
        this.counters?.inc('anomaly.dns.tcp_frame_too_large');
        const available = buf.length - pos;
        this.discard = Math.max(0, frameLen - available);
        pos = Math.min(buf.length, pos + frameLen);
        continue;
      }
      if (buf.length - pos < frameLen) break;
      if (frameLen === 2) this.counters?.inc('anomaly.dns.tcp_empty_frame');
      else messages.push(buf.slice(pos + 2, pos + frameLen));
      pos += frameLen;
    }
    this.pending = buf.slice(pos);
    return messages;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Forget the partial frame (call on a stream gap: the framing is lost). */
  reset(): void {
    this.pending = new Uint8Array(0);
    this.discard = 0;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
