/**
 * Issue 12, item 9: crafted MMDBs (fixtures/redteam/mk_mmdb.py, the red team's generator) are
 * refused at open time; legitimate databases pass. Oracles: libmaxminddb's mmdblookup calls the
 * malformed ones bad data; the shared-pointer ones expand, by construction, to 2^levels values.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataBounds, checkMetadataBounds, MMDB_BOUNDS } from '../../src/enrich/mmdb-bounds.js';
import { openMmdb } from '../../src/enrich/mmdb-open.js';
import { embeddedCountryMmdb, embeddedGeoipDir, EMBEDDED_ASN_FILE } from '../../src/enrich/paths.js';
import { runCli } from '../support/cli.js';
import { MAXMIND_TEST_DIR, REPO_ROOT } from './helpers.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-mmdb-bounds-'));
  execFileSync('python3', [join(REPO_ROOT, 'fixtures/redteam/mk_mmdb.py'), dir]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const db = (kind: string, asn = false): string => join(dir, asn ? `${kind}_asn` : kind, asn ? 'GeoLite2-ASN.mmdb' : 'GeoLite2-Country.mmdb');

function treeOf(path: string): { buf: Buffer; tree: { nodeCount: number; recordSize: number } } {
  const buf = readFileSync(path);
  const m = new Reader(buf).metadata;
  return { buf, tree: { nodeCount: m.nodeCount, recordSize: m.recordSize } };
}

describe('MMDB data bounds (open time)', () => {
  it.each(['selfptr', 'mutualptr', 'mapself', 'ptr_oob', 'bigstr'])('%s: libmaxminddb calls it bad data, and openMmdb refuses it', (kind) => {
    const oracle = spawnSync('mmdblookup', ['--file', db(kind), '--ip', '114.114.114.114'], { encoding: 'utf8', timeout: 10_000 });
    expect(`${oracle.stdout}${oracle.stderr}`).toMatch(/bad data|invalid|error/i);
    expect(() => openMmdb(db(kind), 'explicit')).toThrow(/MaxMind DB data refused: (pointer cycle|a pointer leads (past|to a pointer)|a value at data offset \d+ runs past)/);
  });

  it('40 levels of shared pointers (2^40 values per lookup) are refused by the nesting bound, in well under a second', () => {
    const started = performance.now();
    expect(() => openMmdb(db('laughs'), 'explicit')).toThrow(`records nest deeper than ${MMDB_BOUNDS.maxDepth} levels`);
    expect(() => openMmdb(db('laughs', true), 'explicit')).toThrow(/nest deeper/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('22 levels (inside the nesting bound, 2^21 leaf values) are refused by the value bound', () => {
    expect(() => openMmdb(db('laughs22'), 'explicit')).toThrow(`a record expands to more than ${MMDB_BOUNDS.maxValues} values`);
  });

  it('a well-formed record with hostile strings is not a bounds problem (item 12 neutralises its text)', () => {
    expect(openMmdb(db('ansi', true), 'explicit').role).toBe('asn');
  });

  it('every legitimate database passes: MaxMind test databases and the embedded ones (skipped at open time)', () => {
    const paths = [
      ...readdirSync(MAXMIND_TEST_DIR).filter((f) => f.endsWith('.mmdb')).map((f) => join(MAXMIND_TEST_DIR, f)),
      embeddedCountryMmdb(),
      join(embeddedGeoipDir(), EMBEDDED_ASN_FILE),
    ];
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) {
      const { buf, tree } = treeOf(p);
      expect(checkMetadataBounds(buf), p).toBeUndefined();
      expect(checkDataBounds(buf, tree), p).toBeUndefined();
    }
  }, 60_000);

  it('the bounds bind: GeoIP2-City-Test records exceed 10 values or 3 levels', () => {
    const { buf, tree } = treeOf(join(MAXMIND_TEST_DIR, 'GeoIP2-City-Test.mmdb'));
    expect(checkDataBounds(buf, tree, { ...MMDB_BOUNDS, maxValues: 10 })).toMatch(/more than 10 values/);
    expect(checkDataBounds(buf, tree, { ...MMDB_BOUNDS, maxDepth: 3 })).toMatch(/deeper than 3 levels/);
    expect(checkDataBounds(buf, tree, { ...MMDB_BOUNDS, maxBytes: 8 })).toMatch(/more than 8 bytes/);
  });
});

describe('crafted MMDB through the CLI (red team r7_mmdb_dag.sh)', () => {
  it('replay --geoip <laughs> ends at once with one GEOIP_DB_UNREADABLE line and exit 2 (was: 70 s, 4 GB, abort)', () => {
    const r = runCli(['replay', join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng'), '--no-db', '--format', 'ndjson', '--geoip', join(dir, 'laughs')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^groundwatch: GEOIP_DB_UNREADABLE: .*laughs\/GeoLite2-Country\.mmdb: MaxMind DB data refused: records nest deeper than 32 levels\n$/);
  });

  it('geoip lookup --geoip <selfptr_asn>: one GEOIP_DB_UNREADABLE line, exit 2', () => {
    const r = runCli(['geoip', 'lookup', '114.114.114.114', '--geoip', join(dir, 'selfptr_asn'), '--no-system-geoip']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^groundwatch: GEOIP_DB_UNREADABLE: .*a pointer leads to a pointer \(invalid MMDB\) at data offset \d+\n$/);
  });
});
