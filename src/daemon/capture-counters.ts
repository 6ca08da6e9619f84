/**
 * Capture health in `Counters`: `capture.received` (packets libpcap handed
 * over) and `capture.if_dropped` (the interface's own receive drops since
 * start, read where libpcap reads ps_ifdrop on Linux). The cap binding does
 * not expose pcap_stats, so kernel socket drops are not known here; see
 * docs/monitor.md.
 */
import type { Counters } from '../counters.js';
import { interfaceRxDropped } from './interface-state.js';

export class CaptureCounters {
  private readonly ifDroppedAtStart: number | undefined;
  private lastIfDropped = 0;

  constructor(
    private readonly counters: Counters,
    private readonly interfaceName: string,
  ) {
    this.ifDroppedAtStart = interfaceRxDropped(interfaceName);
  }

  update(received: number): void {
    this.set('capture.received', received);
    const now = interfaceRxDropped(this.interfaceName);
    // An interface that went away and came back starts its counters again: keep the total monotonic.
    if (now !== undefined && this.ifDroppedAtStart !== undefined && now >= this.ifDroppedAtStart) this.lastIfDropped = Math.max(this.lastIfDropped, now - this.ifDroppedAtStart);
    this.set('capture.if_dropped', this.lastIfDropped);
  }

  /** Counters only add: move a counter to an absolute value. */
  private set(name: string, value: number): void {
    const delta = value - this.counters.get(name);
    if (delta !== 0) this.counters.inc(name, delta);
  }
}
