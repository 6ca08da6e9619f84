import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Counters } from '../../src/counters.js';
import { GroundwatchError, type ErrorCode } from '../../src/errors.js';
import type { RawPacket } from '../../src/types.js';
import { INLINE_HASH_MAX_BYTES } from '../../src/capture/file-hasher.js';
import { openCaptureFiles, type CaptureInput } from '../../src/capture/open-files.js';
import { frame, pcapFile, PcapngWriter, type PcapRecord } from '../support/capture-writer.js';
import { plain } from './helpers.js';
import { diffAgainstTshark, tsharkFrames } from './tshark.js';

let dir: string;
const file = (name: string, bytes: Uint8Array | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

const records = (start: number, count: number, step = 2): PcapRecord[] =>
  Array.from({ length: count }, (_, i) => ({ tsSec: start + i * step, tsFrac: i, data: frame(start + i, 60 + i) }));

function pcapngFile(): Buffer {
  return new PcapngWriter()
    .section(false)
    .interface(1, { tsresol: 9 })
    .epb(0, 1_700_000_000_000_000_001n, frame(1))
    .custom(true, 32473, Buffer.from('x'))
    .section(true)
    .interface(0)
    .interface(1, { tsresol: 0x80 | 20 })
    .epb(1, 1_700_000_001n * 2n ** 20n, frame(2))
    .spb(frame(3, 42))
    .build();
}

interface Run {
  input: CaptureInput;
  packets: RawPacket[];
  batches: number[];
  warnings: Array<[ErrorCode, string]>;
  counters: Counters;
}

async function run(paths: string[], extra: { batchSize?: number; chunkBytes?: number | undefined } = {}): Promise<Run> {
  const counters = new Counters();
  const warnings: Array<[ErrorCode, string]> = [];
  const input = await openCaptureFiles(paths, { counters, onWarning: (c, m) => warnings.push([c, m]), ...extra });
  const packets: RawPacket[] = [];
  const batches: number[] = [];
  for await (const b of input.batches()) {
    packets.push(...b);
    batches.push(b.length);
  }
  return { input, packets, batches, warnings, counters };
}

async function errorCode(paths: string[]): Promise<string> {
  try {
    await openCaptureFiles(paths, { counters: new Counters() });
  } catch (err) {
    if (!(err instanceof GroundwatchError)) throw err;
    expect(err.message).not.toMatch(/\n/);
    return err.code;
  }
  return 'no error';
}

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-open-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openCaptureFiles: bad input fails before anything is read', () => {
  it('missing file', async () => expect(await errorCode([join(dir, 'nope.pcap')])).toBe('INPUT_NOT_FOUND'));
  it('empty file', async () => expect(await errorCode([file('empty.pcap', '')])).toBe('INPUT_EMPTY'));
  it('garbage file', async () => expect(await errorCode([file('garbage.pcap', 'hello, this is not a capture file')])).toBe('INPUT_NOT_A_CAPTURE'));
  it('gzip whose content is not a capture', async () => expect(await errorCode([file('text.gz', gzipSync('just text, long enough'))])).toBe('INPUT_NOT_A_CAPTURE'));
  it('gzip of nothing', async () => expect(await errorCode([file('nothing.gz', gzipSync(Buffer.alloc(0)))])).toBe('INPUT_EMPTY'));
  it('pcap header shorter than 24 bytes', async () => {
    expect(await errorCode([file('short.pcap', pcapFile({ records: [] }).subarray(0, 20))])).toBe('CAPTURE_TRUNCATED');
  });
  it('not a regular file (a FIFO)', async () => {
    const fifo = join(dir, 'fifo.pcap');
    execFileSync('mkfifo', [fifo]);
    expect(await errorCode([fifo])).toBe('INPUT_UNREADABLE');
  });
  it('no paths at all', async () => expect(await errorCode([])).toBe('INPUT_NOT_FOUND'));
  it('one bad path among good ones fails the whole call', async () => {
    const good = file('good-for-fail.pcap', pcapFile({ records: records(100, 2) }));
    expect(await errorCode([good, join(dir, 'missing.pcapng')])).toBe('INPUT_NOT_FOUND');
  });
  it('names the file in the message', async () => {
    const path = file('named.pcap', 'garbage garbage');
    await expect(openCaptureFiles([path], { counters: new Counters() })).rejects.toThrow(path);
  });
  it('a directory holding no captures', async () => {
    const d = join(dir, 'nocaps');
    mkdirSync(d);
    writeFileSync(join(d, 'readme.txt'), 'hello world');
    expect(await errorCode([d])).toBe('INPUT_NOT_FOUND');
  });
});

