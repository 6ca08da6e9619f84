/**
 * The timeline chart's data: the window cut into a fixed number of buckets, one lane per
 * destination category with the flows started in each bucket, and alert marks. Fixed
 * buckets keep the chart the same size for an hour or a month of records.
 */
import { CONCERN_ORDER, SEVERITY_RANK } from './categories.js';
import type { DestinationCategory, Timeline } from './schema.js';
import type { Severity } from '../types.js';

export const TIMELINE_BUCKETS = 120;

export function buildTimeline(
  window: { start: string | null; end: string | null },
  destinations: Iterable<{ category: DestinationCategory; starts: number[] }>,
  alerts: { ts: string; severity: Severity; category: DestinationCategory }[],
  buckets = TIMELINE_BUCKETS,
): Timeline {
  if (window.start === null || window.end === null) return { start: window.start, end: window.end, bucket_seconds: 0, buckets: 0, lanes: [], alert_marks: [] };
  const from = Date.parse(window.start);
  const span = Math.max(1, Date.parse(window.end) - from);
  const width = span / buckets;
  const bucketOf = (ms: number) => Math.min(buckets - 1, Math.max(0, Math.floor((ms - from) / width)));
  const lanes = new Map<DestinationCategory, Map<number, number>>();
  for (const d of destinations) {
    const lane = lanes.get(d.category) ?? new Map<number, number>();
    for (const ms of d.starts) {
      const b = bucketOf(ms);
      lane.set(b, (lane.get(b) ?? 0) + 1);
    }
    lanes.set(d.category, lane);
  }
  const marks = new Map<string, { bucket: number; category: DestinationCategory; severity: Severity; count: number }>();
  for (const a of alerts) {
    const bucket = bucketOf(Date.parse(a.ts));
    const id = `${bucket}|${a.category}`;
    const m = marks.get(id);
    if (!m) marks.set(id, { bucket, category: a.category, severity: a.severity, count: 1 });
    else {
      m.count++;
      if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[m.severity]) m.severity = a.severity;
    }
  }
  return {
    start: window.start,
    end: window.end,
    bucket_seconds: width / 1000,
    buckets,
    lanes: CONCERN_ORDER.filter((c) => lanes.has(c)).map((category) => ({
      category,
      flows: [...lanes.get(category)!].sort(([a], [b]) => a - b),
    })),
    alert_marks: [...marks.values()].sort((a, b) => a.bucket - b.bucket || CONCERN_ORDER.indexOf(a.category) - CONCERN_ORDER.indexOf(b.category)),
  };
}
