/**
 * Tells when the live heap nears V8's limit, so the tables can shed entries
 * before V8 aborts the process ("heap out of memory" is a native crash, not
 * an exception anything could catch). The heap is read after each full
 * (mark-compact) collection, when what is used is what is live; reading it at
 * an arbitrary moment would count garbage not yet collected.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

/** Live heap above this part of the limit after a full collection is pressure. */
export const HEAP_PRESSURE_RATIO = 0.75;

/** One process-wide observer; each HeapPressure remembers which reports it has seen. */
let observer: PerformanceObserver | undefined;
let reports = 0;

function observe(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const heap = getHeapStatistics();
      if (heap.used_heap_size > HEAP_PRESSURE_RATIO * heap.heap_size_limit) reports++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

export class HeapPressure {
  private seen: number;

  constructor() {
    observe();
    this.seen = reports;
  }

  /** True when a full collection left the heap above the ratio since the last call. */
  take(): boolean {
    if (reports === this.seen) return false;
    this.seen = reports;
    return true;
  }
}
