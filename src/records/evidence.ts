/** Evidence blocks shared by flow records and alerts (geo, jurisdiction, names). */
import type { CountryAnswer, CountrySourceFields, EcsEndpoint, GeoEvidence, JurisdictionFields, NameEvidenceFields, NameFields } from './ecs.js';
import type { Attribution, GeoDatabaseRef, GeoInfo, NameEvidence } from '../types.js';
import { MAINLAND_CHINA, sourcesDisagreeAbout } from '../util/country-sources.js';

export function geoEvidence(geo: GeoInfo): GeoEvidence | undefined {
  const ev: GeoEvidence = {};
  if (geo.countryDb) ev.country_db = dbRef(geo.countryDb);
  if (geo.asnDb) ev.asn_db = dbRef(geo.asnDb);
  if (geo.registrantDb) ev.registrant_db = dbRef(geo.registrantDb);
  return ev.country_db || ev.asn_db || ev.registrant_db ? ev : undefined;
}

/**
 * `groundwatch.registrant` (the registrant country, a fact separate from destination.geo) and,
 * when location and registrant disagree about mainland China, `groundwatch.geo_disagreement`
 * with both answers and both databases. The same block in flow and alert records.
 */
export function countrySourceFields(geo: GeoInfo): CountrySourceFields {
  if (geo.special || !geo.registrantDb) return {};
  const registrant = answer(geo.registrantCountryIso, geo.registrantDb);
  const fields: CountrySourceFields = { registrant };
  if (geo.countryDb && sourcesDisagreeAbout(geo, MAINLAND_CHINA)) {
    fields.geo_disagreement = { country_iso_code: 'CN', location: answer(geo.countryIso, geo.countryDb), registrant };
  }
  return fields;
}

function answer(country: string | undefined, db: GeoDatabaseRef): CountryAnswer {
  return { ...(country ? { country_iso_code: country } : {}), database: db.type, build_date: db.buildDate };
}

function dbRef(db: GeoDatabaseRef): { type: string; path: string; build_date: string } {
  return { type: db.type, path: db.path, build_date: db.buildDate };
}

export function jurisdiction(geo: GeoInfo): JurisdictionFields | undefined {
  const j: JurisdictionFields = {};
  if (geo.operatorCountry) j.operator_country = geo.operatorCountry;
  if (geo.operatorName) j.operator_name = geo.operatorName;
  if (geo.special) j.special_range = geo.special;
  return Object.keys(j).length > 0 ? j : undefined;
}

/** Adds geo / AS fields of the remote side to an ECS endpoint. */
export function withGeo(ep: EcsEndpoint, geo: GeoInfo): EcsEndpoint {
  if (geo.countryIso) ep.geo = { country_iso_code: geo.countryIso };
  if (geo.asn !== undefined || geo.asOrg) {
    ep.as = { ...(geo.asn !== undefined ? { number: geo.asn } : {}), ...(geo.asOrg ? { organization: { name: geo.asOrg } } : {}) };
  }
  return ep;
}

/** How the destination's name is known: the same block in flow and alert records. */
export function nameFields(a: Attribution): NameFields {
  const fields: NameFields = { evidence: a.names.map(evidenceFields), conflict: a.conflict };
  if (a.source) fields.source = a.source;
  if (a.unknownReason) fields.unknown_reason = a.unknownReason;
  if (a.encryptedDns) fields.encrypted_dns = a.encryptedDns;
  return fields;
}

/** Record fields are snake_case (as ECS's): the in-memory evidence is camelCase TypeScript. */
function evidenceFields(e: NameEvidence): NameEvidenceFields {
  return {
    host: e.host,
    source: e.source,
    ts: e.ts,
    ...(e.dnsChain ? { dns_chain: e.dnsChain } : {}),
    ...(e.dnsServer !== undefined ? { dns_server: e.dnsServer } : {}),
    ...(e.dnsQuery !== undefined ? { dns_query: e.dnsQuery } : {}),
  };
}

/** A field only when it has a value: records carry no empty objects. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
