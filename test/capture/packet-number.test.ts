/**
 * Every packet read from a file carries its 1-based number in that file, as tshark numbers
 * frames (records/provenance.ts builds groundwatch.capture.packet from it). Oracle: tshark's
 * frame.number and frame.len for each file, read as one merged, time-ordered replay.
 */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { openCaptureFiles } from '../../src/capture/open-files.js';
import type { RawPacket } from '../../src/types.js';
import { PEER_PCAP_DIR } from '../support/fixture-paths.js';
import { tsharkFieldRows } from '../support/tshark.js';

const FILES = [
  `${PEER_PCAP_DIR}pcapng-2-idb-ether+null__pcapng-testgen-le-test006.pcapng`,
  `${PEER_PCAP_DIR}dns-cname-a__sv-cond-log-dns-dig.pcap`,
  `${PEER_PCAP_DIR}nanosecond__tcpdump-tcp-handshake-nano.pcap`,
];

describe('packet numbers', () => {
  it('are each file\'s frame numbers (tshark), whatever order the merge hands the packets out in', async () => {
    const input = await openCaptureFiles(FILES, { counters: new Counters(), onWarning: () => undefined, batchSize: 2 });
    const packets: RawPacket[] = [];
    for await (const batch of input.batches()) packets.push(...batch);
    FILES.forEach((file, index) => {
      const ours = packets.filter((p) => p.sourceIndex === index).map((p) => [p.packetNumber, p.wireLen]).sort((a, b) => a[0]! - b[0]!);
      const tshark = tsharkFieldRows(file, ['frame.number', 'frame.len']).map(([n, len]) => [Number(n), Number(len)]);
      expect(tshark.length).toBeGreaterThan(0);
      expect(ours).toEqual(tshark);
    });
  });
});
