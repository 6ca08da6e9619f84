import { Counters } from '../counters.js';
import { GroundwatchError } from '../errors.js';
import type { GeoDatabaseRef, GeoInfo, GeoLookup } from '../types.js';
import { discoverDatabases, type Discovery, type DiscoveryOptions } from './db-discovery.js';
import { licenceNote } from './db-licence.js';
import { parseAddress as parseIp } from '../address/ip.js';
import { LruCache } from './lru.js';
import { safeGet, type DbOrigin, type DbRole, type OpenedDb } from './mmdb-open.js';
import { OperatorTable } from './operators.js';
import { asnFacts, countryFacts } from './record-shape.js';
import { classifySpecial } from './special-ranges.js';

export interface GeoOptions {
  /** Directory (or single .mmdb file) searched first; a corrupt file here is an error. */
  dir?: string;
  /** Also search /usr/share/GeoIP and /var/lib/GeoIP (default true). */
  searchSystemDirs?: boolean;
  operatorsFile?: string;
  /** Addresses remembered (LRU); default 10 000. */
  cacheSize?: number;
  counters?: Counters;
  /** Where the embedded ASN database is kept (default <repo>/geoip). */
  embeddedDir?: string;
  /** Fall back to the embedded databases (default true). */
  embedded?: boolean;
  /** Override the embedded location / registrant files (tests; default: their npm packages). */
  embeddedCountryFile?: string;
  embeddedRegistrantFile?: string;
}

export interface GeoDatabaseInfo {
  role: DbRole;
  type: string;
  path: string;
  origin: DbOrigin;
  /** ISO 8601 build date from the metadata. */
  buildDate: string;
  ageDays: number;
  /** Search-tree node count from the metadata. */
  recordCount: number;
  recordSize: number;
  ipVersion: number;
  description: string;
  licence: string;
}

export const DEFAULT_GEO_CACHE_SIZE = 10_000;

interface Loaded {
  country?: OpenedDb;
  asn?: OpenedDb;
  registrant?: OpenedDb;
  countryRef?: GeoDatabaseRef;
  asnRef?: GeoDatabaseRef;
  registrantRef?: GeoDatabaseRef;
  operators: OperatorTable;
}

/**
 * Country (location) + registrant country + ASN + operator look-ups behind one cached,
 * reloadable facade. Location and registrant are separate facts from separate databases:
 * whether they disagree is for the rules to judge (rules/README.md).
 */
export class GeoResolver implements GeoLookup {
  private readonly cache: LruCache<string, GeoInfo>;
  private readonly counters: Counters;

  private constructor(
    private readonly opts: GeoOptions,
    private loaded: Loaded,
  ) {
    this.counters = opts.counters ?? new Counters();
    this.cache = new LruCache(opts.cacheSize ?? DEFAULT_GEO_CACHE_SIZE, () => this.counters.inc('enrich.geoip.cache_evicted'));
  }

  static async open(opts: GeoOptions = {}): Promise<GeoResolver> {
    const outcome = await load(opts);
    if ('error' in outcome) throw outcome.error;
    return new GeoResolver(opts, outcome.loaded);
  }

  lookup(ip: string): GeoInfo {
    // The pipeline hands canonical text, so the text itself is the cache key: a hit costs no parsing.
    const direct = this.cache.get(ip);
    if (direct) {
      this.counters.inc('enrich.geoip.cache_hit');
      return direct;
    }
    const parsed = parseIp(ip);
    if (!parsed) {
      this.counters.inc('anomaly.enrich.bad_ip');
      return {};
    }
    const hit = this.cache.get(parsed.text);
    if (hit) {
      this.counters.inc('enrich.geoip.cache_hit');
      return hit;
    }
    this.counters.inc('enrich.geoip.lookup');
    const special = classifySpecial(parsed);
    const info = Object.freeze(special ? { special } : this.answer(parsed.text));
    this.cache.set(ip, info);
    return info;
  }

  private answer(text: string): GeoInfo {
    const { country, asn, registrant, countryRef, asnRef, registrantRef, operators } = this.loaded;
    const info: GeoInfo = {};
    if (country) {
      const facts = countryFacts(safeGet(country, text));
      if (facts.countryIso) info.countryIso = facts.countryIso;
      if (facts.registeredCountryIso) info.registeredCountryIso = facts.registeredCountryIso;
      if (countryRef) info.countryDb = countryRef;
    }
    if (registrant) {
      const facts = countryFacts(safeGet(registrant, text));
      if (facts.countryIso) info.registrantCountryIso = facts.countryIso;
      if (registrantRef) info.registrantDb = registrantRef;
    }
    if (asn) {
      const facts = asnFacts(safeGet(asn, text));
      if (facts.asn !== undefined) info.asn = facts.asn;
      if (facts.asOrg) info.asOrg = facts.asOrg;
      if (asnRef) info.asnDb = asnRef;
    }
    const op = operators.get(info.asn);
    if (op) {
      info.operatorCountry = op.country;
      info.operatorName = op.name;
    }
    return info;
  }

