/**
 * GeoIP data goes stale: addresses move between networks and countries every
 * week. A database older than `geoip_max_age_days` is reported at the
 * monitor's start (one line), in every stats record and by `status`, with the
 * advice that refreshes it. `npm ci` is not that advice: it reinstalls the
 * versions the lockfile pins, i.e. the same data.
 *
 * The default, 35 days, is the one `geoip info` uses: the embedded sources
 * publish monthly (DB-IP Lite) and MaxMind's GeoLite2 twice a week, so older
 * than a month and a few days means at least one release was missed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GeoDatabaseInfo } from './geo-resolver.js';
import { LOCATION_PACKAGE, REGISTRANT_PACKAGE, repoRoot } from './paths.js';

export const DEFAULT_GEOIP_MAX_AGE_DAYS = 35;

/** The package of the ASN data the embedded ASN database is built from (rebuilt when it changes). */
export const ASN_PACKAGE = '@ip-location-db/asn';

export interface StaleDatabase {
  role: string;
  type: string;
  path: string;
  origin: string;
  age_days: number;
}

export function staleDatabases(dbs: readonly GeoDatabaseInfo[], maxAgeDays: number): StaleDatabase[] {
  return dbs
    .filter((d) => d.ageDays > maxAgeDays)
    .map((d) => ({ role: d.role, type: d.type, path: d.path, origin: d.origin, age_days: d.ageDays }));
}

/** The command that refreshes the embedded data in place (the ASN database is rebuilt on the next start). */
export function embeddedRefreshCommand(installDir: string = repoRoot()): string {
  // An installed package ships the built ASN database without its source CSVs: only a checkout
  // (where the CSV package is a devDependency) can rebuild it, so only there is it named.
  const asn = existsSync(join(installDir, 'node_modules', ASN_PACKAGE, 'package.json')) ? ` ${ASN_PACKAGE}` : '';
  return `npm --prefix ${installDir.replace(/\/$/, '')} update ${LOCATION_PACKAGE} ${REGISTRANT_PACKAGE}${asn}`;
}

/** What to do about stale data, by where it came from. */
export function refreshAdvice(stale: readonly StaleDatabase[], installDir?: string): string {
  const embedded = stale.some((s) => s.origin === 'embedded');
  const files = stale.some((s) => s.origin !== 'embedded');
  const parts: string[] = [];
  if (files) parts.push('run geoipupdate (MaxMind GeoLite2/GeoIP2 into /usr/share/GeoIP or /var/lib/GeoIP, found there automatically) or put newer .mmdb files in the --geoip directory');
  if (embedded) {
    parts.push(
      `for the embedded data run \`${embeddedRefreshCommand(installDir)}\`, or install geoipupdate ` +
        '(files in /usr/share/GeoIP or /var/lib/GeoIP take precedence), or give --geoip <dir> with newer .mmdb files',
    );
  }
  return `${parts.join('; ')}; then restart the monitor (systemctl restart groundwatch)`;
}

/** One line for stderr, or undefined when nothing is stale. */
export function staleWarning(dbs: readonly GeoDatabaseInfo[], maxAgeDays: number, installDir?: string): string | undefined {
  const stale = staleDatabases(dbs, maxAgeDays);
  if (stale.length === 0) return undefined;
  const which = stale.map((s) => `${s.role} ${s.type} ${s.age_days} days`).join(', ');
  return `groundwatch: warning: GeoIP data older than ${maxAgeDays} days (${which}): ${refreshAdvice(stale, installDir)}`;
}
