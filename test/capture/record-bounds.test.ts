/**
 * Memory stays bounded whatever lengths a capture claims: a record longer than
 * the limit is streamed past unread and counted, the records around it are
 * kept, and merged batches are bounded in bytes as well as in packets.
 */
import { describe, it, expect } from 'vitest';
import { Counters } from '../../src/counters.js';
import type { RawPacket } from '../../src/types.js';
import { PcapParser } from '../../src/capture/pcap.js';
import { PcapngParser } from '../../src/capture/pcapng.js';
import { MAX_PACKET_BYTES } from '../../src/capture/record-parser.js';
import { mergeByTime } from '../../src/capture/merge.js';
import { frame, pcapFile, PcapngWriter, type PcapRecord } from '../support/capture-writer.js';
import { feed, randomSizes } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('oversized records', () => {
  const small: PcapRecord[] = [
    { tsSec: 1, tsFrac: 0, data: frame(1, 60) },
    { tsSec: 2, tsFrac: 0, data: frame(2, 1514) },
    { tsSec: 3, tsFrac: 0, data: frame(3, 68) },
  ];
  const chunkings: Array<[string, number[] | undefined]> = [
    ['whole', undefined],
    ['byte by byte', [1]],
    ['7-byte chunks', [7]],
    ['random chunks', randomSizes(7, 500, 300)],
  ];

  for (const [name, sizes] of chunkings) {
    it(`pcap: skips a record over the limit and keeps the ones after it (${name})`, () => {
      const counters = new Counters();
      const p = new PcapParser({ counters, maxRecordBytes: 1000 });
      const out = feed(p, pcapFile({ records: small }), sizes);
      expect(out.map((x) => x.data)).toEqual([hex(small[0]!.data), hex(small[2]!.data)]);
      expect(p.problem).toBeUndefined();
      expect(counters.get('anomaly.capture.oversized_record')).toBe(1);
      expect(p.anomalies).toBe(1);
    });
  }

  it('pcap: by default a record longer than libpcap accepts (16 MB, as in the red-team file) is skipped', () => {
    const counters = new Counters();
    const records: PcapRecord[] = [
      { tsSec: 1, tsFrac: 0, data: frame(1, 60) },
      { tsSec: 2, tsFrac: 0, data: new Uint8Array(16_000_000) },
      { tsSec: 3, tsFrac: 0, data: frame(3, MAX_PACKET_BYTES) },
    ];
    const p = new PcapParser({ counters });
    const out = feed(p, pcapFile({ records }), [1024 * 1024]);
    expect(out.map((x) => x.data.length / 2)).toEqual([60, MAX_PACKET_BYTES]);
    expect(counters.get('anomaly.capture.oversized_record')).toBe(1);
    expect(p.problem).toBeUndefined();
  });

  it('pcap: an oversized record cut short by the end of the file is a truncated record', () => {
    const counters = new Counters();
    const bytes = pcapFile({ records: small });
    const p = new PcapParser({ counters, maxRecordBytes: 1000 });
    const out = feed(p, bytes.subarray(0, 24 + 16 + 60 + 16 + 700), [100]);
    expect(out).toHaveLength(1);
    expect(p.problem?.kind).toBe('truncated');
    expect(counters.get('anomaly.capture.oversized_record')).toBe(1);
  });

  it('pcapng: skips an oversized packet block, reads the next one', () => {
    const counters = new Counters();
    const bytes = new PcapngWriter().section(true).interface(1).epb(0, 1n, frame(1, 60)).epb(0, 2n, frame(2, 1514)).spb(frame(3, 64)).build();
    for (const sizes of [undefined, [1], [13]]) {
      const p = new PcapngParser({ counters, maxRecordBytes: 1000 });
      const out = feed(p, bytes, sizes);
      expect(out.map((x) => x.data)).toEqual([hex(frame(1, 60)), hex(frame(3, 64))]);
      expect(p.problem).toBeUndefined();
    }
    expect(counters.get('anomaly.capture.oversized_record')).toBe(3);
  });

  it('pcapng: an oversized interface block stops the file as corrupt (later packets would have no interface)', () => {
    const counters = new Counters();
    const bytes = new PcapngWriter().section(false).interface(1, { name: 'x'.repeat(2000) }).epb(0, 1n, frame(1, 60)).build();
    const p = new PcapngParser({ counters, maxRecordBytes: 1000 });
    expect(feed(p, bytes, [5])).toEqual([]);
    expect(p.problem?.kind).toBe('corrupt');
    expect(counters.get('capture.limit.max_record_bytes')).toBe(1);
  });
});

describe('merged batches', () => {
  function packet(i: number, bytes: number): RawPacket {
    return { tsSec: i, tsNsec: 0, linkType: 1, data: new Uint8Array(bytes), wireLen: bytes, interfaceId: 0, sourceIndex: 0 };
  }

  async function batchesOf(perSource: RawPacket[][], batchSize: number, maxBytes: number): Promise<RawPacket[][]> {
    const sources = perSource.map((packets, index) => ({
      index,
      async *open() {
        // One packet per source batch: what a file of large records yields.
        for (const p of packets) yield [p];
      },
    }));
    const out: RawPacket[][] = [];
    for await (const b of mergeByTime(sources, batchSize, maxBytes)) out.push(b);
    return out;
  }

  it('hand out no more than the byte bound (plus one packet) per batch, one file or several', async () => {
    const big = Array.from({ length: 40 }, (_, i) => packet(i, 256 * 1024));
    for (const perSource of [[big], [big.filter((_, i) => i % 2 === 0), big.filter((_, i) => i % 2 === 1)]]) {
      const batches = await batchesOf(perSource, 1024, 1024 * 1024);
      expect(batches.flat().map((p) => p.tsSec)).toEqual(big.map((p) => p.tsSec));
      for (const b of batches) expect(b.reduce((n, p) => n + p.data.length, 0)).toBeLessThanOrEqual(1024 * 1024);
      expect(batches).toHaveLength(10);
    }
  });

  it('still fill batches up to the packet count with small packets', async () => {
    const small = Array.from({ length: 100 }, (_, i) => packet(i, 60));
    const batches = await batchesOf([small], 32, 1024 * 1024);
    expect(batches.map((b) => b.length)).toEqual([32, 32, 32, 4]);
  });
});
