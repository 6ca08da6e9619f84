/** The `groundwatch.stats` record: counters per stage, coverage of names, sinks. */
import { coverageSummary } from '../detect/coverage.js';
import { unsupportedLinkTypes } from '../decode/link-types.js';
import { ECS_VERSION, type StatsRecord } from '../records/ecs.js';
import { isoFromSeconds } from '../records/time.js';
import type { StatsView } from './run-view.js';
import { reportedCounters } from '../telemetry/report.js';
import { staleDatabases } from '../enrich/staleness.js';

function countersUnder(all: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

export function buildStatsRecord(session: StatsView, final: boolean): StatsRecord {
  const c = session.counters;
  const all = c.toJSON();
  const anomalies = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('anomaly.')));
  const ts = session.pipeline.now > 0 ? isoFromSeconds(session.pipeline.now) : new Date().toISOString();
  return {
    '@timestamp': ts,
    ecs: { version: ECS_VERSION },
    event: { kind: 'metric', dataset: 'groundwatch.stats', ...(final ? { action: 'final' } : { action: 'interval' }) },
    groundwatch: {
      stats: {
        final,
        /** Wall-clock time the record was written (`@timestamp` is packet time): `status` tells a live daemon by it. */
        written_at: new Date().toISOString(),
        packets: {
          received: c.get('packets.received'),
          decoded: c.get('packets.decoded'),
          dropped: c.get('capture.dropped'),
          non_ip: c.get('decode.non_ip'),
          unsupported_link_type: c.get('decode.unsupported_link_type'),
          // Packets per unsupported LINKTYPE number, e.g. { "127": 100 } for radiotap.
          unsupported_link_types: Object.fromEntries(unsupportedLinkTypes(all).map(([type, n]) => [String(type), n])),
        },
        anomalies_total: c.sum('anomaly.'),
        anomalies,
        flows: {
          created: c.get('flow.created'),
          active: session.pipeline.flows.size,
          evicted: c.get('flow.evicted'),
          // Of those, ended early because the heap neared its limit; `max` is the bound in force.
          evicted_memory: c.get('flow.evicted_memory'),
          max: session.pipeline.flows.maxFlows,
          not_judged: c.get('flow.not_judged'),
          /** Flows whose start was not seen, by what decided their client side (flow/orientation.ts). */
          start_not_seen: countersUnder(all, 'flow.start_not_seen.'),
          other_ip_conversations: session.pipeline.otherConversations.count,
        },
        dns: { queries: c.get('dns.queries'), responses: c.get('dns.responses') },
        alerts: {
          total: session.collector.total,
          suppressed_repeats: c.get('alerts.suppressed_repeats'),
          by_severity: {
            info: c.get('alerts.info'),
            low: c.get('alerts.low'),
            medium: c.get('alerts.medium'),
            high: c.get('alerts.high'),
            critical: c.get('alerts.critical'),
          },
        },
        coverage: coverageSummary(c),
        sinks: Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('sink.'))),
        capture: Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('capture.'))),
        /** Outbox and destinations (queued, delivered, retried, dropped, disabled, pending, oldest_pending_s, heartbeats). */
        delivery: countersUnder(reportedCounters(c), 'delivery.'),
        /** GeoIP data older than geoip_max_age_days: `stale` is true while any database in use is (enrich/staleness.ts). */
        geoip: geoipAge(session),
        /** Every counter in telemetry/catalogue.ts, zero included, and each per-sink / per-link-type one counted. */
        counters: reportedCounters(c),
      },
      run_id: session.run.id,
    },
  };
}

function geoipAge(session: StatsView): Record<string, unknown> {
  const dbs = session.geo.databases(new Date());
  const stale = staleDatabases(dbs, session.geoipMaxAgeDays);
  return {
    stale: stale.length > 0,
    max_age_days: session.geoipMaxAgeDays,
    oldest_age_days: dbs.reduce((max, d) => Math.max(max, d.ageDays), 0),
    stale_databases: stale,
  };
}
