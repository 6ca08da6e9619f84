import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { buildAsnMmdb } from '../../src/enrich/asn-build.js';
import { ASN_CSV_DIR } from './helpers.js';
import { bigToV4, bigToV6, mmdblookupAsns, parseRow, rng, randomBetween } from './oracle.js';

describe('full GroundWatch-ASN build from @ip-location-db/asn', () => {
  it('every CSV row start resolves to its row; random interior points agree in mmdblookup', () => {
    const v4Text = readFileSync(join(ASN_CSV_DIR, 'asn-ipv4.csv'), 'utf8');
    const v6Text = readFileSync(join(ASN_CSV_DIR, 'asn-ipv6.csv'), 'utf8');
    const version = (JSON.parse(readFileSync(join(ASN_CSV_DIR, 'package.json'), 'utf8')) as { version: string }).version;
    const started = Date.now();
    const built = buildAsnMmdb({ ipv4Text: v4Text, ipv6Text: v6Text, dataVersion: version });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(built.rejectedRows).toBe(0);

    const reader = new Reader<Record<string, unknown>>(built.bytes);
    const v4 = v4Text.split('\n').filter(Boolean).map((l) => parseRow(l, false));
    const v6 = v6Text.split('\n').filter(Boolean).map((l) => parseRow(l, true));
    expect(built.rows).toBe(v4.length + v6.length);
    const wrong: string[] = [];
    for (const [rows, fmt] of [[v4, bigToV4], [v6, bigToV6]] as const) {
      for (const row of rows) {
        const rec = reader.get(fmt(row.start)) as { autonomous_system_number?: number; autonomous_system_organization?: string } | null;
        if (rec?.autonomous_system_number !== row.asn || (rec?.autonomous_system_organization ?? '') !== row.org) {
          wrong.push(`${fmt(row.start)} ${JSON.stringify(rec)} != ${row.asn} ${row.org}`);
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);

    const r = rng(7);
    const points: Array<[string, number]> = [];
    for (let i = 0; i < 300; i++) {
      const v6pick = i % 3 === 0;
      const rows = v6pick ? v6 : v4;
      const row = rows[Math.floor(r() * rows.length)]!;
      const next = rows[rows.indexOf(row) + 1];
      if (next && next.start <= row.end) continue; // the one overlapping pair: later row wins, not sampled here
      points.push([(v6pick ? bigToV6 : bigToV4)(randomBetween(r, row.start, row.end)), row.asn]);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'gw-geo-')), 'full.mmdb');
    writeFileSync(file, built.bytes);
    const got = mmdblookupAsns(file, points.map(([ip]) => ip));
    for (const [ip, asn] of points) expect([ip, got.get(ip)]).toEqual([ip, asn]);
  }, 90_000);
});
