/**
 * Keeps what the CI gate needs from the alerts of a run: the highest severity,
 * the total, and (replay) a bounded list with repeat counts for JUnit. With
 * keep = 0 (the daemon) nothing grows with the number of alerts.
 */
import type { AlertRecord, Dataset, GroundwatchRecord } from '../records/ecs.js';
import type { Sink } from '../sinks/sink.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';

export const DEFAULT_KEPT_ALERTS = 100_000;

export class AlertCollector implements Sink {
  readonly name = 'alert-collector';
  readonly alerts: AlertRecord[] = [];
  readonly repeats = new Map<string, number>();
  highest: Severity | undefined;
  total = 0;

  constructor(private readonly keep = DEFAULT_KEPT_ALERTS) {}

  accepts(dataset: Dataset): boolean {
    return dataset === 'groundwatch.alert';
  }

  write(rec: GroundwatchRecord): void {
    if (rec.event.dataset !== 'groundwatch.alert') return;
    const alert = rec as AlertRecord;
    this.total++;
    const sev = alert.groundwatch.severity;
    if (this.highest === undefined || SEVERITY_ORDER.indexOf(sev) > SEVERITY_ORDER.indexOf(this.highest)) this.highest = sev;
    if (this.alerts.length < this.keep) this.alerts.push(alert);
  }

  updateAlertRepeats(alertId: string, repeats: number): void {
    if (this.keep > 0) this.repeats.set(alertId, repeats);
  }

  reaches(threshold: Severity): boolean {
    return this.highest !== undefined && SEVERITY_ORDER.indexOf(this.highest) >= SEVERITY_ORDER.indexOf(threshold);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