describe('openCaptureFiles: reading', () => {
  it('hashes a file larger than INLINE_HASH_MAX_BYTES on the worker thread, with the same answer as sha256sum', async () => {
    const count = Math.ceil((INLINE_HASH_MAX_BYTES + 1) / 1516) + 10;
    const big = file('big.pcap', pcapFile({ records: Array.from({ length: count }, (_, i) => ({ tsSec: 1 + i, tsFrac: 0, data: frame(i, 1500) })) }));
    const { input } = await run([big]);
    expect(input.files[0]!.size).toBeGreaterThan(INLINE_HASH_MAX_BYTES);
    expect(input.files[0]).toMatchObject({ packets: count, sha256: sha256sum(big) });
  });

  it('reads pcap and pcapng with provenance (size, sha256 as stored, format, link types, packets)', async () => {
    const a = file('prov.pcap', pcapFile({ littleEndian: false, linkType: 113, records: records(1000, 3) }));
    const b = file('prov.pcapng', pcapngFile());
    const { input, packets } = await run([a, b]);
    expect(packets).toHaveLength(6);
    expect(input.files).toEqual([
      { path: a, size: 24 + 3 * 16 + 60 + 61 + 62, sha256: sha256sum(a), format: 'pcap', compressed: false, packets: 3, anomalies: 0, linkTypes: [113] },
      expect.objectContaining({ path: b, sha256: sha256sum(b), format: 'pcapng', compressed: false, packets: 3, anomalies: 0 }),
    ]);
    expect([...input.files[1]!.linkTypes].sort()).toEqual([0, 1]);
  });

  it('reads gzip captures (detected by magic, not name) like the plain ones, and tshark agrees', async () => {
    const plainBytes = [pcapFile({ records: records(50, 4) }), pcapFile({ littleEndian: false, nanosecond: true, records: records(60, 3) }), pcapngFile()];
    for (const [i, bytes] of plainBytes.entries()) {
      const raw = file(`plain${i}.cap`, bytes);
      const gz = file(`compressed${i}.cap`, gzipSync(bytes));
      const expected = (await run([raw])).packets.map(plain);
      for (const chunkBytes of [undefined, 5]) {
        const got = await run([gz], { chunkBytes });
        expect(got.packets.map(plain)).toEqual(expected);
        expect(got.input.files[0]).toMatchObject({ compressed: true, sha256: sha256sum(gz), packets: expected.length });
      }
      expect(diffAgainstTshark((await run([gz])).packets, await tsharkFrames(gz), true)).toEqual([]);
    }
  });

  it('gives the same packets through the file stream with tiny reads', async () => {
    const path = file('tiny-reads.pcapng', pcapngFile());
    const whole = (await run([path])).packets.map(plain);
    expect(whole).toHaveLength(3);
    for (const chunkBytes of [1, 7, 13]) expect((await run([path], { chunkBytes })).packets.map(plain)).toEqual(whole);
  });

  it('hands out batches of at most batchSize', async () => {
    const path = file('batches.pcap', pcapFile({ records: records(1, 25) }));
    const { batches } = await run([path], { batchSize: 10 });
    expect(batches).toEqual([10, 10, 5]);
  });

  it('merges several files by time; ties go to file order then packet order; sourceIndex is the file', async () => {
    const a = file('m-a.pcap', pcapFile({ records: [{ tsSec: 10, tsFrac: 0, data: frame(1) }, { tsSec: 20, tsFrac: 5, data: frame(2) }, { tsSec: 20, tsFrac: 5, data: frame(3) }] }));
    const b = file('m-b.pcap', pcapFile({ littleEndian: false, nanosecond: true, records: [{ tsSec: 15, tsFrac: 0, data: frame(4) }, { tsSec: 20, tsFrac: 5000, data: frame(5) }] }));
    const { packets } = await run([a, b]);
    expect(packets.map((p) => [p.tsSec, p.tsNsec, p.sourceIndex, p.data[0]])).toEqual([
      [10, 0, 0, frame(1)[0]],
      [15, 0, 1, frame(4)[0]],
      [20, 5000, 0, frame(2)[0]],
      [20, 5000, 0, frame(3)[0]],
      [20, 5000, 1, frame(5)[0]],
    ]);
  });

  it('reads a file split in two, given together, like the whole file', async () => {
    const all = records(500, 40, 1);
    const whole = file('whole.pcap', pcapFile({ records: all }));
    const first = file('split-1.pcap', pcapFile({ records: all.slice(0, 17) }));
    const second = file('split-2.pcap.gz', gzipSync(pcapFile({ records: all.slice(17) })));
    const strip = (ps: RawPacket[]) => ps.map((p) => ({ ...plain(p), sourceIndex: 0 }));
    const expected = strip((await run([whole])).packets);
    expect(strip((await run([second, first])).packets)).toEqual(expected);
    expect(strip((await run([first, second], { batchSize: 3 })).packets)).toEqual(expected);
  });

  it('expands a directory recursively, sorted, keeping only capture files', async () => {
    const d = join(dir, 'tree');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'b.pcap'), pcapFile({ records: records(1, 1) }));
    writeFileSync(join(d, 'sub', 'a.bin'), gzipSync(pcapngFile()));
    writeFileSync(join(d, 'a.pcapng'), pcapngFile());
    writeFileSync(join(d, 'notes.txt'), 'not a capture');
    writeFileSync(join(d, 'logs.gz'), gzipSync('gzip but not a capture'));
    writeFileSync(join(d, 'empty.pcap'), '');
    const { input } = await run([d]);
    expect(input.files.map((f) => f.path)).toEqual([join(d, 'a.pcapng'), join(d, 'b.pcap'), join(d, 'sub', 'a.bin')]);
  });
});

