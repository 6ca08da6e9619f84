/**
 * One inventory row per destination (its name, or its address when no name was learned),
 * built flow by flow so a month of records never sits in memory as records.
 */
import type { AlertRecord, FlowRecord } from '../records/ecs.js';
import type { Severity } from '../types.js';
import { concernRank, destinationCategoryOf, moreConcerning, worseSeverity } from './categories.js';
import type { Destination, DestinationCategory } from './schema.js';

/** Addresses listed per destination; the rest are counted (a CDN name can have hundreds). */
export const ADDRESSES_PER_DESTINATION = 8;

export function destinationKey(rec: { destination?: { ip: string; domain?: string } }): string {
  return rec.destination?.domain ?? rec.destination?.ip ?? '(unknown)';
}

interface Agg {
  key: string;
  name: string | null;
  nameSources: Set<string>;
  addresses: Set<string>;
  addressesMore: Set<string>;
  countries: Set<string>;
  registrantCountries: Set<string>;
  asns: Map<number, string | null>;
  operatorCountries: Set<string>;
  category: DestinationCategory;
  worst: Severity | null;
  flows: number;
  up: number;
  down: number;
  first: string | null;
  last: string | null;
  rules: Set<string>;
  alerts: number;
  /** Start of each flow, in ms: the timeline's marks. */
  starts: number[];
}

function emptyAgg(key: string): Agg {
  return {
    key, name: null, nameSources: new Set(), addresses: new Set(), addressesMore: new Set(), countries: new Set(),
    registrantCountries: new Set(), asns: new Map(), operatorCountries: new Set(), category: 'other', worst: null,
    flows: 0, up: 0, down: 0, first: null, last: null, rules: new Set(), alerts: 0, starts: [],
  };
}

export class DestinationTable {
  private readonly byKey = new Map<string, Agg>();

  get size(): number {
    return this.byKey.size;
  }

  addFlow(rec: FlowRecord, key = destinationKey(rec)): void {
    const a = this.agg(key);
    this.seeEndpoint(a, rec);
    const start = rec.event.start ?? rec['@timestamp'];
    const end = rec.event.end ?? start;
    a.flows++;
    a.up += rec.source?.bytes ?? 0;
    a.down += rec.destination?.bytes ?? 0;
    if (a.first === null || start < a.first) a.first = start;
    if (a.last === null || end > a.last) a.last = end;
    a.starts.push(Date.parse(start));
  }

  /** An alert lands on its flow's destination (the key the caller resolved through the flow uid). */
  addAlert(rec: AlertRecord, key: string): void {
    const a = this.agg(key);
    this.seeEndpoint(a, rec);
    a.alerts++;
    a.rules.add(rec.rule.id);
    a.worst = worseSeverity(a.worst, rec.groundwatch.severity);
    a.category = moreConcerning(a.category, destinationCategoryOf(rec.groundwatch.category));
    if (a.first === null || rec['@timestamp'] < a.first) a.first = rec['@timestamp'];
    if (a.last === null || rec['@timestamp'] > a.last) a.last = rec['@timestamp'];
  }

  categoryOf(key: string): DestinationCategory {
    return this.byKey.get(key)?.category ?? 'other';
  }

  /** Every destination with the start times of its flows (for the timeline). */
  *entries(): Iterable<{ category: DestinationCategory; starts: number[] }> {
    for (const a of this.byKey.values()) yield { category: a.category, starts: a.starts };
  }

  /** Ordered by concern (category, then worst severity), then bytes. */
  rows(): Destination[] {
    return [...this.byKey.values()].map(toRow).sort(
      (x, y) =>
        concernRank(x.category) - concernRank(y.category) ||
        severityRank(y.worst_severity) - severityRank(x.worst_severity) ||
        y.bytes_up + y.bytes_down - (x.bytes_up + x.bytes_down) ||
        (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
    );
  }

  private agg(key: string): Agg {
    let a = this.byKey.get(key);
    if (!a) this.byKey.set(key, (a = emptyAgg(key)));
    return a;
  }

  private seeEndpoint(a: Agg, rec: FlowRecord | AlertRecord): void {
    const dst = rec.destination;
    const gw = rec.groundwatch;
    if (dst?.domain) a.name = dst.domain;
    if (gw.name.source) a.nameSources.add(gw.name.source);
    if (dst?.ip) {
      if (a.addresses.has(dst.ip) || a.addresses.size < ADDRESSES_PER_DESTINATION) a.addresses.add(dst.ip);
      else a.addressesMore.add(dst.ip);
    }
    if (dst?.geo?.country_iso_code) a.countries.add(dst.geo.country_iso_code);
    if (gw.registrant?.country_iso_code) a.registrantCountries.add(gw.registrant.country_iso_code);
    if (dst?.as?.number !== undefined) a.asns.set(dst.as.number, dst.as.organization?.name ?? a.asns.get(dst.as.number) ?? null);
    if (gw.jurisdiction?.operator_country) a.operatorCountries.add(gw.jurisdiction.operator_country);
  }
}

function severityRank(s: Severity | null): number {
  return s === null ? 0 : ({ info: 1, low: 2, medium: 3, high: 4, critical: 5 } as const)[s];
}

const sorted = (s: Set<string>): string[] => [...s].sort();

function toRow(a: Agg): Destination {
  return {
    key: a.key,
    name: a.name,
    name_sources: sorted(a.nameSources),
    addresses: [...a.addresses],
    addresses_more: a.addressesMore.size,
    countries: sorted(a.countries),
    registrant_countries: sorted(a.registrantCountries),
    asns: [...a.asns].sort(([x], [y]) => x - y).map(([number, organization]) => ({ number, organization })),
    operator_countries: sorted(a.operatorCountries),
    category: a.category,
    worst_severity: a.worst,
    flows: a.flows,
    bytes_up: a.up,
    bytes_down: a.down,
    first_seen: a.first,
    last_seen: a.last,
    rules: sorted(a.rules),
    alerts: a.alerts,
  };
}
