import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAsnCsv, type AsnCsvRow } from './asn-csv.js';
import { parseAddress as parseIp } from '../address/ip.js';
import { asnCsvPaths, BUILD_INFO_FILE, EMBEDDED_ASN_FILE, embeddedGeoipDir } from './paths.js';
import { bytesToBigint, ipv4ToNumber } from './mmdb-writer/cidr.js';
import { MmdbWriter, type MmdbBuildResult } from './mmdb-writer/writer.js';

export const ASN_DB_TYPE = 'GroundWatch-ASN';
export const ASN_DB_DESCRIPTION =
  'IP to ASN from @ip-location-db/asn (RouteViews, NRO RIR statistics and DB-IP IP to ASN Lite; CC BY 4.0)';

export interface AsnBuildInput {
  ipv4Text: string;
  ipv6Text: string;
  recordSize?: 24 | 28 | 32;
  /** npm version of @ip-location-db/asn, 2.3.YYYYMMDDHH: the data's date. */
  dataVersion: string;
}

export interface AsnBuildResult extends MmdbBuildResult {
  buildEpoch: number;
  rows: number;
  rejectedRows: number;
}

/** Seconds since the epoch encoded in a 2.3.YYYYMMDDHH package version (0 when it is not one). */
export function dataEpochFromVersion(version: string): number {
  const m = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!m) return 0;
  const [, y, mo, d, h] = m.map(Number) as [number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h) / 1000;
}

/** Builds the GroundWatch-ASN MMDB from the CSV texts. Deterministic: same input, same bytes. */
export function buildAsnMmdb(input: AsnBuildInput): AsnBuildResult {
  const buildEpoch = dataEpochFromVersion(input.dataVersion);
  const writer = new MmdbWriter({
    databaseType: ASN_DB_TYPE,
    description: ASN_DB_DESCRIPTION,
    buildEpoch,
    languages: ['en'],
    ...(input.recordSize ? { recordSize: input.recordSize } : {}),
  });
  const v4 = parseAsnCsv(input.ipv4Text);
  const v6 = parseAsnCsv(input.ipv6Text);
  let rejected = v4.rejected + v6.rejected;
  for (const row of v4.rows) {
    if (!insertIpv4(writer, row)) rejected++;
  }
  for (const row of v6.rows) {
    if (!insertIpv6(writer, row)) rejected++;
  }
  const result = writer.build();
  return { ...result, buildEpoch, rows: v4.rows.length + v6.rows.length, rejectedRows: rejected };
}

function recordFor(writer: MmdbWriter, row: AsnCsvRow): number {
  const fields: Array<[string, { t: 'uint32'; v: number } | { t: 'utf8'; v: string }]> = [
    ['autonomous_system_number', { t: 'uint32', v: row.asn }],
  ];
  if (row.org !== '') fields.push(['autonomous_system_organization', { t: 'utf8', v: row.org }]);
  return writer.addRecord(`${row.asn}\u0000${row.org}`, { t: 'map', v: fields });
}

function insertIpv4(writer: MmdbWriter, row: AsnCsvRow): boolean {
  try {
    const start = ipv4ToNumber(row.start);
    const end = ipv4ToNumber(row.end);
    if (start > end) return false;
    writer.insertIpv4Range(start, end, recordFor(writer, row));
    return true;
  } catch {
    return false;
  }
}

function insertIpv6(writer: MmdbWriter, row: AsnCsvRow): boolean {
  const start = parseIp(row.start);
  const end = parseIp(row.end);
  if (start?.version !== 6 || end?.version !== 6) return false;
  const s = bytesToBigint(start.bytes);
  const e = bytesToBigint(end.bytes);
  if (s > e) return false;
  writer.insertIpv6Range(s, e, recordFor(writer, row));
  return true;
}

export interface EnsureResult {
  path: string;
  built: boolean;
  /** Set when the output directory was not writable: the database lives only in memory. */
  bytes?: Buffer;
}

/**
 * Builds geoip/groundwatch-asn.mmdb (+ build-info.json) unless it is newer than its inputs.
 * Writes via a temporary file and rename, so a reader never sees half a database.
 */
export function ensureAsnMmdb(opts: { outDir?: string; force?: boolean } = {}): EnsureResult {
  const outDir = opts.outDir ?? embeddedGeoipDir();
  const out = join(outDir, EMBEDDED_ASN_FILE);
  const src = asnCsvPaths();
  // Without the CSV package (a development dependency; the npm package ships the built database) there is nothing to rebuild from.
  if (!opts.force && !existsSync(src.packageJson) && existsSync(out)) return { path: out, built: false };
  const dataVersion = String((JSON.parse(readFileSync(src.packageJson, 'utf8')) as { version?: unknown }).version ?? '');
  if (!opts.force && (isNewerThan(out, [src.ipv4, src.ipv6, src.packageJson]) || builtFrom(outDir, out, dataVersion))) return { path: out, built: false };
  const ipv4Text = readFileSync(src.ipv4, 'utf8');
  const ipv6Text = readFileSync(src.ipv6, 'utf8');
  const result = buildAsnMmdb({ ipv4Text, ipv6Text, dataVersion });
  const info = buildInfo(result, dataVersion, { ipv4: ipv4Text, ipv6: ipv6Text });
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(`${out}.${process.pid}.tmp`, result.bytes);
    renameSync(`${out}.${process.pid}.tmp`, out);
    writeFileSync(join(outDir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
    return { path: out, built: true };
  } catch {
    return { path: `${out} (in memory: directory not writable)`, built: true, bytes: result.bytes };
  }
}

/**
 * The database shipped in the npm package: npm gives every file of a tarball the same
 * mtime (1985-10-26), so times cannot tell; build-info.json names the data version it
 * was built from, and a database built from the installed version is current.
 */
function builtFrom(outDir: string, out: string, dataVersion: string): boolean {
  try {
    const info = JSON.parse(readFileSync(join(outDir, BUILD_INFO_FILE), 'utf8')) as { data_version?: unknown; output?: unknown };
    return dataVersion !== '' && info.data_version === dataVersion && statSync(out).size > 0;
  } catch {
    return false;
  }
}

function isNewerThan(file: string, inputs: string[]): boolean {
  try {
    const outTime = statSync(file).mtimeMs;
    return inputs.every((i) => statSync(i).mtimeMs < outTime);
  } catch {
    return false;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function buildInfo(
  r: AsnBuildResult,
  dataVersion: string,
  texts: { ipv4: string; ipv6: string },
): Record<string, unknown> {
  return {
    database_type: ASN_DB_TYPE,
    output: EMBEDDED_ASN_FILE,
    output_sha256: sha256(r.bytes),
    data_package: '@ip-location-db/asn',
    data_version: dataVersion,
    data_date: r.buildEpoch > 0 ? new Date(r.buildEpoch * 1000).toISOString() : 'unknown',
    build_epoch: r.buildEpoch,
    inputs: [
      { file: 'asn-ipv4.csv', sha256: sha256(texts.ipv4) },
      { file: 'asn-ipv6.csv', sha256: sha256(texts.ipv6) },
    ],
    rows: r.rows,
    rejected_rows: r.rejectedRows,
    cidrs: r.cidrs,
    records: r.records,
    node_count: r.nodeCount,
    record_size: r.recordSize,
    licence: 'CC BY 4.0 (RouteViews, NRO, DB-IP); see geoip/README.md for the attribution text',
  };
}
