/**
 * A capture file that changes while it is read: the size and SHA-256 recorded
 * must cover exactly the bytes analysed. A file still growing is read as it
 * was validated (its size then); bytes changed ahead of the reader are hashed
 * as the reader read them.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { openCaptureFiles } from '../../src/capture/open-files.js';
import type { RawPacket } from '../../src/types.js';
import { pcapFile, type PcapRecord } from '../support/capture-writer.js';
import { tsharkFieldRows } from '../support/tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-changing-'));
const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
const CHUNK = 4096;

function records(first: number, count: number): PcapRecord[] {
  return Array.from({ length: count }, (_, i) => ({ tsSec: first + i, tsFrac: 0, data: new Uint8Array(500).fill((first + i) & 0xff) }));
}

/** Reads the file; `meanwhile` runs once the first packets are out (the reader is then a chunk or two in). */
async function readWhile(path: string, meanwhile: () => void) {
  const input = await openCaptureFiles([path], { counters: new Counters(), batchSize: 1, chunkBytes: CHUNK });
  const packets: RawPacket[] = [];
  for await (const batch of input.batches()) {
    if (packets.length === 0) meanwhile();
    for (const p of batch) packets.push({ ...p, data: Uint8Array.from(p.data) });
  }
  return { packets, file: input.files[0]! };
}

describe('a capture file that changes while read', () => {
  it('growing: only the bytes present when validated are read, and size and hash are theirs', async () => {
    const path = join(dir, 'growing.pcap');
    writeFileSync(path, pcapFile({ records: records(1000, 100) }));
    const asValidated = join(dir, 'growing-as-validated.pcap');
    copyFileSync(path, asValidated);
    const appended = pcapFile({ records: records(2000, 50) }).subarray(24); // more records, no second file header
    const { packets, file } = await readWhile(path, () => appendFileSync(path, appended));
    expect(readFileSync(path).length).toBeGreaterThan(readFileSync(asValidated).length);
    expect(packets).toHaveLength(tsharkFieldRows(asValidated, ['frame.number']).length);
    expect(file.size).toBe(readFileSync(asValidated).length);
    expect(file.sha256).toBe(sha256sum(asValidated));
  });

  it('rewritten ahead of the reader: the hash is of the bytes as read, which are the ones analysed', async () => {
    const path = join(dir, 'rewritten.pcap');
    const original = pcapFile({ records: records(1000, 100) });
    writeFileSync(path, original);
    // The last record's data, well past what the reader has read when the first packet is out.
    const lastDataAt = original.length - 500;
    const { packets, file } = await readWhile(path, () => {
      const fd = openSync(path, 'r+');
      writeSync(fd, new Uint8Array(500).fill(0xee), 0, 500, lastDataAt);
      closeSync(fd);
    });
    expect(lastDataAt).toBeGreaterThan(4 * CHUNK);
    expect(packets.at(-1)!.data).toEqual(new Uint8Array(500).fill(0xee)); // the reader saw the new bytes
    expect(file.sha256).toBe(sha256sum(path)); // and the hash is of what it saw
    expect(file.size).toBe(original.length);
  });
});
