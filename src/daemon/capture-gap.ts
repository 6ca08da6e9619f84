/** The `groundwatch.capture_gap` record: a stretch of time in which nothing was captured. */
import { ECS_VERSION, type CaptureGapRecord } from '../records/ecs.js';
import type { CaptureGap } from './live-source.js';

export function buildCaptureGapRecord(gap: CaptureGap, runId?: string): CaptureGapRecord {
  const start = gap.start.toISOString();
  const end = gap.end?.toISOString();
  return {
    '@timestamp': end ?? start,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'event',
      dataset: 'groundwatch.capture_gap',
      action: end ? 'capture-resumed' : 'capture-gap-open',
      start,
      ...(end ? { end, duration: (gap.end!.getTime() - gap.start.getTime()) * 1e6 } : {}),
    },
    observer: { ingress: { interface: { name: gap.interfaceName } } },
    groundwatch: {
      gap: { start, ...(end ? { end } : {}), reason: gap.reason, interface: gap.interfaceName },
      ...(runId ? { run_id: runId } : {}),
    },
  };
}
