/**
 * Mutated and random frames through every link-layer decoder and then the
 * whole pipeline (flows, names, GeoIP, rules, alerts): nothing may throw, and
 * every rejection is a counted anomaly. FUZZ_RUNS sets the number of cases
 * (`npm run fuzz` runs 100,000 per property).
 */
import fc from 'fast-check';
import { assertInSlices, assertNoInternalErrors } from '../support/fuzz.js';
import { describe, expect, it } from 'vitest';
import { decodeFrameNeverThrows } from '../support/never-throws.js';
import { replayFiles } from '../support/replay-harness.js';
import { ACK, PSH, SYN, ethernetIp, pcapFile, tcpPacket, udpPacket } from '../support/packet-builder.js';
import { buildClientHello, tlsRecords } from '../support/tls-client-hello-builder.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 300);
const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

const seeds: Uint8Array[] = [
  ethernetIp(tcpPacket({ src: '10.0.0.5', dst: '120.55.9.120' }, { srcPort: 40000, dstPort: 443, flags: PSH | ACK, seq: 1 }, tlsRecords(buildClientHello({ sni: 'flysafe-api.dji.com' })))),
  ethernetIp(udpPacket({ src: '10.0.0.5', dst: '114.114.114.114' }, { srcPort: 5353, dstPort: 53 }, Uint8Array.of(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 100, 106, 105, 3, 99, 111, 109, 0, 0, 1, 0, 1))),
  ethernetIp(tcpPacket({ src: '2001:db8::5', dst: '2408:4000::1' }, { srcPort: 40000, dstPort: 80, flags: SYN })),
];

const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat())
  .map(([seed, flips, cut]) => {
    const b = Uint8Array.from(seed);
    for (const [at, v] of flips) b[at % b.length] = v;
    return b.subarray(0, cut % (b.length + 1));
  });
const frames = fc.oneof(mutated, fc.uint8Array({ maxLength: 200 }));

describe('fuzz: decoders and pipeline', () => {
  it('decodeFrame never throws, for every link type', async () => {
    await assertInSlices(
      fc.property(fc.constantFrom(...LINK_TYPES), frames, decodeFrameNeverThrows),
      RUNS,
    );
  });

  it('the whole pipeline survives a capture of mutated frames and counts what it rejects', async () => {
    const sample = fc.sample(fc.array(frames, { minLength: 50, maxLength: 50 }), Math.max(2, Math.ceil(RUNS / 100)));
    const dir = mkdtempSync(join(tmpdir(), 'gw-fuzz-'));
    for (const [i, batch] of sample.entries()) {
      const file = join(dir, `f${i}.pcap`);
      writeFileSync(file, pcapFile(1, batch.map((data, k) => ({ tsSec: 1_767_225_600 + k, tsNsec: 0, data }))));
      const r = await replayFiles([file]);
      const stats = r.stats.groundwatch.stats as { packets: { received: number; decoded: number } };
      expect(stats.packets.received).toBe(50);
      expect(r.warnings).toEqual([]);
      assertNoInternalErrors();
    }
  });
});
