import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Reader } from 'maxmind';
import { LazyFileBytes } from './lazy-file-bytes.js';
import { checkDataBounds, checkMetadataBounds, METADATA_MARKER } from './mmdb-bounds.js';
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
  /**
   * The file's contents as they were at open: the buffer the reader decodes from (no extra
   * memory). An embedded database is read on demand (lazy-file-bytes.ts); this reads the rest.
   */
  contents(): Buffer;
  /** The SHA-256 of those contents; an embedded database is not read whole for it (lazy-file-bytes.ts). */
  sha256(): string;
}

/** The MMDB format keeps its metadata within the file's last 128 KiB. */
const METADATA_MAX_BYTES = 128 * 1024;

const PROBE_ADDRESSES = ['1.1.1.1', '8.8.8.8', '81.2.69.160', '89.160.20.128', '120.24.10.20', '2001:4860:4860::8888'];

/**
 * Opens and sanity-checks an MMDB (metadata parses, tree fits in the file, every record
 * decodes within MMDB_BOUNDS, probe lookups do not throw). Throws a plain Error with a
 * one-line reason; callers decide how loud to be.
 */
export function openMmdb(path: string, origin: DbOrigin, bytes?: Buffer): OpenedDb {
  // Embedded databases are read as lookups need them (start-up time); anything else is read whole,
  // because its data is walked in full below before any lookup.
  const lazy = bytes === undefined && origin === 'embedded' ? openLazy(path) : undefined;
  const buf = bytes ?? lazy?.bytes ?? readFileSync(path);
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
  if (lazy && !readOnDemand(reader, lazy)) {
    lazy.readAll();
    reader = new Reader<Record<string, unknown>>(buf);
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
    fileSize: bytes ? bytes.length : (lazy?.size ?? statSync(path).size),
    contents: () => lazy?.readAll() ?? buf,
    sha256: () => lazy?.sha256() ?? createHash('sha256').update(buf).digest('hex'),
  };
  probeMmdb(db);
  return db;
}

/** The file with its metadata read (the reader parses it at once); the rest is read on demand. */
function openLazy(path: string): LazyFileBytes {
  const lazy = new LazyFileBytes(path);
  lazy.preload(lazy.size - METADATA_MAX_BYTES, METADATA_MAX_BYTES);
  // A file whose metadata is not where the format puts it is read whole, as any other file.
  if (lazy.bytes.lastIndexOf(METADATA_MARKER) < 0) lazy.readAll();
  return lazy;
}

/** The reader's internals this relies on (mmdb-lib 3): its tree walker, the IPv4 subtree's start node, its data decoder. */
interface ReaderInternals {
  walker?: { left(offset: number): number; right(offset: number): number };
  ipv4Start?: () => number;
  ipv4StartNodeNumber?: number;
  decoder?: DecoderInternals;
}

/**
 * mmdb-lib's decoder: decode(offset) reads a field's control and size bytes (and a pointer's
 * bytes: at most 5 in all) and hands the payload's place and size to decodeByType, which reads
 * it (for a map or an array, `size` counts entries, each decoded through decode again).
 */
interface DecoderInternals {
  decode?: (offset: number) => unknown;
  decodeByType?: (type: number, offset: number, size: number) => unknown;
}

/** The most bytes decode() reads before decodeByType: control byte, extended type, 3 size bytes (or 4 pointer bytes). */
const FIELD_HEADER_BYTES = 8;

/**
 * Makes the reader read from the file what a lookup reads, before it reads it from the buffer:
 * each search-tree node the walker visits (the walker is the only code that reads the tree,
 * mmdb-lib's Reader) and each data field the decoder decodes (its header, then its payload, as
 * the decoder learns where it is). Wrapping those covers every lookup exactly, with no second
 * copy of the format's rules; the data section was read whole before, which for the ASN
 * database (3 MB of names) cost more than all of a tiny replay's lookups. Once the file is
 * complete the reader gets its own walker and decoder back. False when the reader does not look
 * as expected (another mmdb-lib): the caller then reads the file whole.
 */
function readOnDemand(reader: Reader<Record<string, unknown>>, lazy: LazyFileBytes): boolean {
  const internals = reader as unknown as ReaderInternals;
  const walker = internals.walker;
  const decoder = internals.decoder;
  if (!walker || typeof walker.left !== 'function' || typeof walker.right !== 'function') return false;
  if (typeof internals.ipv4Start !== 'function' || typeof internals.ipv4StartNodeNumber !== 'number') return false;
  const decode = decoder?.decode;
  const decodeByType = decoder?.decodeByType;
  if (!decoder || typeof decode !== 'function' || typeof decodeByType !== 'function' || Object.hasOwn(decoder, 'decode') || Object.hasOwn(decoder, 'decodeByType')) return false;
  const nodeBytes = reader.metadata.nodeByteSize;
  const restore = (): void => {
    internals.walker = walker;
    delete decoder.decode;
    delete decoder.decodeByType;
  };
  const onDemand = (read: (offset: number) => number) => (offset: number) => {
    lazy.ensure(offset, nodeBytes);
    if (lazy.complete) restore();
    return read(offset);
  };
  internals.walker = { left: onDemand(walker.left), right: onDemand(walker.right) };
  decoder.decode = (offset: number): unknown => {
    lazy.ensure(offset, FIELD_HEADER_BYTES);
    return decode.call(decoder, offset);
  };
  decoder.decodeByType = (type: number, offset: number, size: number): unknown => {
    lazy.ensure(offset, size);
    if (lazy.complete) restore();
    return decodeByType.call(decoder, type, offset, size);
  };
  // The constructor found the IPv4 subtree on a tree not read yet: find it again, reading as it goes.
  internals.ipv4StartNodeNumber = internals.ipv4Start.call(reader);
  return true;
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
