/**
 * The table bounds a run can afford. A fixed million flows needs over 2 GB
 * of heap through the whole pipeline, more than Node gives a 4 GB box, and V8
 * aborts instead of evicting. So the bounds are sized from the memory there
 * is: V8's old-generation limit, the machine's memory or the cgroup's limit, or a
 * configured budget (`--memory-budget`, `memory_budget_mb`), whichever is
 * smallest. The per-flow figures are measured by `bench/flow-memory.ts`, which
 * fails when the real cost outgrows them.
 */
import { totalmem } from 'node:os';
import { DNS_CACHE_DEFAULTS } from '../attribution/dns/index.js';
import { oldGenerationLimitBytes } from '../util/heap-pressure.js';
import { DEFAULT_LIMITS, type PipelineLimits } from './limits.js';

const MIB = 1024 * 1024;
/**
 * Heap per concurrent flow. bench/flow-memory.ts (200,000 flows through a
 * whole replay session, after a full GC) measured 1.21 KiB for a UDP flow,
 * 1.51 KiB for a TCP SYN and 2.14 KiB for a TCP flow named by its ClientHello;
 * rounded up from the largest.
 */
export const FLOW_HEAP_BYTES = 3072;
/** Resident memory per flow (same bench: 1.31 KiB UDP, 1.55 KiB TCP, 2.9 to 3.3 KiB named TLS), rounded up. */
export const FLOW_RSS_BYTES = 4096;
/** Part of the budget the flow table may fill; the rest is for the other tables, packet batches, sink queues and garbage. */
export const FLOW_SHARE = 0.5;
/** Below this a capture is not worth running; a budget that small still gets this many flows. */
const MIN_FLOWS = 1000;
const MIN_TABLE_ENTRIES = 1000;
const MIN_FRAGMENT_DATAGRAMS = 64;

export interface MemoryBudget {
  /** Heap the tables may fill: V8's old-generation limit, or less when configured. */
  heapBytes: number;
  /** Resident memory allowed: the configured budget, else the machine's or the cgroup's memory. */
  residentBytes: number;
}

/** Machine memory, or the cgroup's limit when it is lower (libuv reads cgroup v1 and v2). */
export function physicalMemoryBytes(): number {
  const total = totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

export function memoryBudget(configuredMb?: number): MemoryBudget {
  const heapLimit = oldGenerationLimitBytes();
  if (configuredMb !== undefined) {
    const bytes = configuredMb * MIB;
    return { heapBytes: Math.min(heapLimit, bytes), residentBytes: bytes };
  }
  return { heapBytes: heapLimit, residentBytes: physicalMemoryBytes() };
}

/** Flows that fit the budget, never more than the fixed default (1,000,000). */
export function flowsForBudget(budget: MemoryBudget): number {
  const byHeap = (budget.heapBytes * FLOW_SHARE) / FLOW_HEAP_BYTES;
  const byResident = (budget.residentBytes * FLOW_SHARE) / FLOW_RSS_BYTES;
  return Math.max(MIN_FLOWS, Math.min(DEFAULT_LIMITS.flows.maxFlows, Math.floor(Math.min(byHeap, byResident))));
}

/**
 * The default limits scaled to the budget: the flow table from the measured
 * per-flow cost, and the tables that grow beside it (DNS answers, other IP
 * conversations, alert windows, fragments) by the same factor.
 */
export function limitsForBudget(budget: MemoryBudget, base: PipelineLimits = DEFAULT_LIMITS): PipelineLimits {
  const maxFlows = flowsForBudget(budget);
  const scale = maxFlows / DEFAULT_LIMITS.flows.maxFlows;
  const scaled = (n: number, min: number) => Math.max(Math.min(n, min), Math.round(n * scale));
  return {
    ...base,
    flows: { ...base.flows, maxFlows: Math.min(base.flows.maxFlows, maxFlows) },
    dnsCache: { ...base.dnsCache, maxEntries: scaled(base.dnsCache.maxEntries ?? DNS_CACHE_DEFAULTS.maxEntries, MIN_TABLE_ENTRIES) },
    otherConversations: scaled(base.otherConversations, MIN_TABLE_ENTRIES),
    alertWindows: scaled(base.alertWindows, MIN_TABLE_ENTRIES),
    fragments: { ...base.fragments, maxDatagrams: scaled(base.fragments.maxDatagrams, MIN_FRAGMENT_DATAGRAMS) },
  };
}
