import { countAnomaly, type AnomalyCounter } from '../counters.js';

/** Counts a parser's invalid verdict once: limit hits are counted by the parsers themselves, everything else here. */
export function countInvalid(counters: AnomalyCounter, stage: string, reason: string, countedThere: ReadonlySet<string>): void {
  if (!countedThere.has(reason)) countAnomaly(counters, stage, reason);
}
