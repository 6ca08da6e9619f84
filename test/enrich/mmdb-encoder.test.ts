import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { MmdbWriter } from '../../src/enrich/mmdb-writer/writer.js';
import type { MmdbValue } from '../../src/enrich/mmdb-writer/encoder.js';

/**
 * Size classes of the MaxMind DB spec: strings of < 29, 29..284, 285..65820 and >= 65821 bytes,
 * and pointers of the 11-, 19- and 27-bit forms (map keys shared at growing offsets).
 */
const LENGTHS = [5, 28, 29, 200, 284, 285, 5000, 65_820, 65_821, 70_000];

function str(n: number, seed: number): string {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i + seed) % 26))).join('');
}

describe('MMDB data-section encoding', () => {
  const writer = new MmdbWriter({ databaseType: 'GW-Encoding-Test', description: 'x', buildEpoch: 1 });
  const expected: Array<{ ip: string; value: Record<string, unknown> }> = [];
  let n = 0;
  const put = (value: Array<[string, MmdbValue]>, plain: Record<string, unknown>) => {
    const idx = writer.addRecord(`r${n}`, { t: 'map', v: value });
    writer.insertIpv4Range(0x0a000000 + n * 256, 0x0a000000 + n * 256 + 255, idx); // 10.n.0/24 style blocks
    expected.push({ ip: `10.0.${n}.7`, value: plain });
    n++;
  };
  LENGTHS.forEach((len, i) => put([['s', { t: 'utf8', v: str(len, i) }]], { s: str(len, i) }));
  // After ~210 kB of strings, a new key lands beyond 2048 (19-bit pointer); after more, beyond 526336 (27-bit).
  put([['mid_key', { t: 'uint32', v: 4_000_000_000 }]], { mid_key: 4_000_000_000 });
  put([['mid_key', { t: 'uint16', v: 65_535 }]], { mid_key: 65_535 });
  for (let i = 0; i < 6; i++) put([['pad', { t: 'utf8', v: str(70_000, i) }]], { pad: str(70_000, i) });
  put([['far_key', { t: 'bool', v: true }], ['arr', { t: 'array', v: [{ t: 'uint32', v: 0 }, { t: 'utf8', v: 'é✓' }] }]], {
    far_key: true,
    arr: [0, 'é✓'],
  });
  put([['far_key', { t: 'bool', v: false }], ['u64', { t: 'uint64', v: 18_446_744_073_709_551_615n }]], {
    far_key: false,
    u64: 18_446_744_073_709_551_615n,
  });
  const built = writer.build();
  const file = join(mkdtempSync(join(tmpdir(), 'gw-geo-')), 'enc.mmdb');
  writeFileSync(file, built.bytes);

  it('every value reads back through maxmind', () => {
    const reader = new Reader<Record<string, unknown>>(built.bytes);
    for (const e of expected) expect(reader.get(e.ip)).toEqual(e.value);
  });

  it('libmaxminddb decodes the pointer and size forms too', () => {
    const look = (ip: string, ...path: string[]) =>
      execFileSync('mmdblookup', ['--file', file, '--ip', ip, ...path], { encoding: 'utf8' }).trim();
    expect(look(`10.0.${LENGTHS.indexOf(65_821)}.7`, 's')).toContain(`"${str(65_821, LENGTHS.indexOf(65_821))}"`);
    expect(look(`10.0.${LENGTHS.length}.1`, 'mid_key')).toBe('4000000000 <uint32>');
    expect(look(`10.0.${LENGTHS.length + 1}.1`, 'mid_key')).toBe('65535 <uint16>');
    expect(look(`10.0.${n - 2}.1`, 'far_key')).toBe('true <boolean>');
    expect(look(`10.0.${n - 2}.1`, 'arr', '1')).toBe('"é✓" <utf8_string>');
    expect(look(`10.0.${n - 1}.1`, 'u64')).toBe('18446744073709551615 <uint64>');
  });

  it('records never inserted stay empty (not found), and the data section is past 526336 bytes', () => {
    const reader = new Reader<Record<string, unknown>>(built.bytes);
    expect(reader.get('10.0.200.1')).toBeNull();
    expect(reader.get('2001:db8::1')).toBeNull();
    expect(built.bytes.length).toBeGreaterThan(526_336 + 70_000);
  });
});
