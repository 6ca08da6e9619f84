import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAsnMmdb } from './asn-build.js';
import { openMmdb, type DbOrigin, type DbRole, type OpenedDb } from './mmdb-open.js';
import { embeddedCountryMmdb, embeddedRegistrantMmdb, EMBEDDED_ASN_FILE, embeddedGeoipDir, SYSTEM_GEOIP_DIRS } from './paths.js';

export interface DbProblem {
  path: string;
  origin: DbOrigin;
  message: string;
}

export interface Discovery {
  country?: OpenedDb;
  asn?: OpenedDb;
  registrant?: OpenedDb;
  problems: DbProblem[];
  /** Directories (or the explicit file) that were searched, in order. */
  searched: string[];
}

export interface DiscoveryOptions {
  dir?: string;
  searchSystemDirs?: boolean;
  /** Where the embedded ASN database lives (tests point this elsewhere). */
  embeddedDir?: string;
  /** Skip the embedded fallbacks entirely (tests of explicit directories only). */
  embedded?: boolean;
  /** The embedded location and registrant files (default: in their npm packages, see paths.ts). */
  embeddedCountryFile?: string;
  embeddedRegistrantFile?: string;
}

const ROLES: readonly DbRole[] = ['country', 'asn', 'registrant'];

/**
 * Per role (country, ASN, registrant), the first location that has a usable database wins:
 * explicit dir/file, then /usr/share/GeoIP, /var/lib/GeoIP, then the embedded default.
 */
export function discoverDatabases(opts: DiscoveryOptions): Discovery {
  const found: Discovery = { problems: [], searched: [] };
  const locations: Array<{ origin: DbOrigin; path: string }> = [];
  if (opts.dir !== undefined) locations.push({ origin: 'explicit', path: opts.dir });
  if (opts.searchSystemDirs !== false) for (const d of SYSTEM_GEOIP_DIRS) locations.push({ origin: 'system', path: d });
  for (const loc of locations) {
    if (ROLES.every((role) => found[role])) break;
    found.searched.push(loc.path);
    fillRoles(found, openAll(mmdbFiles(loc, found), loc.origin, found));
  }
  if (opts.embedded !== false) addEmbedded(found, opts);
  return found;
}

function mmdbFiles(loc: { origin: DbOrigin; path: string }, found: Discovery): string[] {
  try {
    const st = statSync(loc.path);
    if (st.isFile()) return [loc.path];
    return readdirSync(loc.path)
      .filter((f) => f.toLowerCase().endsWith('.mmdb'))
      .sort()
      .map((f) => join(loc.path, f));
  } catch (err) {
    if (loc.origin === 'explicit') {
      found.problems.push({ path: loc.path, origin: loc.origin, message: `cannot read ${loc.path}: ${(err as Error).message}` });
    }
    return [];
  }
}

function openAll(paths: string[], origin: DbOrigin, found: Discovery): OpenedDb[] {
  const out: OpenedDb[] = [];
  for (const p of paths) {
    try {
      out.push(openMmdb(p, origin));
    } catch (err) {
      found.problems.push({ path: p, origin, message: (err as Error).message });
    }
  }
  return out;
}

function fillRoles(found: Discovery, dbs: OpenedDb[]): void {
  for (const role of ROLES) {
    if (found[role]) continue;
    const best = dbs.filter((d) => d.role === role).sort((a, b) => rank(role, a) - rank(role, b))[0];
    if (best) found[role] = best;
  }
}

/** Lower is better: commercial before free, Country before City (smaller, same country data). */
function rank(role: DbRole, db: OpenedDb): number {
  const order =
    role === 'country'
      ? ['GeoIP2-Country', 'GeoIP2-Enterprise', 'GeoIP2-City', 'GeoLite2-Country', 'GeoLite2-City', 'DBIP-Country-Lite', 'dbip-country']
      : role === 'asn'
        ? ['GeoIP2-ISP', 'GeoLite2-ASN', 'GroundWatch-ASN']
        : ['geo-whois-asn-country'];
  const i = order.indexOf(db.type);
  return i < 0 ? order.length : i;
}

function addEmbedded(found: Discovery, opts: DiscoveryOptions): void {
  const dir = opts.embeddedDir ?? embeddedGeoipDir();
  if (!found.country) addEmbeddedFile(found, 'country', opts.embeddedCountryFile ?? embeddedCountryMmdb());
  if (!found.registrant) addEmbeddedFile(found, 'registrant', opts.embeddedRegistrantFile ?? embeddedRegistrantMmdb());
  if (!found.asn) {
    found.searched.push(join(dir, EMBEDDED_ASN_FILE));
    fillRoles(found, openEmbeddedAsn(dir, found));
  }
}

function addEmbeddedFile(found: Discovery, role: DbRole, path: string): void {
  found.searched.push(path);
  if (!existsSync(path)) {
    found.problems.push({ path, origin: 'embedded', message: `embedded ${role} database missing: ${path} (run npm ci)` });
    return;
  }
  const opened = openAll([path], 'embedded', found);
  const wrong = opened.find((db) => db.role !== role);
  if (wrong) found.problems.push({ path, origin: 'embedded', message: `${path}: expected a ${role} database, looks like ${wrong.role}` });
  else fillRoles(found, opened);
}

/** Built on first use when `npm ci` did not build it (same function as scripts/build-geoip.mjs). */
function openEmbeddedAsn(dir: string, found: Discovery): OpenedDb[] {
  try {
    const ensured = ensureAsnMmdb({ outDir: dir });
    return [openMmdb(ensured.path, 'embedded', ensured.bytes)];
  } catch (err) {
    const message = `embedded ASN database unavailable (${(err as Error).message}); build it with: node scripts/build-geoip.mjs`;
    found.problems.push({ path: join(dir, EMBEDDED_ASN_FILE), origin: 'embedded', message });
    return [];
  }
}
