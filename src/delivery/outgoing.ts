/**
 * Records -> outbox messages. Which records leave the box: alerts and capture gaps
 * (heartbeats and `delivery.dropped` events are built in their own files; integrity
 * checkpoints will come through `enqueueMessage`). The message carries the ECS record
 * exactly as it went to NDJSON, and the few fields syslog puts in structured data.
 */
import type { AlertRecord, CaptureGapRecord, GroundwatchRecord } from '../records/ecs.js';
import type { Severity } from '../types.js';
import type { OutgoingMessage } from './transport.js';

/** Gaps are operational news a receiver must see whatever its alert threshold. */
export const GAP_SEVERITY: Severity = 'medium';

/** The outgoing message for a record that leaves the box, or undefined for one that does not. */
export function messageForRecord(rec: GroundwatchRecord): OutgoingMessage | undefined {
  switch (rec.event.dataset) {
    case 'groundwatch.alert': return alertMessage(rec as AlertRecord);
    case 'groundwatch.capture_gap': return gapMessage(rec as CaptureGapRecord);
    default: return undefined;
  }
}

export function alertMessage(rec: AlertRecord): OutgoingMessage {
  const dst = rec.destination;
  const dstText = dst?.domain ?? dst?.ip;
  return {
    id: rec.event.id,
    kind: 'alert',
    severity: rec.groundwatch.severity,
    timestamp: eventTime(rec['@timestamp']),
    json: JSON.stringify(rec),
    summary: compact({
      alert_id: rec.event.id,
      rule: rec.rule.id,
      severity: rec.groundwatch.severity,
      dst: dstText,
      country: dst?.geo?.country_iso_code,
    }),
  };
}

/** A gap has no id of its own: its interface and start time identify it (the resumed record differs by `end`). */
export function gapMessage(rec: CaptureGapRecord): OutgoingMessage {
  const gap = rec.groundwatch.gap;
  const id = `gap:${gap.interface}:${gap.start}:${gap.end === undefined ? 'open' : 'closed'}`;
  return {
    id,
    kind: 'capture_gap',
    severity: GAP_SEVERITY,
    timestamp: eventTime(rec['@timestamp']),
    json: JSON.stringify(rec),
    summary: compact({ severity: GAP_SEVERITY, rule: `capture_gap.${gap.reason}` }),
  };
}

/**
 * Records keep nanosecond timestamps; the seam promises RFC 3339 with milliseconds and Z
 * (what RFC 5424 TIMESTAMP and Standard Webhooks' receivers take).
 */
export function eventTime(ts: string): string {
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? new Date().toISOString() : new Date(ms).toISOString();
}

function compact(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
