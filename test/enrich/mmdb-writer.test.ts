import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { buildAsnMmdb, type AsnBuildResult } from '../../src/enrich/asn-build.js';
import { ASN_CSV_DIR } from './helpers.js';
import {
  bigToV4, bigToV6, findRow, mmdblookupAsns, mmdblookupVerbose, parseRow, randomBetween, rng, type OracleRow,
} from './oracle.js';

interface Subset {
  v4Lines: string[];
  v6Lines: string[];
  v4: OracleRow[];
  v6: OracleRow[];
}

function subset(every4: number, every6: number, limit = Infinity): Subset {
  const pick = (file: string, every: number) =>
    readFileSync(join(ASN_CSV_DIR, file), 'utf8').split('\n').filter((l, i) => l !== '' && i % every === 0).slice(0, limit);
  const v4Lines = pick('asn-ipv4.csv', every4);
  const v6Lines = pick('asn-ipv6.csv', every6);
  return { v4Lines, v6Lines, v4: v4Lines.map((l) => parseRow(l, false)), v6: v6Lines.map((l) => parseRow(l, true)) };
}

function build(s: Subset, recordSize?: 24 | 28 | 32): AsnBuildResult {
  return buildAsnMmdb({
    ipv4Text: s.v4Lines.join('\n'),
    ipv6Text: s.v6Lines.join('\n'),
    dataVersion: '2.3.2026061719',
    ...(recordSize ? { recordSize } : {}),
  });
}

/** Interior points, both ends, and the addresses just outside each picked range (gaps or neighbours). */
function samples(s: Subset, seed: number, n4: number, n6: number): Array<{ ip: string; expect?: number | undefined }> {
  const r = rng(seed);
  const out: Array<{ ip: string; expect?: number | undefined }> = [];
  const add = (rows: OracleRow[], x: bigint, v6: boolean) => {
    if (x < 0n || x >= (v6 ? 1n << 128n : 1n << 32n)) return;
    out.push({ ip: v6 ? bigToV6(x) : bigToV4(x), expect: findRow(rows, x)?.asn });
  };
  for (const [rows, n, v6] of [[s.v4, n4, false], [s.v6, n6, true]] as const) {
    for (let i = 0; i < n; i++) {
      const row = rows[Math.floor(r() * rows.length)] as OracleRow;
      for (const x of [randomBetween(r, row.start, row.end), row.start, row.end, row.start - 1n, row.end + 1n]) add(rows, x, v6);
    }
  }
  return out;
}

describe('MMDB writer on a 20k-row subset of @ip-location-db/asn', () => {
  const s = subset(20, 10);
  let built: AsnBuildResult;
  let file: string;
  let reader: Reader<Record<string, unknown>>;
  const points = samples(s, 20260617, 1500, 700);

  beforeAll(() => {
    built = build(s);
    file = join(mkdtempSync(join(tmpdir(), 'gw-geo-')), 'subset.mmdb');
    writeFileSync(file, built.bytes);
    reader = new Reader(built.bytes);
  });

  it('the subset is sorted and non-overlapping, so the oracle is exact', () => {
    for (const rows of [s.v4, s.v6]) {
      for (let i = 1; i < rows.length; i++) expect((rows[i] as OracleRow).start > (rows[i - 1] as OracleRow).end).toBe(true);
    }
    expect(points.length).toBeGreaterThan(10_000);
    expect(points.filter((p) => p.expect === undefined).length).toBeGreaterThan(1000); // gaps are really sampled
  });

  it('maxmind returns the CSV ASN (and organisation) for every sampled address', () => {
    const wrong: string[] = [];
    for (const p of points) {
      const rec = reader.get(p.ip) as { autonomous_system_number?: number } | null;
      if ((rec?.autonomous_system_number ?? undefined) !== p.expect) wrong.push(`${p.ip}: ${rec?.autonomous_system_number} != ${p.expect}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    for (const row of s.v4.slice(0, 200)) {
      expect(reader.get(bigToV4(row.start))).toEqual({ autonomous_system_number: row.asn, autonomous_system_organization: row.org });
    }
  });

  it('mmdblookup agrees with the CSV on 400 sampled addresses', () => {
    const picked = points.filter((_, i) => i % Math.floor(points.length / 400) === 0).slice(0, 400);
    const got = mmdblookupAsns(file, picked.map((p) => p.ip));
    for (const p of picked) expect([p.ip, got.get(p.ip)]).toEqual([p.ip, p.expect]);
  });

  it('::ffff:a.b.c.d resolves like a.b.c.d (alias to the IPv4 subtree)', () => {
    const v4 = points.filter((p) => !p.ip.includes(':')).slice(0, 40);
    const got = mmdblookupAsns(file, v4.map((p) => `::ffff:${p.ip}`));
    for (const p of v4) expect(got.get(`::ffff:${p.ip}`)).toBe(p.expect);
  });

  it('deduplicates data records: one per distinct (ASN, organisation)', () => {
    const distinct = new Set([...s.v4, ...s.v6].map((r) => `${r.asn}|${r.org}`));
    expect(built.records).toBe(distinct.size);
    expect(built.rows).toBe(s.v4.length + s.v6.length);
    expect(built.rejectedRows).toBe(0);
  });

  it('metadata parses in libmaxminddb (mmdblookup --verbose)', () => {
    const text = mmdblookupVerbose(file, '1.1.1.1');
    expect(text).toMatch(new RegExp(`Node count:\\s+${built.nodeCount}\\b`));
    expect(text).toMatch(/Record size:\s+28 bits/);
    expect(text).toMatch(/IP version:\s+IPv6/);
    expect(text).toMatch(/Binary format:\s+2\.0/);
    // 2.3.2026061719 = 2026-06-17 19:00 UTC
    expect(text).toMatch(/Build epoch:\s+1781722800 \(2026-06-17 19:00:00 UTC\)/);
    expect(text).toMatch(/Type:\s+GroundWatch-ASN/);
    expect(text).toMatch(/Languages:\s+en/);
    expect(reader.metadata.databaseType).toBe('GroundWatch-ASN');
  });

  it('is reproducible: the same input gives the same bytes', () => {
    expect(Buffer.compare(build(s).bytes, built.bytes)).toBe(0);
  });
});

describe('MMDB writer record sizes', () => {
  const s = subset(200, 100, 1500);
  it.each([24, 28, 32] as const)('%i-bit records read back through maxmind and mmdblookup', (size) => {
    const built = build(s, size);
    expect(built.recordSize).toBe(size);
    const file = join(mkdtempSync(join(tmpdir(), 'gw-geo-')), `rs${size}.mmdb`);
    writeFileSync(file, built.bytes);
    const reader = new Reader<Record<string, unknown>>(built.bytes);
    const pts = samples(s, size, 150, 60);
    for (const p of pts) expect([p.ip, reader.get(p.ip)?.autonomous_system_number]).toEqual([p.ip, p.expect]);
    const picked = pts.filter((_, i) => i % 10 === 0);
    const got = mmdblookupAsns(file, picked.map((p) => p.ip));
    for (const p of picked) expect(got.get(p.ip)).toBe(p.expect);
    expect(mmdblookupVerbose(file, '1.1.1.1')).toMatch(new RegExp(`Record size:\\s+${size} bits`));
  });
});
