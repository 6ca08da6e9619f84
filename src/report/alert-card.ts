/** One alert as the report shows it: what fired, why, on which evidence, and who acknowledged it. */
import type { AlertRecord } from '../records/ecs.js';
import type { AlertCard, GeoipDatabase } from './schema.js';

export interface Ack {
  by: string;
  at: string;
  note: string;
}

export function alertCard(rec: AlertRecord, acks: Ack[], destinationKey: string): AlertCard {
  const gw = rec.groundwatch;
  const g = gw.geoip;
  const databases: GeoipDatabase[] = [];
  if (g?.country_db) databases.push({ role: 'location', ...pick(g.country_db) });
  if (g?.asn_db) databases.push({ role: 'asn', ...pick(g.asn_db) });
  if (g?.registrant_db) databases.push({ role: 'registrant', ...pick(g.registrant_db) });
  return {
    id: rec.event.id,
    ts: rec['@timestamp'],
    severity: gw.severity,
    category: gw.category ?? null,
    destination_key: destinationKey,
    rule: { id: rec.rule.id, name: rec.rule.name, version: rec.rule.version, ruleset: rec.rule.ruleset, source: rec.rule.reference ?? null },
    source: { ip: rec.source?.ip ?? null, mac: rec.source?.mac ?? null },
    destination: {
      ip: rec.destination?.ip ?? null,
      port: rec.destination?.port ?? null,
      transport: rec.network?.transport ?? null,
      domain: rec.destination?.domain ?? null,
    },
    reasons: gw.reasons,
    name_evidence: gw.name.evidence.map((e) => ({ host: e.host, source: e.source, ts: e.ts })),
    country: rec.destination?.geo?.country_iso_code ?? null,
    registrant_country: gw.registrant?.country_iso_code ?? null,
    asn: rec.destination?.as?.number ?? null,
    as_org: rec.destination?.as?.organization?.name ?? null,
    operator_country: gw.jurisdiction?.operator_country ?? null,
    databases,
    repeats: gw.repeats,
    flow_uid: gw.flow.uid,
    acks,
  };
}

function pick(d: { type: string; path: string; build_date: string }): Omit<GeoipDatabase, 'role'> {
  return { type: d.type, path: d.path, build_date: d.build_date };
}
