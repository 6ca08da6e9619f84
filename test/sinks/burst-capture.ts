/**
 * A burst as a capture file: `flows` distinct UDP flows within one second of
 * packet time, then one packet 15 minutes later that makes every one of them
 * idle at once (so their records all come out in one sweep).
 */
import { writeFileSync } from 'node:fs';
import { ethernetIp, LINKTYPE_ETHERNET, pcapFile, udpPacket, type CaptureFrame } from '../support/packet-builder.js';

const T0 = 1_700_000_000;

/**
 * `flows` UDP flows `gapMs` apart in packet time, `packetsPerFlow` packets
 * each (10 ms apart): records come out steadily, sweep after sweep, and a
 * replay reads many batches between them.
 */
export function writeSteadyCapture(path: string, flows: number, packetsPerFlow = 1, gapMs = 300): void {
  const frames: CaptureFrame[] = [];
  const payload = new Uint8Array(20).fill(0x78);
  for (let i = 0; i < flows; i++) {
    const dst = `93.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const data = ethernetIp(udpPacket({ src: '10.0.0.2', dst }, { srcPort: 10_000 + (i % 50_000), dstPort: 443 }, payload));
    for (let k = 0; k < packetsPerFlow; k++) {
      const ms = i * gapMs + k * 10;
      frames.push({ tsSec: T0 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1e6, data });
    }
  }
  frames.sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
  writeFileSync(path, pcapFile(LINKTYPE_ETHERNET, frames));
}

export function writeBurstCapture(path: string, flows: number): void {
  const frames: CaptureFrame[] = [];
  const payload = new Uint8Array(20).fill(0x78);
  for (let i = 0; i < flows; i++) {
    const dst = `93.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const data = ethernetIp(udpPacket({ src: '10.0.0.2', dst }, { srcPort: 10_000 + (i % 50_000), dstPort: 443 }, payload));
    frames.push({ tsSec: T0, tsNsec: Math.floor((i * 1e9) / flows), data });
  }
  frames.push({ tsSec: T0 + 900, tsNsec: 0, data: ethernetIp(udpPacket({ src: '10.0.0.2', dst: '93.255.1.1' }, { srcPort: 5555, dstPort: 443 }, payload)) });
  writeFileSync(path, pcapFile(LINKTYPE_ETHERNET, frames));
}
