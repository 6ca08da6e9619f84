/** `--deliver` / `deliver:` and `delivery:` settings -> the session's delivery setup (transports built here, secrets read here). */
import { DEFAULT_HEARTBEAT_INTERVAL_S } from '../delivery/heartbeat-timer.js';
import { DEFAULT_OUTBOX_MAX_BYTES } from '../delivery/outbox-limit.js';
import type { DeliverySetup } from '../delivery/delivery.js';
import { deliveryTargets, type DeliverEntry } from '../delivery/targets.js';

export interface DeliverySettings {
  outbox_max_bytes?: number | undefined;
  heartbeat_interval?: number | undefined;
}

export function deliverySetup(entries: readonly DeliverEntry[], settings: DeliverySettings = {}): DeliverySetup {
  return {
    destinations: deliveryTargets(entries),
    outboxMaxBytes: settings.outbox_max_bytes ?? DEFAULT_OUTBOX_MAX_BYTES,
    heartbeatIntervalMs: (settings.heartbeat_interval ?? DEFAULT_HEARTBEAT_INTERVAL_S) * 1000,
  };
}
