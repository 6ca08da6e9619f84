/**
 * Named counters per stage (packets, anomalies by name, names by source, ...).
 * Hitting a bound or meeting malformed input is always counted here, never
 * silently swallowed and never thrown.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, n = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Sum of every counter whose name starts with the prefix. */
  sum(prefix: string): number {
    let total = 0;
    for (const [k, v] of this.values) if (k.startsWith(prefix)) total += v;
    return total;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Anomaly names are `anomaly.<stage>.<what>` so they can be summed per stage. */
export type AnomalyCounter = Pick<Counters, 'inc'>;
