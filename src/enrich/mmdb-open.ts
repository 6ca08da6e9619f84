import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Reader } from 'maxmind';
import { checkDataBounds, checkMetadataBounds } from './mmdb-bounds.js';
import { recordRole } from './record-shape.js';

/** country = where the address is; registrant = who registered the block (whois); asn = who announces it. */
export type DbRole = 'country' | 'asn' | 'registrant';
export type DbOrigin = 'explicit' | 'system' | 'embedded';

/** One opened MMDB with what the resolver and `geoip info` need to say about it. */
export interface OpenedDb {
  reader: Reader<Record<string, unknown>>;
  path: string;
  origin: DbOrigin;
  role: DbRole;
  type: string;
  description: string;
  buildDate: Date;
  nodeCount: number;
  recordSize: number;
  ipVersion: number;
  fileSize: number;
  /** The file's contents as read at open: the reader decodes from this very buffer (no extra memory). */
  bytes: Buffer;
}

const PROBE_ADDRESSES = ['1.1.1.1', '8.8.8.8', '81.2.69.160', '89.160.20.128', '120.24.10.20', '2001:4860:4860::8888'];

/**
 * Opens and sanity-checks an MMDB (metadata parses, tree fits in the file, every record
 * decodes within MMDB_BOUNDS, probe lookups do not throw). Throws a plain Error with a
 * one-line reason; callers decide how loud to be.
 */
export function openMmdb(path: string, origin: DbOrigin, bytes?: Buffer): OpenedDb {
  const buf = bytes ?? readFileSync(path);
  const metaProblem = checkMetadataBounds(buf);
  if (metaProblem) throw new Error(`${path}: MaxMind DB metadata refused: ${metaProblem}`);
  let reader: Reader<Record<string, unknown>>;
  try {
    reader = new Reader<Record<string, unknown>>(buf);
  } catch (err) {
    throw new Error(`${path}: not a MaxMind DB (${(err as Error).message})`);
  }
  const m = reader.metadata;
  if (m.binaryFormatMajorVersion !== 2 || m.searchTreeSize + 16 > buf.length || !(m.nodeCount > 0)) {
    throw new Error(`${path}: MaxMind DB metadata inconsistent with file size`);
  }
  // Before any lookup: the role probes below decode with the reader's unbounded decoder. The
  // embedded databases are installed with the code (and checked by test/enrich/mmdb-bounds.test.ts);
  // walking them would add about 0.1 s to every start for no protection the code itself lacks.
  if (origin !== 'embedded') {
    const dataProblem = checkDataBounds(buf, { nodeCount: m.nodeCount, recordSize: m.recordSize });
    if (dataProblem) throw new Error(`${path}: MaxMind DB data refused: ${dataProblem}`);
  }
  const role = detectRole(reader, path);
  const db: OpenedDb = {
    reader,
    path,
    origin,
    role,
    type: databaseName(m.databaseType, path),
    description: describe(m.description),
    buildDate: m.buildEpoch,
    nodeCount: m.nodeCount,
    recordSize: m.recordSize,
    ipVersion: m.ipVersion,
    fileSize: bytes ? bytes.length : statSync(path).size,
    bytes: buf,
  };
  probeMmdb(db);
  return db;
}

/**
 * The database's own type (GeoLite2-Country, DBIP-Country-Lite, ...), or the file name when the
 * type is missing or generic: every ip-location-db MMDB says "country ipvAll", whatever its source.
 */
function databaseName(type: unknown, path: string): string {
  if (typeof type === 'string' && type !== '' && !/^country ipv/i.test(type)) return type;
  return basename(path).replace(/\.mmdb$/i, '');
}

/** ip-location-db's whois-derived files: registrant country, not location (geoip/README.md). */
export function isRegistrantFile(path: string): boolean {
  return /whois/i.test(basename(path));
}

function describe(d: unknown): string {
  if (typeof d === 'string') return d;
  if (d && typeof d === 'object') {
    const map = d as Record<string, unknown>;
    const text = map.en ?? Object.values(map)[0];
    return typeof text === 'string' ? text : '';
  }
  return '';
}

/** By database_type first (MaxMind, DB-IP, ip-location-db names), then by probing record shapes. */
function detectRole(reader: Reader<Record<string, unknown>>, path: string): DbRole {
  const type = String(reader.metadata.databaseType ?? '').toLowerCase();
  if (isRegistrantFile(path) && !/\basn\b|-asn$/.test(type)) return 'registrant';
  if (/\basn\b|-asn|asn-|\bisp\b|-isp/.test(type)) return 'asn';
  if (/country|city/.test(type)) return 'country';
  for (const ip of PROBE_ADDRESSES) {
    let rec: unknown;
    try {
      rec = reader.get(ip);
    } catch (err) {
      throw new Error(`${path}: lookup failed (${(err as Error).message})`);
    }
    const role = recordRole(rec);
    if (role) return role;
  }
  throw new Error(`${path}: neither a country nor an ASN database (type "${reader.metadata.databaseType}")`);
}

/** Lookups must never throw into the pipeline: a damaged tree becomes "not found". */
export function safeGet(db: OpenedDb, ip: string): unknown {
  try {
    return db.reader.get(ip);
  } catch {
    return undefined;
  }
}

/** Probe lookups so that a file damaged behind intact metadata is refused at open time. */
export function probeMmdb(db: OpenedDb): void {
  for (const ip of PROBE_ADDRESSES) {
    if (db.ipVersion === 4 && ip.includes(':')) continue;
    try {
      db.reader.get(ip);
    } catch (err) {
      throw new Error(`${db.path}: lookup failed (${(err as Error).message})`);
    }
  }
}
