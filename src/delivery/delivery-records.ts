/**
 * The two records delivery makes itself, ECS-shaped like every other record:
 * the heartbeat (`groundwatch.heartbeat`, event.kind `state`: ECS's kind for a
 * periodic report of a system's state) and the `delivery.dropped` event
 * (`groundwatch.delivery`, action `delivery-dropped`) that says what the full
 * outbox shed. Both travel as outbox messages, never into the store's tables.
 */
import { randomUUID } from 'node:crypto';
import { ECS_VERSION } from '../records/ecs.js';
import type { Severity } from '../types.js';
import type { OutgoingMessage } from './transport.js';

/** A receiver alarms on a missing heartbeat, not on its severity. */
export const HEARTBEAT_SEVERITY: Severity = 'info';
/** Loss of alerts is news a receiver must see whatever its threshold; these rows are never shed. */
export const DROPPED_SEVERITY: Severity = 'high';

export interface CaptureHealth {
  /** Packets received (handed to the pipeline) since the run started. */
  readonly received: number;
  /** Packets the kernel dropped (capture buffer full). */
  readonly dropped: number;
  /** Capture gaps open now (interface down, worker restarting). */
  readonly open_gaps: number;
  /** Outbox rows still pending for this destination, and for all. */
  readonly outbox_pending: number;
  readonly outbox_pending_bytes: number;
  /** Age of the oldest pending row in seconds (0 when none). */
  readonly outbox_oldest_pending_s: number;
}

export interface HeartbeatContext {
  readonly runId: string;
  readonly mode: string;
  readonly interfaceName?: string;
  readonly hostname: string;
  readonly intervalSeconds: number;
}

export function heartbeatMessage(ctx: HeartbeatContext, health: CaptureHealth, now: Date): OutgoingMessage {
  const id = `heartbeat-${randomUUID()}`;
  const timestamp = now.toISOString();
  const record = {
    '@timestamp': timestamp,
    ecs: { version: ECS_VERSION },
    event: { kind: 'state', dataset: 'groundwatch.heartbeat', action: 'heartbeat', id },
    host: { name: ctx.hostname },
    observer: { hostname: ctx.hostname, ...(ctx.interfaceName ? { ingress: { interface: { name: ctx.interfaceName } } } : {}) },
    groundwatch: {
      run_id: ctx.runId,
      heartbeat: { mode: ctx.mode, interval_s: ctx.intervalSeconds, capture: health },
    },
  };
  return { id, kind: 'heartbeat', severity: HEARTBEAT_SEVERITY, timestamp, json: JSON.stringify(record), summary: { severity: HEARTBEAT_SEVERITY, rule: 'heartbeat' } };
}

export type SeverityCounts = Partial<Record<Severity, number>>;

export function droppedMessage(destination: string, bySeverity: SeverityCounts, maxBytes: number, now: Date): OutgoingMessage {
  const id = `dropped-${randomUUID()}`;
  const timestamp = now.toISOString();
  const total = Object.values(bySeverity).reduce((a, b) => a + (b ?? 0), 0);
  const record = {
    '@timestamp': timestamp,
    ecs: { version: ECS_VERSION },
    event: { kind: 'event', dataset: 'groundwatch.delivery', action: 'delivery-dropped', id, reason: 'outbox full' },
    groundwatch: {
      delivery: { destination, dropped: { total, by_severity: bySeverity }, outbox_max_bytes: maxBytes },
    },
  };
  return { id, kind: 'delivery_dropped', severity: DROPPED_SEVERITY, timestamp, json: JSON.stringify(record), summary: { severity: DROPPED_SEVERITY, rule: 'delivery.dropped' } };
}
