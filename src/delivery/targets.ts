/**
 * `--deliver URL` flags and config `deliver:` entries -> delivery targets (route +
 * transport). Parsing (and reading secrets) is parseDestination's; the outbox needs
 * only the label (what its rows record) and min_severity.
 */
import { SEVERITY_ORDER } from '../types.js';
import type { Destination } from './destination.js';
import type { DeliveryTarget } from './destination-queue.js';
import type { Transport } from './transport.js';
import { parseDestination, type DestinationOptions } from './url.js';
import { createTransport } from './transports/factory.js';
import { GroundwatchError } from '../errors.js';

/** A config `deliver:` entry: a URL, or a URL with options (TLS files, secret_file / secret_env, min_severity...). */
export type DeliverEntry = string | ({ url: string } & DestinationOptions);

export type TransportFactory = (destination: Destination) => Transport;

export function deliveryTargets(entries: readonly DeliverEntry[], makeTransport: TransportFactory = createTransport): DeliveryTarget[] {
  const destinations = entries.map((e) => (typeof e === 'string' ? parseDestination(e) : parseDestination(e.url, withoutUrl(e))));
  const seen = new Set<string>();
  for (const d of destinations) {
    // The label is the outbox rows' key: two destinations with one label would share (and steal) rows.
    if (seen.has(d.label)) throw new GroundwatchError('USAGE', `--deliver ${d.label} is given twice`);
    seen.add(d.label);
  }
  return destinations.map((d) => ({ route: { label: d.label, minSeverity: d.minSeverity ?? SEVERITY_ORDER[0]! }, transport: makeTransport(d) }));
}

function withoutUrl(entry: { url: string } & DestinationOptions): DestinationOptions {
  const { url: _url, ...options } = entry;
  return options;
}
