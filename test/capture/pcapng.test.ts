import { describe, it, expect, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counters } from '../../src/counters.js';
import { PcapngParser } from '../../src/capture/pcapng.js';
import { frame, PcapngWriter } from '../support/capture-writer.js';
import { feed, randomSizes } from './helpers.js';
import { diffAgainstTshark, tsharkFrames } from './tshark.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function parser(counters = new Counters()): PcapngParser {
  return new PcapngParser({ counters });
}

/** Two sections in different byte orders, resolutions 10^-9 and 2^-20, every skippable block kind. */
function mixedFile(): Buffer {
  return new PcapngWriter()
    .section(true)
    .custom(true, 32473, Buffer.from('copyable custom'))
    .block(4, Buffer.alloc(8)) // NRB with only the end record
    .interface(1, { tsresol: 9 })
    .interface(0, { snaplen: 64 })
    .epb(0, 1_700_000_000_123_456_789n, frame(1, 60))
    .block(5, Buffer.alloc(12)) // ISB
    .epb(1, 1_700_000_001_000_001n, frame(2, 64), 200)
    .custom(false, 32473, Buffer.from('not copyable!'))
    .block(0x12345678, Buffer.alloc(16)) // unknown type
    .section(false)
    .interface(1, { tsresol: 0x80 | 20, tsoffset: 100n })
    .epb(0, 1_700_000_002n * 2n ** 20n + 2n ** 19n, frame(3, 61))
    .block(0x0000000a, Buffer.from('544c534b00000000', 'hex')) // DSB: TLS key log, no secrets
    .build();
}

describe('PcapngParser', () => {
  it('reads sections of both byte orders, per-interface link type and resolution, skipping other blocks', () => {
    const p = parser();
    const out = feed(p, mixedFile());
    expect(p.problem).toBeUndefined();
    expect(p.sections).toBe(2);
    expect(out.map((x) => [x.tsSec, x.tsNsec, x.linkType, x.interfaceId, x.data.length / 2, x.wireLen])).toEqual([
      [1_700_000_000, 123_456_789, 1, 0, 60, 60],
      [1_700_000_001, 1_000, 0, 1, 64, 200],
      [1_700_000_102, 500_000_000, 1, 0, 61, 61],
    ]);
    expect(out[2]!.data).toBe(hex(frame(3, 61)));
    expect([...p.linkTypes].sort()).toEqual([0, 1]);
  });

  it('gives the same packets whatever the chunk sizes (1, 7, random)', () => {
    const bytes = mixedFile();
    const whole = feed(parser(), bytes);
    expect(whole).toHaveLength(3);
    expect(feed(parser(), bytes, [1])).toEqual(whole);
    expect(feed(parser(), bytes, [7])).toEqual(whole);
    for (const seed of [5, 6, 7, 1234]) expect(feed(parser(), bytes, randomSizes(seed, 300, 150))).toEqual(whole);
  });

  it('reads a Simple Packet Block: previous timestamp, interface 0, captured = min(stored, snaplen), even when a writer stored more', () => {
    const bytes = new PcapngWriter()
      .section(false)
      .interface(1, { snaplen: 50 })
      .interface(0)
      .epb(1, 1_600_000_000_250_000n, frame(1, 40))
      .spb(frame(2, 80), 300)
      .spb(frame(3, 30), 30)
      .build();
    const out = feed(parser(), bytes);
    expect(out.map((x) => [x.tsSec, x.tsNsec, x.interfaceId, x.linkType, x.data.length / 2, x.wireLen])).toEqual([
      [1_600_000_000, 250_000_000, 1, 0, 40, 40],
      [1_600_000_000, 250_000_000, 0, 1, 50, 300],
      [1_600_000_000, 250_000_000, 0, 1, 30, 30],
    ]);
    expect(out[1]!.data).toBe(hex(frame(2, 80).subarray(0, 50)));
  });

  it('reads the obsolete Packet Block (type 2)', () => {
    const bytes = new PcapngWriter().section(true).interface(1).opb(0, 1_500_000_000_000_007n, frame(9, 70), 90).build();
    const out = feed(parser(), bytes);
    expect(out.map((x) => [x.tsSec, x.tsNsec, x.data.length / 2, x.wireLen])).toEqual([[1_500_000_000, 7_000, 70, 90]]);
  });

  it('counts a truncated last block and keeps the packets before it', () => {
    const counters = new Counters();
    const p = parser(counters);
    const bytes = mixedFile();
    const out = feed(p, bytes.subarray(0, bytes.length - 10), [33]);
    expect(out).toHaveLength(3); // the cut DSB is last; all three packets precede it
    expect(p.problem?.kind).toBe('truncated');
    expect(counters.get('anomaly.capture.truncated_record')).toBe(1);
  });

  describe('corrupt blocks stop reading, count, keep what came before', () => {
    const good = () => new PcapngWriter().section(true).interface(1).epb(0, 1n, frame(1));
    const le32 = (...values: number[]) => {
      const b = Buffer.alloc(values.length * 4);
      values.forEach((v, i) => b.writeUInt32LE(v, i * 4));
      return b;
    };
    const cases: Array<[string, Buffer]> = [
      ['length not a multiple of 4', good().raw(le32(6, 30, 0, 0, 0, 0, 0, 30)).epb(0, 2n, frame(2)).build()],
      ['length below 12', good().raw(le32(6, 8, 8)).build()],
      ['trailing length differs', good().raw(le32(0x0bad, 16, 0, 20)).epb(0, 2n, frame(2)).build()],
      ['unknown interface id', good().epb(7, 2n, frame(2)).epb(0, 3n, frame(3)).build()],
      ['caplen past the block end', good().raw(le32(6, 32, 0, 0, 0, 100, 100, 32)).build()],
    ];
    for (const [name, bytes] of cases) {
      it(name, () => {
        const counters = new Counters();
        const p = parser(counters);
        const out = feed(p, bytes);
        expect(out).toHaveLength(1);
        expect(p.problem?.kind).toBe('corrupt');
        expect(counters.get('anomaly.capture.corrupt_block')).toBe(1);
        expect(feed(parser(), bytes, [5])).toEqual(out);
      });
    }

    it('a block before any section header', () => {
      const p = parser();
      expect(feed(p, new PcapngWriter().interface(1).build())).toEqual([]);
      expect(p.problem?.kind).toBe('corrupt');
    });
  });

  it('agrees with tshark on generated files (sections, resolutions, SPB, OPB, custom and unknown blocks)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-pcapng-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const files = {
      mixed: mixedFile(),
      // The spec stores min(original length, snaplen) bytes in an SPB; wiretap reads exactly that.
      spb: new PcapngWriter().section(false).interface(1, { snaplen: 50 }).epb(0, 1_600_000_000_250_000n, frame(1, 40)).spb(frame(2, 80).subarray(0, 50), 300).spb(frame(3, 21)).build(),
      opb: new PcapngWriter().section(true).interface(1, { tsresol: 3 }).opb(0, 1_500_000_000_007n, frame(9, 70), 90).build(),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, `${name}.pcapng`);
      writeFileSync(path, bytes);
      const ours = parser().push(bytes);
      expect(diffAgainstTshark(ours, await tsharkFrames(path), true), name).toEqual([]);
    }
  });
});
