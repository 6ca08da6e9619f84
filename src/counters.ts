/**
 * Named counters per stage (packets, anomalies by name, names by source, ...).
 * Hitting a bound or meeting malformed input is always counted here, never
 * silently swallowed and never thrown. Names are declared in
 * telemetry/catalogue.ts; `inc` accepts nothing else.
 */
import { isCounterName, type CounterName } from './telemetry/catalogue.js';
import { noteInternalError } from './telemetry/internal-errors.js';
import { compareNames } from './util/name-order.js';

export type { AnomalyName, CounterName } from './telemetry/catalogue.js';

export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: CounterName, n = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + n);
  }

  get(name: CounterName): number {
    return this.values.get(name) ?? 0;
  }

  /** Sum of every counter whose name starts with the prefix. */
  sum(prefix: string): number {
    let total = 0;
    for (const [k, v] of this.values) if (k.startsWith(prefix)) total += v;
    return total;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => compareNames(a, b)));
  }
}

/** Anomaly names are `anomaly.<stage>.<what>` so they can be summed per stage. */
export type AnomalyCounter = Pick<Counters, 'inc'>;

/**
 * Counts `anomaly.<stage>.<reason>` for a reason a parser returned as text.
 * A reason missing from the catalogue is a bug: production counts it as
 * `anomaly.telemetry.undeclared_name`, and it is noted as an internal error
 * so the test suite fails on it.
 */
export function countAnomaly(counters: AnomalyCounter, stage: string, reason: string): void {
  const name = `anomaly.${stage}.${reason}`;
  if (isCounterName(name)) {
    counters.inc(name);
    return;
  }
  counters.inc('anomaly.telemetry.undeclared_name');
  noteInternalError('telemetry', new Error(`undeclared counter ${name}`));
}
