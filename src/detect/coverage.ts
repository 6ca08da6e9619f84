/** How many flows and bytes were named by each source, and how many stayed unnamed (the run summary's coverage). */
import type { Counters } from '../counters.js';
import type { Flow } from '../flow/flow.js';

export function recordCoverage(counters: Counters, flow: Flow): void {
  const source = flow.attribution.source ?? 'unnamed';
  counters.inc(`coverage.flows.${source}`);
  counters.inc(`coverage.bytes.${source}`, flow.bytesToServer + flow.bytesToClient);
  if (flow.attribution.unknownReason) counters.inc(`coverage.unknown_reason.${flow.attribution.unknownReason}`);
}

export interface CoverageSummary {
  flows: Record<string, number>;
  bytes: Record<string, number>;
  unknown_reasons: Record<string, number>;
}

export function coverageSummary(counters: Counters): CoverageSummary {
  const all = counters.toJSON();
  const pick = (prefix: string) =>
    Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return { flows: pick('coverage.flows.'), bytes: pick('coverage.bytes.'), unknown_reasons: pick('coverage.unknown_reason.') };
}
