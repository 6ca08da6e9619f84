/** Hostile bytes: mutated captures, cut anywhere, never make a parser throw or hand out bad packets. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { assertInSlices } from '../support/fuzz.js';
import { Counters } from '../../src/counters.js';
import type { RawPacket } from '../../src/types.js';
import { PcapParser } from '../../src/capture/pcap.js';
import { PcapngParser } from '../../src/capture/pcapng.js';
import type { RecordParser } from '../../src/capture/record-parser.js';
import { frame, pcapFile, PcapngWriter } from '../support/capture-writer.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const seeds = {
  pcap: pcapFile({ littleEndian: false, records: [1, 2, 3].map((i) => ({ tsSec: i, tsFrac: i, data: frame(i, 40 + i) })) }),
  pcapng: new PcapngWriter()
    .section(true)
    .interface(1, { tsresol: 0x80 | 20, tsoffset: 5n })
    .epb(0, 123456789n, frame(1, 41))
    .spb(frame(2, 30))
    .section(false)
    .interface(0, { tsresol: 9, snaplen: 20 })
    .opb(0, 2n ** 63n + 5n, frame(3, 33))
    .custom(true, 1, Buffer.from('abc'))
    .build(),
};

function mutated(seed: Buffer) {
  return fc
    .record({
      flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
      cut: fc.nat(),
      chunk: fc.integer({ min: 1, max: 64 }),
    })
    .map(({ flips, cut, chunk }) => {
      const bytes = Buffer.from(seed);
      for (const f of flips) bytes[f.at % bytes.length] = f.value;
      return { bytes: bytes.subarray(0, bytes.length - (cut % 16)), chunk };
    });
}

function sane(parser: RecordParser, bytes: Uint8Array, chunk: number): boolean {
  const out: RawPacket[] = [];
  for (let off = 0; off < bytes.length; off += chunk) parser.push(bytes.subarray(off, off + chunk), out);
  parser.finish();
  return out.every((p) => p.data.length <= bytes.length && Number.isFinite(p.tsSec) && p.tsNsec >= 0 && p.tsNsec < 1e9);
}

describe('capture parsers on hostile bytes', () => {
  it('pcap: never throws, packets stay within the input', async () => {
    await assertInSlices(fc.property(mutated(seeds.pcap), ({ bytes, chunk }) => sane(new PcapParser({ counters: new Counters(), maxRecordBytes: 4096 }), bytes, chunk)), RUNS);
  });

  it('pcapng: never throws, packets stay within the input', async () => {
    await assertInSlices(fc.property(mutated(seeds.pcapng), ({ bytes, chunk }) => sane(new PcapngParser({ counters: new Counters(), maxRecordBytes: 4096 }), bytes, chunk)), RUNS);
  });

  it('the unmutated seeds parse cleanly (so the properties above exercise real records)', () => {
    const a = new PcapParser({ counters: new Counters() });
    const b = new PcapngParser({ counters: new Counters() });
    expect(a.push(seeds.pcap)).toHaveLength(3);
    expect(b.push(seeds.pcapng)).toHaveLength(3);
    expect([a.finish(), b.finish()]).toEqual([undefined, undefined]);
  });
});
