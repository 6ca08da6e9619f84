/**
 * A mirror port can stay up and stop sending: the link is fine, libpcap is
 * fine, and nothing arrives. After `silence_after` seconds without a packet
 * (while capture itself runs) a `no_traffic` capture gap opens, written at
 * once (`capture-gap-open`, no end) so `status` and the logs show it while it
 * lasts; the first packet after it closes it (`capture-resumed`, with the
 * end). The gap starts at the last packet seen (or at the start of capture),
 * since that is when the silence began.
 */
import type { CaptureGap } from './live-source.js';

export const DEFAULT_SILENCE_AFTER_SECONDS = 300;

export interface SilenceEvents {
  /** The gap opened (no end) or closed (with end). */
  gap(gap: CaptureGap): void;
  log(line: string): void;
}

export class SilenceDetector {
  private lastPacketMs: number;
  private open: CaptureGap | undefined;
  /** Wall-clock time of the last packet batch, undefined before the first. */
  lastPacketAt: Date | undefined;

  constructor(
    private readonly interfaceName: string,
    /** 0 turns the detector off. */
    private readonly silenceAfterSeconds: number,
    private readonly events: SilenceEvents,
    startedMs: number = Date.now(),
  ) {
    this.lastPacketMs = startedMs;
  }

  get gapOpen(): boolean {
    return this.open !== undefined;
  }

  /** Packets arrived (called per batch). */
  packets(nowMs: number = Date.now()): void {
    this.lastPacketMs = nowMs;
    this.lastPacketAt = new Date(nowMs);
    const gap = this.open;
    if (!gap) return;
    this.open = undefined;
    gap.end = new Date(nowMs);
    this.events.log(`groundwatch: traffic on ${this.interfaceName} resumed after ${((nowMs - gap.start.getTime()) / 1000).toFixed(1)} s without a packet (no_traffic)`);
    this.events.gap(gap);
  }

  /**
   * Called every second. `captureDown`: a capture gap of another reason is open
   * (interface down or gone), which already says why nothing arrives.
   */
  check(nowMs: number, captureDown: boolean): void {
    if (captureDown) {
      this.lastPacketMs = Math.max(this.lastPacketMs, nowMs);
      return;
    }
    if (this.silenceAfterSeconds <= 0 || this.open) return;
    if (nowMs - this.lastPacketMs < this.silenceAfterSeconds * 1000) return;
    this.open = { start: new Date(this.lastPacketMs), reason: 'no_traffic', interfaceName: this.interfaceName };
    this.events.log(`groundwatch: no packet on ${this.interfaceName} for ${this.silenceAfterSeconds} s (no_traffic gap open; is the mirror port still sending?)`);
    this.events.gap({ ...this.open });
  }

  /** At shutdown: a gap still open, to be written without an end (like the capture's own). */
  stillOpen(): CaptureGap | undefined {
    return this.open ? { ...this.open } : undefined;
  }
}
