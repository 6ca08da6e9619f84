/**
 * Every table, buffer and cache has a limit; these are the largest defaults.
 * A run scales them down to its memory (src/config/memory-budget.ts).
 */
import type { AttributorLimits } from '../attribution/analyzer.js';
import type { DnsNameCacheOptions } from '../attribution/dns/index.js';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from '../flow/flow-table.js';
import { DEFAULT_TCP_STREAM_LIMITS } from '../flow/tcp-stream.js';

export interface PipelineLimits {
  flows: FlowLimits;
  attribution: AttributorLimits;
  dnsCache: Omit<DnsNameCacheOptions, 'counters'>;
  /** Distinct non-TCP/UDP conversations remembered for the summary. */
  otherConversations: number;
  /** How long (packet time) a flow's judgement waits for its name (SNI, Host) after the first packet. */
  nameWaitSeconds: number;
  fragments: { maxDatagrams: number; maxFragmentsPerDatagram: number };
  /** Alert suppression windows (one per device, destination and rule) remembered. */
  alertWindows: number;
}

export const DEFAULT_LIMITS: PipelineLimits = {
  flows: DEFAULT_FLOW_LIMITS,
  attribution: { stream: DEFAULT_TCP_STREAM_LIMITS, maxHttpHeadBytes: 16 * 1024, maxQuicDatagrams: 8 },
  dnsCache: { maxEntries: 100_000 },
  otherConversations: 100_000,
  nameWaitSeconds: 1,
  fragments: { maxDatagrams: 1024, maxFragmentsPerDatagram: 64 },
  alertWindows: 100_000,
};
