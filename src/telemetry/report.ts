/** What the stats record and the run summary report, derived from the catalogue. */
import type { Counters } from '../counters.js';
import { compareNames } from '../util/name-order.js';
import { TELEMETRY, isCounterName, telemetryEntry, type DeclaredCounter } from './catalogue.js';

/** Every declared counter (zero included) and every family member counted, by name, sorted. */
export type ReportedCounters = Record<DeclaredCounter, number> & Record<string, number>;

export function reportedCounters(counters: Counters): ReportedCounters {
  const out: Record<string, number> = {};
  for (const name of Object.keys(TELEMETRY) as DeclaredCounter[]) out[name] = counters.get(name);
  // Family members (per sink, per link type) exist only once counted; an undeclared name cannot be counted.
  for (const [name, value] of Object.entries(counters.toJSON())) if (isCounterName(name)) out[name] = value;
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => compareNames(x, y))) as ReportedCounters;
}

/** Limits that were hit, outside `anomaly.*` (those the anomaly line already shows). */
export function limitHits(counters: Counters): [string, number][] {
  return Object.entries(counters.toJSON()).filter(([name, n]) => n > 0 && !name.startsWith('anomaly.') && telemetryEntry(name)?.kind === 'limit');
}
