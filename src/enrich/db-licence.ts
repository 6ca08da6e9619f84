import type { OpenedDb } from './mmdb-open.js';
import { ASN_DB_TYPE } from './asn-build.js';

/** A short licence note per database, so `geoip info` and records can say what may be shipped. */
export function licenceNote(db: Pick<OpenedDb, 'type' | 'description' | 'path'>): string {
  const type = db.type;
  if (/fake|example purposes|test/i.test(db.description) || /-Test\.mmdb$/.test(db.path)) {
    return 'MaxMind test data (fake), Apache-2.0 or MIT; not for real geolocation';
  }
  if (type === ASN_DB_TYPE) {
    return 'CC BY 4.0: data by RouteViews (routeviews.org), NRO (nro.net) and DB-IP (db-ip.com) via @ip-location-db/asn';
  }
  if (/geo-whois-asn-country/i.test(db.path)) {
    return 'ip-location-db geo-whois-asn-country: npm package says CC0-1.0; its README credits NRO data (CC BY 4.0, nro.net)';
  }
  if (/dbip-country[^/]*\.mmdb$/i.test(db.path)) {
    return 'CC BY 4.0: IP Geolocation by DB-IP (db-ip.com), DB-IP Lite country via ip-location-db; attribution required';
  }
  if (/geolite2-[^/]*\.mmdb$/i.test(db.path) && !type.startsWith('GeoLite2-')) {
    return 'MaxMind GeoLite2 EULA + CC BY-SA 4.0 (redistributed by ip-location-db); the EULA requires updates within 30 days';
  }
  if (type.startsWith('GeoLite2-')) return 'MaxMind GeoLite2 End User License Agreement (attribution required)';
  if (type.startsWith('GeoIP2-')) return 'MaxMind commercial licence (GeoIP2)';
  if (/^DBIP-/i.test(type)) return 'DB-IP licence (Lite editions: CC BY 4.0, attribution to db-ip.com)';
  return 'unknown licence: check the database vendor';
}
