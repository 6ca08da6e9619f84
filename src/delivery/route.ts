/**
 * Which destination gets which message. `min_severity` filters alerts only: gaps,
 * heartbeats and dropped events are about the box itself, and a receiver that asked
 * for `high` alerts still needs to know the box stopped capturing or lost alerts.
 */
import { SEVERITY_NUMBER } from '../records/ecs.js';
import type { Severity } from '../types.js';
import type { OutgoingMessage } from './transport.js';

export interface Route {
  /** The destination's label (URL without secrets): the outbox rows' `destination`. */
  readonly label: string;
  readonly minSeverity: Severity;
}

export function routeAccepts(route: Route, message: OutgoingMessage): boolean {
  if (message.kind !== 'alert') return true;
  return (SEVERITY_NUMBER[message.severity] ?? 0) >= (SEVERITY_NUMBER[route.minSeverity] ?? 0);
}
