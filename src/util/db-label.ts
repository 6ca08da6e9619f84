/**
 * GeoIP database names as people know them. Records keep the database's own
 * type (or file name) so a reviewer can find the file; text for a person says
 * "DB-IP Lite Country" rather than "dbip-country", and the build date rather
 * than a timestamp to the millisecond.
 */
const KNOWN: readonly [RegExp, string][] = [
  [/^dbip-country(-lite)?$|^DBIP-Country-Lite$/i, 'DB-IP Lite Country'],
  [/^dbip-city(-lite)?$|^DBIP-City-Lite$/i, 'DB-IP Lite City'],
  [/^dbip-asn(-lite)?$|^DBIP-ASN-Lite/i, 'DB-IP Lite ASN'],
  [/^geo-whois-asn-country$/i, 'ip-location-db registrant (whois) country'],
  [/^GroundWatch-ASN$/i, 'groundwatch ASN (embedded, built from ip-location-db)'],
  [/^GeoLite2-(.+)$/i, 'MaxMind GeoLite2 $1'],
  [/^GeoIP2-(.+)$/i, 'MaxMind GeoIP2 $1'],
];

export function databaseLabel(type: string): string {
  for (const [pattern, label] of KNOWN) if (pattern.test(type)) return type.replace(pattern, label);
  return type;
}

/** 2026-06-01T20:32:58.000Z -> 2026-06-01 (a database is dated by its build day). */
export function buildDay(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? iso;
}

/**
 * A rule's reason as a person reads it: database labels and build days, and the
 * `not` clause of older records ("is not excluded by not{country: CN}") in words.
 */
export function plainReason(reason: string): string {
  return reason
    .replace(/\(([^()\s]+) built (\d{4}-\d{2}-\d{2})[T\d:.]*Z?\)/g, (_m, type: string, day: string) => `(${databaseLabel(type)} database, built ${day})`)
    .replace(/ is not excluded by not\{(.*)\}$/, " is outside the rule's exception ($1)");
}
