/**
 * Capture health in `Counters`, from libpcap's pcap_stats summed over every
 * capture worker of the run (see LiveSource): `capture.received` (ps_recv:
 * packets that passed the filter, including those then dropped),
 * `capture.dropped` (ps_drop: the kernel buffer was full), `capture.if_dropped`
 * (ps_ifdrop: the interface's own drops) and `capture.truncated` (packets cut
 * to the snaplen) and `capture.discarded_at_shutdown` (received but still in
 * the kernel ring when a worker stopped: the drain is bounded in time). So
 * capture.received = packets.received + capture.dropped + discarded_at_shutdown.
 * Always present, 0 included: "no drops" is a measurement.
 */
import type { CounterName, Counters } from '../counters.js';
import type { WorkerStats } from './frames.js';

export class CaptureCounters {
  constructor(private readonly counters: Counters) {}

  update(totals: WorkerStats): void {
    this.set('capture.received', totals.received);
    this.set('capture.dropped', totals.dropped);
    this.set('capture.if_dropped', totals.ifDropped);
    this.set('capture.truncated', totals.truncated);
    this.set('capture.discarded_at_shutdown', totals.discarded);
  }

  /** Counters only add: move a counter to an absolute value (never backwards). */
  private set(name: CounterName, value: number): void {
    const delta = value - this.counters.get(name);
    this.counters.inc(name, Math.max(0, delta));
  }
}

const FIELDS = ['received', 'dropped', 'ifDropped', 'truncated', 'discarded'] as const;

/** pcap_stats counters are 32-bit on Linux and wrap (in about 12 h at 100,000 pps): read forwards. */
export function counterDelta(previous: number, now: number): number {
  return now >= previous ? now - previous : now + 2 ** 32 - previous;
}

/** Sums the stats frames of successive workers: each new worker's counters start at 0 again. */
export class WorkerStatsSum {
  readonly totals: WorkerStats = { received: 0, dropped: 0, ifDropped: 0, truncated: 0, discarded: 0 };

  /** The stats handler for one worker: adds what each frame says beyond its previous one. */
  newWorker(): (stats: WorkerStats) => void {
    const last: WorkerStats = { received: 0, dropped: 0, ifDropped: 0, truncated: 0, discarded: 0 };
    return (stats) => {
      for (const key of FIELDS) {
        const now = Number(stats[key]) || 0;
        this.totals[key] += counterDelta(last[key], now);
        last[key] = now;
      }
    };
  }
}
