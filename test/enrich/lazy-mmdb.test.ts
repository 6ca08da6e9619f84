/**
 * Embedded databases are read page by page as lookups need them (src/enrich/lazy-file-bytes.ts,
 * mmdb-open.ts). Expected values come from mmdblookup (libmaxminddb) and sha256sum reading the
 * same files whole, never from groundwatch's own reader.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAsnMmdb } from '../../src/enrich/asn-build.js';
import { LAZY_PAGE_BYTES, LazyFileBytes } from '../../src/enrich/lazy-file-bytes.js';
import { MmdbWriter } from '../../src/enrich/mmdb-writer/writer.js';
import { openMmdb, safeGet } from '../../src/enrich/mmdb-open.js';
import { embeddedCountryMmdb, embeddedGeoipDir } from '../../src/enrich/paths.js';
import { mmdblookupAsns, mmdblookupString, rng } from './oracle.js';

const work = mkdtempSync(join(tmpdir(), 'gw-lazy-mmdb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!;
}

function randomV4(r: () => number): string {
  return Array.from({ length: 4 }, () => Math.floor(r() * 256)).join('.');
}

describe('LazyFileBytes', () => {
  it('holds exactly the bytes of the pages asked for, and the whole file after readAll', () => {
    const file = join(work, 'bytes.bin');
    const content = Buffer.from(Array.from({ length: 5 * LAZY_PAGE_BYTES + 123 }, (_, i) => (i * 7 + 3) & 0xff));
    writeFileSync(file, content);
    const lazy = new LazyFileBytes(file);
    expect(lazy.size).toBe(content.length);
    lazy.ensure(LAZY_PAGE_BYTES + 10, 2);
    expect(lazy.bytes.subarray(LAZY_PAGE_BYTES, 2 * LAZY_PAGE_BYTES).equals(content.subarray(LAZY_PAGE_BYTES, 2 * LAZY_PAGE_BYTES))).toBe(true);
    // Pages not asked for are not read (zero-filled), so the test can tell.
    expect(lazy.bytes.subarray(0, LAZY_PAGE_BYTES).every((b) => b === 0)).toBe(true);
    lazy.preload(content.length - 5, 5); // the last, partial page
    expect(lazy.bytes.subarray(content.length - 5).equals(content.subarray(content.length - 5))).toBe(true);
    expect(lazy.complete).toBe(false);
    expect(lazy.readAll().equals(content)).toBe(true);
    expect(lazy.complete).toBe(true);
  });

  it('reads the file as it was at open when it is replaced on disk (rename) before its pages are read', () => {
    const file = join(work, 'replaced.bin');
    const before = Buffer.alloc(3 * LAZY_PAGE_BYTES, 0x11);
    writeFileSync(file, before);
    const lazy = new LazyFileBytes(file);
    writeFileSync(`${file}.new`, Buffer.alloc(3 * LAZY_PAGE_BYTES, 0x22));
    renameSync(`${file}.new`, file);
    expect(lazy.readAll().equals(before)).toBe(true);
  });

  it('hashes the file as sha256sum does without reading the pages not yet read into its bytes', () => {
    const file = join(work, 'hashed.bin');
    // Over one scratch chunk (256 pages) with a partial last page, so runs of read and unread pages alternate across chunks.
    const content = Buffer.from(Array.from({ length: 700 * LAZY_PAGE_BYTES + 77 }, (_, i) => (i * 13 + (i >> 12)) & 0xff));
    writeFileSync(file, content);
    const lazy = new LazyFileBytes(file);
    expect(lazy.sha256()).toBe(sha256sum(file));
    for (const page of [0, 3, 255, 256, 257, 600]) lazy.ensure(page * LAZY_PAGE_BYTES, 1);
    lazy.preload(content.length - 5, 5);
    expect(lazy.sha256()).toBe(sha256sum(file));
    expect(lazy.complete).toBe(false);
    // The unread pages stay unread: the bytes are still zero there.
    expect(lazy.bytes.subarray(LAZY_PAGE_BYTES, 2 * LAZY_PAGE_BYTES).every((b) => b === 0)).toBe(true);
    expect(lazy.bytes.subarray(500 * LAZY_PAGE_BYTES, 501 * LAZY_PAGE_BYTES).every((b) => b === 0)).toBe(true);
    lazy.readAll();
    expect(lazy.sha256()).toBe(sha256sum(file));
  });

  it('hashes the file as it was at open when it is replaced on disk (rename)', () => {
    const file = join(work, 'hashed-replaced.bin');
    writeFileSync(file, Buffer.alloc(3 * LAZY_PAGE_BYTES, 0x44));
    const oracle = sha256sum(file);
    const lazy = new LazyFileBytes(file);
    writeFileSync(`${file}.new`, Buffer.alloc(3 * LAZY_PAGE_BYTES, 0x55));
    renameSync(`${file}.new`, file);
    expect(lazy.sha256()).toBe(oracle);
  });

  it('reads the rest at once when a quarter of the file has been read page by page', () => {
    const file = join(work, 'quarter.bin');
    writeFileSync(file, Buffer.alloc(16 * LAZY_PAGE_BYTES, 0x33));
    const lazy = new LazyFileBytes(file);
    for (let page = 0; page < 3; page++) lazy.ensure(page * 5 * LAZY_PAGE_BYTES, 1);
    expect(lazy.complete).toBe(false);
    lazy.ensure(15 * LAZY_PAGE_BYTES, 1);
    expect(lazy.complete).toBe(true);
    expect(lazy.bytes.every((b) => b === 0x33)).toBe(true);
  });
});

describe('embedded databases opened lazily', () => {
  it('the location database answers as mmdblookup does, and its contents are the file (sha256sum)', () => {
    const path = embeddedCountryMmdb();
    const db = openMmdb(path, 'embedded');
    const r = rng(18);
    const ips = ['1.1.1.1', '120.55.9.120', '81.2.69.160', '2001:4860:4860::8888', '2400:3200::1', ...Array.from({ length: 40 }, () => randomV4(r))];
    for (const ip of ips) {
      const want = mmdblookupString(path, ip, ['country_code']);
      const got = (safeGet(db, ip) as { country_code?: string } | null | undefined)?.country_code;
      expect(got, ip).toBe(want);
    }
    expect(db.fileSize).toBe(readFileSync(path).length);
    expect(db.sha256()).toBe(sha256sum(path));
    // Hashing read nothing into the reader's buffer: lookups still answer as mmdblookup does.
    for (const ip of ips.slice(0, 10)) expect((safeGet(db, ip) as { country_code?: string } | null | undefined)?.country_code, ip).toBe(mmdblookupString(path, ip, ['country_code']));
    expect(db.contents().equals(readFileSync(path))).toBe(true);
  });

  it('the ASN database answers as mmdblookup does before and after it is read whole', () => {
    const path = ensureAsnMmdb({ outDir: embeddedGeoipDir() }).path;
    const copy = join(work, 'asn.mmdb');
    copyFileSync(path, copy);
    const db = openMmdb(copy, 'embedded');
    const r = rng(150);
    const ips = Array.from({ length: 300 }, () => randomV4(r));
    const want = mmdblookupAsns(copy, ips);
    type AsnRecord = { autonomous_system_number?: number; autonomous_system_organization?: string } | null | undefined;
    const asn = (ip: string) => (safeGet(db, ip) as AsnRecord)?.autonomous_system_number;
    // The first lookups read the tree and the data (names shared through pointers) page by page.
    for (const ip of ips.slice(0, 25)) {
      expect((safeGet(db, ip) as AsnRecord)?.autonomous_system_organization, ip).toBe(mmdblookupString(copy, ip, ['autonomous_system_organization']));
    }
    // Enough lookups that the file is read whole part way through (a quarter of it page by page).
    for (const ip of ips) expect(asn(ip), ip).toBe(want.get(ip));
    expect(createHash('sha256').update(db.contents()).digest('hex')).toBe(sha256sum(copy));
    for (const ip of ips.slice(0, 20)) expect(asn(ip), ip).toBe(want.get(ip));
  });

  it('a database whose fields span pages answers as mmdblookup does while it is read page by page', () => {
    // Names of several pages each: a field's payload lies beyond the page its header is on, so
    // every page it covers must be read before it is decoded. Enough of them (~2 MB) that the
    // few lookups below stay far from reading the file whole.
    const writer = new MmdbWriter({ databaseType: 'GW-Lazy-Test-ASN', description: 'long names', buildEpoch: 1 });
    const name = (i: number) => Array.from({ length: 2 * LAZY_PAGE_BYTES + 97 * i }, (_, k) => String.fromCharCode(97 + ((k * 7 + i) % 26))).join('');
    for (let i = 0; i < 200; i++) {
      const index = writer.addRecord(`r${i}`, { t: 'map', v: [['autonomous_system_number', { t: 'uint32', v: 64_512 + i }], ['autonomous_system_organization', { t: 'utf8', v: name(i) }]] });
      writer.insertIpv4Range(0x0a000000 + i * 256, 0x0a000000 + i * 256 + 255, index);
    }
    const file = join(work, 'long-names.mmdb');
    writeFileSync(file, writer.build().bytes);
    const db = openMmdb(file, 'embedded');
    type AsnRecord = { autonomous_system_number?: number; autonomous_system_organization?: string } | null | undefined;
    for (const i of [3, 77, 150, 199]) {
      const ip = `10.0.${i}.9`;
      const got = safeGet(db, ip) as AsnRecord;
      expect(got?.autonomous_system_organization === mmdblookupString(file, ip, ['autonomous_system_organization']), ip).toBe(true);
      expect(got?.autonomous_system_number, ip).toBe(64_512 + i);
    }
  });
});
