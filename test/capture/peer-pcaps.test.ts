/**
 * Every peer capture read end to end through openCaptureFiles, checked
 * against the peer MANIFEST (tshark 4.0.17 derived). peer-pcaps-tshark.test.ts
 * checks every frame against tshark run here.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RawPacket } from '../../src/types.js';
import { epoch } from './tshark.js';
import { LINKTYPE_BY_NAME, manifest, PEER_DIR, readAll } from './peer-manifest.js';

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
  return j === listed.length;
}

describe('peer captures against their MANIFEST', () => {
  it('the manifest lists exactly the captures in fixtures/peer-pcaps, each once', () => {
    const captures = readdirSync(PEER_DIR).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
    expect(captures).toHaveLength(29);
    expect(manifest.map((e) => e.file).sort()).toEqual(captures);
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
      if (entry.link_type !== 'per-packet') {
        expect(LINKTYPE_BY_NAME[entry.link_type]).toBeDefined();
        expect(new Set(packets.map((p) => p.linkType))).toEqual(new Set([LINKTYPE_BY_NAME[entry.link_type]]));
        expect(info.linkTypes).toEqual([LINKTYPE_BY_NAME[entry.link_type]]);
      }
    });
  }
});
