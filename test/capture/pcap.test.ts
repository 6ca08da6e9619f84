import { describe, it, expect, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counters } from '../../src/counters.js';
import { PcapParser } from '../../src/capture/pcap.js';
import { frame, pcapFile, type PcapRecord } from '../support/capture-writer.js';
import { feed, randomSizes } from './helpers.js';
import { diffAgainstTshark, tsharkFrames } from './tshark.js';

const records: PcapRecord[] = [
  { tsSec: 1_700_000_000, tsFrac: 1, data: frame(1, 60) },
  { tsSec: 1_700_000_000, tsFrac: 999_999, data: frame(2, 1514) },
  { tsSec: 1_700_000_001, tsFrac: 500_000, data: frame(3, 68), wireLen: 1500 },
  { tsSec: 1_700_000_002, tsFrac: 0, data: frame(4, 0), wireLen: 0 },
  { tsSec: 1_700_000_003, tsFrac: 42, data: frame(5, 61) },
];

function parser(counters = new Counters(), sourceIndex = 0): PcapParser {
  return new PcapParser({ counters, sourceIndex });
}

function expected(recs: PcapRecord[], nsPerFrac: number, linkType = 1) {
  return recs.map((r) => ({
    tsSec: r.tsSec,
    tsNsec: r.tsFrac * nsPerFrac,
    linkType,
    data: Buffer.from(r.data).toString('hex'),
    wireLen: r.wireLen ?? r.data.length,
    interfaceId: 0,
    sourceIndex: 0,
  }));
}

describe('PcapParser', () => {
  it('reads little-endian microsecond files', () => {
    const p = parser();
    expect(feed(p, pcapFile({ littleEndian: true, records }))).toEqual(expected(records, 1000));
    expect(p.littleEndian).toBe(true);
    expect(p.problem).toBeUndefined();
  });

  it('reads big-endian nanosecond files', () => {
    const ns = records.map((r) => ({ ...r, tsFrac: r.tsFrac * 1000 + 7 }));
    const p = parser();
    expect(feed(p, pcapFile({ littleEndian: false, nanosecond: true, records: ns }))).toEqual(expected(ns, 1));
    expect(p.littleEndian).toBe(false);
    expect(p.nanosecond).toBe(true);
  });

  it('reads Kuznetzov modified records (24-byte record headers)', () => {
    for (const littleEndian of [true, false]) {
      expect(feed(parser(), pcapFile({ littleEndian, kuznetzov: true, records }))).toEqual(expected(records, 1000));
    }
  });

  it('takes the link type from the low 16 bits (upper bits carry FCS length, per the pcap draft)', () => {
    const fcsFlagged = 0x2 << 28 | 0x04000000 | 105; // FCS length 2 (16-bit words) present, IEEE 802.11
    const p = parser();
    const out = feed(p, pcapFile({ linkType: fcsFlagged, records: records.slice(0, 1) }));
    expect(out[0]!.linkType).toBe(105);
    expect(p.linkType).toBe(105);
  });

  it('keeps snaplen-cut frames: data is caplen bytes, wireLen the original length', () => {
    const out = feed(parser(), pcapFile({ snaplen: 68, records }));
    expect(out[2]!.data.length / 2).toBe(68);
    expect(out[2]!.wireLen).toBe(1500);
  });

  it('gives the same packets whatever the chunk sizes (1, 7, random)', () => {
    const bytes = pcapFile({ littleEndian: false, records });
    const whole = feed(parser(), bytes);
    expect(whole).toHaveLength(records.length);
    expect(feed(parser(), bytes, [1])).toEqual(whole);
    expect(feed(parser(), bytes, [7])).toEqual(whole);
    for (const seed of [1, 2, 3, 99]) expect(feed(parser(), bytes, randomSizes(seed, 200, 1600))).toEqual(whole);
  });

  it('hands out views into the chunk (no copy) unless a record straddles chunks', () => {
    const bytes = pcapFile({ records: records.slice(0, 2) });
    const p = parser();
    const chunk = Uint8Array.from(bytes);
    const out = p.push(chunk);
    expect(out[0]!.data.buffer).toBe(chunk.buffer);
  });

  it('counts a truncated last record, keeps the packets before it, and stops', () => {
    const counters = new Counters();
    const p = parser(counters);
    const bytes = pcapFile({ records });
    const out = feed(p, bytes.subarray(0, bytes.length - 10), [4096]);
    expect(out).toEqual(expected(records.slice(0, 4), 1000));
    expect(p.problem?.kind).toBe('truncated');
    expect(counters.get('anomaly.capture.truncated_record')).toBe(1);
    expect(p.anomalies).toBe(1);
  });

  it('treats a record header cut mid-way as a truncated record too', () => {
    const bytes = pcapFile({ records: records.slice(0, 2) });
    const p = parser();
    const out = feed(p, bytes.subarray(0, 24 + 16 + 60 + 5), [3]);
    expect(out).toHaveLength(1);
    expect(p.problem?.kind).toBe('truncated');
  });

  it('skips a record whose length exceeds the limit, counted, and reads on', () => {
    const counters = new Counters();
    const p = new PcapParser({ counters, maxRecordBytes: 1000 });
    const out = feed(p, pcapFile({ records }));
    expect(out).toHaveLength(4); // the 1514-byte frame is over the limit
    expect(p.problem).toBeUndefined();
    expect(counters.get('anomaly.capture.oversized_record')).toBe(1);
  });

  it('carries an overflowing microsecond fraction into the seconds and counts it', () => {
    const counters = new Counters();
    const out = feed(parser(counters), pcapFile({ records: [{ tsSec: 10, tsFrac: 2_500_000, data: frame(1) }] }));
    expect([out[0]!.tsSec, out[0]!.tsNsec]).toEqual([12, 500_000_000]);
    expect(counters.get('anomaly.capture.bad_timestamp')).toBe(1);
  });

  it('stamps the source index on every packet', () => {
    const out = feed(new PcapParser({ counters: new Counters(), sourceIndex: 3 }), pcapFile({ records }));
    expect(out.every((p) => p.sourceIndex === 3)).toBe(true);
  });

  it('agrees with tshark on generated files (both byte orders, us/ns, Kuznetzov)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-pcap-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const variants = {
      le: pcapFile({ littleEndian: true, records }),
      be: pcapFile({ littleEndian: false, records }),
      ns: pcapFile({ nanosecond: true, records: records.map((r) => ({ ...r, tsFrac: r.tsFrac * 1000 + 123 })) }),
      kuz: pcapFile({ kuznetzov: true, littleEndian: false, records }),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      const path = join(dir, `${name}.pcap`);
      writeFileSync(path, bytes);
      const ours = new PcapParser({ counters: new Counters() }).push(bytes);
      expect(diffAgainstTshark(ours, await tsharkFrames(path), true), name).toEqual([]);
    }
  });
});
