/**
 * Reading facts out of MMDB records of different shapes:
 * MaxMind GeoIP2/GeoLite2 (`country.iso_code`, `registered_country.iso_code`,
 * `represented_country.iso_code`), ip-location-db (`country_code`), and ASN records
 * (`autonomous_system_number` / `_organization`, or ipinfo-style `asn: "AS123"` / `as_name`).
 */
export interface CountryFacts {
  countryIso?: string;
  registeredCountryIso?: string;
  representedCountryIso?: string;
}

export interface AsnFacts {
  asn?: number;
  asOrg?: string;
}

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isoOf(v: unknown): string | undefined {
  if (!isRec(v)) return undefined;
  return isoCode(v.iso_code);
}

function isoCode(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : undefined;
}

export function countryFacts(record: unknown): CountryFacts {
  if (!isRec(record)) return {};
  const out: CountryFacts = {};
  const country = isoOf(record.country) ?? isoCode(record.country_code);
  if (country) out.countryIso = country;
  const registered = isoOf(record.registered_country);
  if (registered) out.registeredCountryIso = registered;
  const represented = isoOf(record.represented_country);
  if (represented) out.representedCountryIso = represented;
  return out;
}

export function asnFacts(record: unknown): AsnFacts {
  if (!isRec(record)) return {};
  const out: AsnFacts = {};
  const asn = asnNumber(record.autonomous_system_number ?? record.asn);
  if (asn !== undefined) out.asn = asn;
  const org = record.autonomous_system_organization ?? record.as_name ?? record.as_org;
  if (typeof org === 'string' && org !== '') out.asOrg = org;
  return out;
}

function asnNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^(?:AS)?(\d{1,10})$/i.exec(v.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Whether a record looks like it came from a country- or an ASN-shaped database. */
export function recordRole(record: unknown): 'country' | 'asn' | undefined {
  if (asnFacts(record).asn !== undefined) return 'asn';
  const c = countryFacts(record);
  if (c.countryIso || c.registeredCountryIso) return 'country';
  return undefined;
}