describe('openCaptureFiles: damaged files keep what came before, warn once, and count', () => {
  it('truncated last pcap record', async () => {
    const bytes = pcapFile({ records: records(1, 5) });
    const path = file('cut.pcap', bytes.subarray(0, bytes.length - 7));
    const { packets, warnings, counters, input } = await run([path]);
    expect(packets).toHaveLength(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toBe('CAPTURE_TRUNCATED');
    expect(warnings[0]![1]).toContain(path);
    expect(counters.get('anomaly.capture.truncated_record')).toBe(1);
    expect(input.files[0]).toMatchObject({ packets: 4, anomalies: 1, sha256: sha256sum(path) });
  });

  it('corrupt pcapng block length, with the rest of the file still hashed', async () => {
    const good = new PcapngWriter().section(true).interface(1).epb(0, 1n, frame(1)).epb(0, 2n, frame(2)).build();
    const bad = Buffer.from('060000001e000000', 'hex'); // EPB claiming 30 bytes: not a multiple of 4
    const tail = new PcapngWriter().section(true).interface(1).epb(0, 3n, frame(3)).build();
    const path = file('corrupt.pcapng', Buffer.concat([good, bad, tail]));
    const { packets, warnings, counters, input } = await run([path], { chunkBytes: 16 });
    expect(packets).toHaveLength(2);
    expect(warnings.map((w) => w[0])).toEqual(['CAPTURE_CORRUPT']);
    expect(counters.get('anomaly.capture.corrupt_block')).toBe(1);
    expect(input.files[0]!.sha256).toBe(sha256sum(path));
  });

  it('truncated gzip stream', async () => {
    const gz = gzipSync(pcapFile({ records: records(1, 200) }));
    const path = file('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const { packets, warnings } = await run([path]);
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.length).toBeLessThan(200);
    expect(packets.map((p) => p.tsSec)).toEqual(records(1, packets.length).map((r) => r.tsSec));
    expect(warnings.map((w) => w[0])).toEqual(['CAPTURE_TRUNCATED']);
  });

  it('a damaged file does not stop the other files', async () => {
    const bytes = pcapFile({ records: records(1, 3) });
    const cut = file('cut-multi.pcap', bytes.subarray(0, bytes.length - 3));
    const fine = file('fine-multi.pcap', pcapFile({ records: records(2, 3) }));
    const { packets, warnings } = await run([cut, fine]);
    expect(packets).toHaveLength(5);
    expect(warnings).toHaveLength(1);
  });
});
