/**
 * GeoIP data goes stale: addresses move between networks and countries every
 * week. A database older than `geoip_max_age_days` is reported at the start of
 * `monitor` and `replay` (one stderr line), in every stats record and by
 * `status`, with the advice that refreshes it.
 *
 * `npm ci` is not that advice (it reinstalls the versions the lockfile pins),
 * and neither is `npm update` of the embedded packages: the registry's latest
 * release of each is the one installed (checked 2026-12-01: `npm update` says
 * "up to date"; geoip/README.md: ip-location-db stopped its npm updates). What does
 * refresh it is a newer .mmdb of the same role where discovery looks first:
 * the --geoip directory or the system GeoIP directories (db-discovery.ts).
 *
 * The default, 35 days, is the one `geoip info` uses: the embedded sources
 * publish monthly (DB-IP Lite) and MaxMind's GeoLite2 twice a week, so older
 * than a month and a few days means at least one release was missed.
 */
import type { GeoDatabaseInfo } from './geo-resolver.js';
import { SYSTEM_GEOIP_DIRS } from './paths.js';

export const DEFAULT_GEOIP_MAX_AGE_DAYS = 35;

/** The largest limit accepted (ten years): in effect, no warning. */
export const MAX_GEOIP_MAX_AGE_DAYS = 3650;

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

/** How the command at hand accepts older data, and what to do once newer files are in place. */
export interface AdviceContext {
  accept: string;
  then?: string;
}

export const MONITOR_ADVICE: AdviceContext = {
  accept: 'geoip_max_age_days in the config file or --geoip-max-age-days <days>',
  then: 'restart the monitor (systemctl restart groundwatch)',
};
export const REPLAY_ADVICE: AdviceContext = { accept: '--geoip-max-age-days <days> or $GROUNDWATCH_GEOIP_MAX_AGE_DAYS' };

/** Where a newer database of each role comes from; db-discovery.ts recognises each of these. */
const NEWER_BY_ROLE: Readonly<Record<string, string>> = {
  country: 'country: GeoLite2-Country (geoipupdate) or DB-IP Lite (dbip-country-lite-YYYY-MM.mmdb, monthly)',
  asn: 'asn: GeoLite2-ASN (geoipupdate)',
  registrant: 'registrant: a newer geo-whois-asn-country.mmdb (ip-location-db)',
};

/** What to do about stale data, by where it came from and what it is. */
export function refreshAdvice(stale: readonly StaleDatabase[], context: AdviceContext = MONITOR_ADVICE): string {
  const parts: string[] = [];
  if (stale.some((s) => s.origin === 'system')) parts.push('run geoipupdate');
  if (stale.some((s) => s.origin === 'explicit')) parts.push('put newer .mmdb files in the --geoip directory');
  const embedded = [...new Set(stale.filter((s) => s.origin === 'embedded').map((s) => s.role))];
  if (embedded.length > 0) {
    // The embedded packages have no newer release to update to: newer files found first replace them, role by role.
    const newer = embedded.map((role) => NEWER_BY_ROLE[role] ?? `${role}: a newer database`).join('; ');
    parts.push(`put newer .mmdb files in ${SYSTEM_GEOIP_DIRS.join(' or ')} (searched before the embedded data) or a directory given with --geoip <dir> (${newer})`);
  }
  const then = context.then ? `, then ${context.then}` : '';
  return `${parts.join('; ')}${then}; or accept older data with ${context.accept}`;
}

/** One line for stderr, or undefined when nothing is stale. */
export function staleWarning(dbs: readonly GeoDatabaseInfo[], maxAgeDays: number, context: AdviceContext = MONITOR_ADVICE): string | undefined {
  const stale = staleDatabases(dbs, maxAgeDays);
  if (stale.length === 0) return undefined;
  const which = stale.map((s) => `${s.role} ${s.type} ${s.age_days} days`).join(', ');
  return `groundwatch: warning: GeoIP data older than ${maxAgeDays} days (${which}): ${refreshAdvice(stale, context)}`;
}
