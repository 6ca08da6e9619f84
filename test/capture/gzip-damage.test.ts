/**
 * Damaged gzip captures (red team r2_gzip_crc.sh): a bad CRC-32 or length in
 * the trailer, trailing bytes, a cut stream. Every packet decompressed before
 * the damage is kept, as many as tshark reads, with one warning; the hash
 * still covers the stored file (sha256sum).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { GroundwatchError, type ErrorCode } from '../../src/errors.js';
import fc from 'fast-check';
import { openCaptureFiles } from '../../src/capture/open-files.js';
import { crc32Fallback } from '../../src/capture/crc32.js';
import * as zlib from 'node:zlib';
import { REPO_ROOT } from '../support/cli.js';
import { frame, pcapFile } from '../support/capture-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-gzip-'));
const SESSION = join(REPO_ROOT, 'fixtures/session-dji-mixed.pcapng');

/** gzip(1) compresses: the damaged files start from a real tool's output. */
function gzipOf(path: string): Buffer {
  return execFileSync('gzip', ['-c', path]);
}

/** Frames tshark reads before it stops at the damage (it exits non-zero then, so no helper that rejects). */
function tsharkFrameCount(path: string): number {
  const r = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

const gzipTestFails = (path: string) => spawnSync('gzip', ['-t', path]).status !== 0;
const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];

async function read(path: string) {
  const warnings: [ErrorCode, string][] = [];
  const input = await openCaptureFiles([path], { counters: new Counters(), onWarning: (c, m) => warnings.push([c, m]) });
  let packets = 0;
  for await (const batch of input.batches()) packets += batch.length;
  return { packets, warnings, file: input.files[0]! };
}

type Damage = [string, (gz: Buffer) => Buffer, ErrorCode];
const DAMAGES: Damage[] = [
  ['a bad CRC-32 in the trailer', (gz) => { const d = Buffer.from(gz); d[d.length - 6]! ^= 0xff; return d; }, 'CAPTURE_CORRUPT'],
  ['a bad length in the trailer', (gz) => { const d = Buffer.from(gz); d[d.length - 2]! ^= 0xff; return d; }, 'CAPTURE_CORRUPT'],
  ['trailing garbage', (gz) => Buffer.concat([gz, Buffer.from('garbage')]), 'CAPTURE_CORRUPT'],
  ['a cut stream', (gz) => gz.subarray(0, Math.floor(gz.length * 0.6)), 'CAPTURE_TRUNCATED'],
];

/** A capture whose content is smaller than zlib's 16 KiB output chunk: zlib's gunzip handed out nothing before the bad trailer. */
function smallCapture(): string {
  const path = join(dir, 'small.pcap');
  writeFileSync(path, pcapFile({ records: Array.from({ length: 20 }, (_, i) => ({ tsSec: 100 + i, tsFrac: 0, data: frame(i, 200) })) }));
  return path;
}

describe('damaged gzip captures', () => {
  for (const [source, name] of [[SESSION, 'session'], [smallCapture(), 'small']] as const) {
    it.each(DAMAGES)(`${name}: %s keeps every packet tshark reads, with one warning`, async (what, damage, code) => {
      const path = join(dir, `${name}-${what.replace(/\W+/g, '-')}.gz`);
      writeFileSync(path, damage(gzipOf(source)));
      expect(gzipTestFails(path)).toBe(true);
      const expected = tsharkFrameCount(path);
      expect(expected).toBeGreaterThan(0);
      const { packets, warnings, file } = await read(path);
      expect(packets).toBe(expected);
      expect(warnings.map(([c]) => c)).toEqual([code]);
      expect(warnings[0]![1]).toContain(path);
      expect(file.sha256).toBe(sha256sum(path));
      expect(file.size).toBe(readFileSync(path).length);
    });
  }

  it('reads several gzip members one after another, as gzip -dc does', async () => {
    const path = join(dir, 'two-members.pcapng.gz');
    const plain = join(dir, 'two-members.pcapng');
    // pcapng allows a second section after the first: two gzip members of one capture each.
    writeFileSync(plain, Buffer.concat([readFileSync(SESSION), readFileSync(SESSION)]));
    writeFileSync(path, Buffer.concat([gzipOf(SESSION), gzipOf(SESSION)]));
    expect(execFileSync('gzip', ['-dc', path]).equals(readFileSync(plain))).toBe(true);
    const { packets, warnings } = await read(path);
    expect(warnings).toEqual([]);
    expect(packets).toBe(tsharkFrameCount(plain));
  });

  it('reads members whose headers carry every optional field (FEXTRA, FNAME, FCOMMENT, FHCRC), as gzip -dc does', async () => {
    const content = readFileSync(SESSION);
    const extra = Buffer.from('AB\x04\x00data');
    const fixed = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3]);
    const header = Buffer.concat([fixed, Buffer.from([extra.length, 0]), extra, Buffer.from('name.pcapng\0'), Buffer.from('a comment\0')]);
    const headerCrc = Buffer.alloc(2);
    headerCrc.writeUInt16LE(crc32Fallback(header) & 0xffff);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32Fallback(content), 0);
    trailer.writeUInt32LE(content.length, 4);
    const path = join(dir, 'all-header-fields.pcapng.gz');
    writeFileSync(path, Buffer.concat([header, headerCrc, zlib.deflateRawSync(content), trailer]));
    expect(execFileSync('gzip', ['-dc', path]).equals(content)).toBe(true);
    const { packets, warnings } = await read(path);
    expect(warnings).toEqual([]);
    expect(packets).toBe(tsharkFrameCount(SESSION));
  });

  it('any damage to a gzip capture: a clean error line or a run that keeps what it read, never a crash or hang', async () => {
    const original = gzipOf(smallCapture());
    const intact = (await read(join(dir, 'small.pcap'))).packets;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        fc.nat(original.length + 64),
        fc.uint8Array({ maxLength: 40 }),
        async (flips, cutAt, tail) => {
          const bytes = Buffer.from(original);
          for (const [at, xor] of flips) bytes[at]! ^= xor;
          const path = join(dir, `fuzz-${n++}.gz`);
          writeFileSync(path, Buffer.concat([bytes.subarray(0, cutAt), tail]));
          try {
            const { packets, warnings } = await read(path);
            expect(warnings.length).toBeLessThanOrEqual(1);
            if (flips.length === 0 && cutAt >= original.length && tail.length === 0) expect(packets).toBe(intact);
          } catch (err) {
            expect(err).toBeInstanceOf(GroundwatchError);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the CRC-32 fallback (Node before 20.15) agrees with zlib', () => {
    const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
    const data = readFileSync(SESSION);
    if (native) expect(crc32Fallback(data.subarray(10), crc32Fallback(data.subarray(0, 10)))).toBe(native(data));
    // RFC 1952's CRC of "123456789" is the standard check value 0xCBF43926.
    expect(crc32Fallback(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
