/**
 * Tells when the live heap nears V8's limit, so the tables can shed entries
 * before V8 aborts the process ("heap out of memory" is a native crash, not
 * an exception anything could catch). The heap is read after each full
 * (mark-compact) collection, when what is used is what is live; reading it at
 * an arbitrary moment would count garbage not yet collected.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** Live heap above this part of the old generation's limit after a full collection is pressure. */
export const HEAP_PRESSURE_RATIO = 0.75;
/** V8's default largest semi-space on 64-bit (Node 20); the young generation reserves three. */
const DEFAULT_SEMI_SPACE_MB = 16;
const YOUNG_SPACES = 3;

/**
 * The limit V8 aborts at: the old generation's (what --max-old-space-size
 * sets). heap_size_limit adds the young generation's reserve (48 MiB by
 * default: heap_size_limit is 112 MiB with --max-old-space-size=64), which a
 * full collection empties, so live data never reaches heap_size_limit.
 */
export function oldGenerationLimitBytes(): number {
  const limit = getHeapStatistics().heap_size_limit;
  const young = YOUNG_SPACES * semiSpaceMb() * 1024 * 1024;
  return Math.max(limit - young, limit / 4);
}

/**
 * What the old generation holds. The observer runs some batches after the
 * collection; the young generation has refilled with short-lived garbage by
 * then, the old one has grown only by what was promoted since.
 */
export function oldGenerationUsedBytes(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!YOUNG_SPACE_NAMES.has(space.space_name)) used += space.space_used_size;
  return used;
}
const YOUNG_SPACE_NAMES = new Set(['new_space', 'new_large_object_space']);

/** --max-semi-space-size from the command line or NODE_OPTIONS, else V8's default. */
function semiSpaceMb(): number {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let mb = DEFAULT_SEMI_SPACE_MB;
  for (const flag of flags) {
    const m = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(flag);
    if (m) mb = Number(m[1]);
  }
  return mb;
}

/** One process-wide observer; each HeapPressure remembers which reports it has seen. */
let observer: PerformanceObserver | undefined;
let reports = 0;

function observe(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      if (oldGenerationUsedBytes() > HEAP_PRESSURE_RATIO * oldGenerationLimitBytes()) reports++;
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