  /**
   * SHA-256 of the database at `path` as it was read when opened (the bytes lookups use), or
   * undefined when no open database has that path. Run provenance hashes this instead of reading
   * the ~25 MB of files a second time (start-up time).
   */
  contentSha256(path: string): string | undefined {
    const db = [this.loaded.country, this.loaded.registrant, this.loaded.asn].find((d) => d?.path === path);
    return db?.sha256();
  }

  databases(now: Date = new Date()): GeoDatabaseInfo[] {
    const out: GeoDatabaseInfo[] = [];
    for (const db of [this.loaded.country, this.loaded.registrant, this.loaded.asn]) {
      if (!db) continue;
      out.push({
        role: db.role,
        type: db.type,
        path: db.path,
        origin: db.origin,
        buildDate: db.buildDate.toISOString(),
        ageDays: Math.floor((now.getTime() - db.buildDate.getTime()) / 86_400_000),
        recordCount: db.nodeCount,
        recordSize: db.recordSize,
        ipVersion: db.ipVersion,
        description: db.description,
        licence: licenceNote(db),
      });
    }
    return out;
  }

  /** The operator list in use (path and size), for `geoip info`. */
  operatorsFile(): { path: string; asns: number } {
    return { path: this.loaded.operators.path, asns: this.loaded.operators.size };
  }

  /** Re-opens everything; on any problem with a database in use, keeps the old readers. */
  async reload(): Promise<{ ok: boolean; error?: string }> {
    const { country, asn, registrant } = this.loaded;
    const inUse = new Set([country?.path, asn?.path, registrant?.path].filter((p): p is string => !!p));
    const outcome = await load(this.opts, inUse);
    if ('error' in outcome) {
      this.counters.inc('enrich.geoip.reload_failed');
      return { ok: false, error: outcome.error.message };
    }
    this.loaded = outcome.loaded;
    this.cache.clear();
    this.counters.inc('enrich.geoip.reloaded');
    return { ok: true };
  }
}

function discoveryOptions(opts: GeoOptions): DiscoveryOptions {
  const d: DiscoveryOptions = { searchSystemDirs: opts.searchSystemDirs !== false };
  if (opts.dir !== undefined) d.dir = opts.dir;
  if (opts.embeddedDir !== undefined) d.embeddedDir = opts.embeddedDir;
  if (opts.embedded !== undefined) d.embedded = opts.embedded;
  if (opts.embeddedCountryFile !== undefined) d.embeddedCountryFile = opts.embeddedCountryFile;
  if (opts.embeddedRegistrantFile !== undefined) d.embeddedRegistrantFile = opts.embeddedRegistrantFile;
  return d;
}

/** Discovery plus policy: which problems are fatal (explicit files; files in use at reload). */
async function load(opts: GeoOptions, inUse: ReadonlySet<string> = new Set()): Promise<{ loaded: Loaded } | { error: GroundwatchError }> {
  let operators: OperatorTable;
  try {
    operators = await OperatorTable.load(opts.operatorsFile);
  } catch (err) {
    return { error: err as GroundwatchError };
  }
  const found = discoverDatabases(discoveryOptions(opts));
  const fatal = found.problems.find((p) => p.origin === 'explicit' || inUse.has(p.path));
  if (fatal) {
    const missing = /ENOENT|cannot read/.test(fatal.message);
    return { error: new GroundwatchError(missing ? 'GEOIP_DB_MISSING' : 'GEOIP_DB_UNREADABLE', fatal.message) };
  }
  if (opts.dir !== undefined && !usedExplicit(found)) {
    return { error: new GroundwatchError('GEOIP_DB_MISSING', `no usable .mmdb database in ${opts.dir}`) };
  }
  return { loaded: toLoaded(found, operators) };
}

function usedExplicit(found: Discovery): boolean {
  return found.country?.origin === 'explicit' || found.asn?.origin === 'explicit' || found.registrant?.origin === 'explicit';
}

function toLoaded(found: Discovery, operators: OperatorTable): Loaded {
  const loaded: Loaded = { operators };
  if (found.country) {
    loaded.country = found.country;
    loaded.countryRef = refOf(found.country);
  }
  if (found.asn) {
    loaded.asn = found.asn;
    loaded.asnRef = refOf(found.asn);
  }
  if (found.registrant) {
    loaded.registrant = found.registrant;
    loaded.registrantRef = refOf(found.registrant);
  }
  return loaded;
}

function refOf(db: OpenedDb): GeoDatabaseRef {
  return Object.freeze({ type: db.type, path: db.path, buildDate: db.buildDate.toISOString() });
}
