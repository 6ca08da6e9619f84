/**
 * Every peer capture read end to end through openCaptureFiles, checked
 * against the peer MANIFEST (tshark 4.0.17 derived) and against tshark run
 * here on the same file.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Counters } from '../../src/counters.js';
import type { RawPacket } from '../../src/types.js';
import { openCaptureFiles } from '../../src/capture/open-files.js';
import { diffAgainstTshark, epoch, tsharkFrames } from './tshark.js';

const PEER_DIR = fileURLToPath(new URL('../../../shared/peer-pcaps/', import.meta.url));

interface ManifestEntry {
  file: string;
  sha256: string;
  size: number;
  format: string;
  link_type: string;
  expected: {
    packets: number;
    first_ts_epoch: string;
    last_ts_epoch: string;
    ts_epoch_all?: string[];
    frames_caplen_lt_len?: number;
    pcapng_interfaces_used?: string[];
  };
}

/** MANIFEST link_type names as LINKTYPE_* numbers (tcpdump.org/linktypes.html). */
const LINKTYPE_BY_NAME: Record<string, number> = { ether: 1, null: 0, 'linux-sll': 113, 'linux-sll2': 276, rawip: 101, rawip4: 228 };

const manifest = JSON.parse(readFileSync(join(PEER_DIR, 'MANIFEST.json'), 'utf8')) as ManifestEntry[];

async function readAll(path: string) {
  const counters = new Counters();
  const warnings: string[] = [];
  const input = await openCaptureFiles([path], { counters, onWarning: (code, msg) => warnings.push(`${code} ${msg}`) });
  const packets: RawPacket[] = [];
  for await (const batch of input.batches()) packets.push(...batch);
  return { packets, info: input.files[0]!, warnings, counters };
}

/**
 * ts_epoch_all lists the times tshark prints; SPBs have none there. The times
 * must appear in order, and every packet not listed must repeat the previous
 * packet's time (the SPB rule).
 */
function timesMatch(packets: RawPacket[], listed: string[]): boolean {
  const ours = packets.map(epoch);
  let j = 0;
  for (let i = 0; i < ours.length; i++) {
    if (j < listed.length && ours[i] === listed[j]) j++;
    else if (i === 0 || ours[i] !== ours[i - 1]) return false;
  }
  return j === listed.length && packets.length - listed.length <= 1;
}

describe.concurrent('peer captures (MANIFEST and tshark)', () => {
  it('the manifest lists the files this test expects', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(29);
  });

  for (const entry of manifest) {
    it(entry.file, async () => {
      const path = join(PEER_DIR, entry.file);
      const { packets, info, warnings, counters } = await readAll(path);
      const exp = entry.expected;
      expect(warnings).toEqual([]);
      expect(packets.length).toBe(exp.packets);
      expect(info.packets).toBe(exp.packets);
      expect(info.sha256).toBe(entry.sha256);
      expect(info.size).toBe(entry.size);
      expect(info.format).toBe(entry.format.startsWith('pcapng') ? 'pcapng' : 'pcap');
      expect(counters.get('anomaly.capture.truncated_record') + counters.get('anomaly.capture.corrupt_block')).toBe(0);
      if (exp.ts_epoch_all) {
        expect(timesMatch(packets, exp.ts_epoch_all), packets.map(epoch).join(' ')).toBe(true);
      }
      expect(epoch(packets[0]!)).toBe(exp.first_ts_epoch);
      expect(epoch(packets[packets.length - 1]!)).toBe(exp.last_ts_epoch);
      if (exp.frames_caplen_lt_len !== undefined) {
        expect(packets.filter((p) => p.data.length < p.wireLen).length).toBe(exp.frames_caplen_lt_len);
      }
      if (exp.pcapng_interfaces_used) {
        const used = [...new Set(packets.map((p) => String(p.interfaceId)))].sort();
        expect(used).toEqual([...exp.pcapng_interfaces_used].sort());
      }
      const perPacket = entry.link_type === 'per-packet';
      if (!perPacket) {
        expect(LINKTYPE_BY_NAME[entry.link_type]).toBeDefined();
        expect(new Set(packets.map((p) => p.linkType))).toEqual(new Set([LINKTYPE_BY_NAME[entry.link_type]]));
        expect(info.linkTypes).toEqual([LINKTYPE_BY_NAME[entry.link_type]]);
      }
      expect(diffAgainstTshark(packets, await tsharkFrames(path), perPacket)).toEqual([]);
    });
  }
});
