/**
 * The header slicer against tshark: for every TCP/UDP packet of captures over
 * each link type groundwatch decodes (Ethernet, VLAN/QinQ, Linux cooked v1/v2,
 * raw IP, BSD loopback, IPv4 options, IPv6 extension headers), the headers end
 * where tshark's transport layer ends (its `-x` JSON gives each layer's offset
 * and length in the frame). Later IPv4 fragments end after their IP header.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFiles } from '../../src/capture/open-files.js';
import { Counters } from '../../src/counters.js';
import { headerLength } from '../../src/evidence/header-slicer.js';
import type { RawPacket } from '../../src/types.js';
import { FIXTURES_DIR, PEER_PCAP_DIR } from '../support/fixture-paths.js';

const CAPTURES = [
  join(FIXTURES_DIR, 'session-dji-mixed.pcapng'),
  join(FIXTURES_DIR, 'generated/ipv4-options.pcap'),
  join(FIXTURES_DIR, 'generated/ipv6-ext-headers.pcapng'),
  join(FIXTURES_DIR, 'generated/null-loopback.pcap'),
  join(FIXTURES_DIR, 'generated/raw-101.pcap'),
  join(FIXTURES_DIR, 'generated/raw-228-ipv4.pcap'),
  join(FIXTURES_DIR, 'generated/raw-229-ipv6.pcap'),
  join(FIXTURES_DIR, 'generated/sll.pcap'),
  join(FIXTURES_DIR, 'generated/sll2.pcapng'),
  join(FIXTURES_DIR, 'generated/vlan-qinq.pcap'),
  join(FIXTURES_DIR, 'generated/ipv4-fragments.pcap'),
  join(PEER_PCAP_DIR, 'tls13-sni-ipv6__sv-community-id-ipv6.pcap'),
  join(PEER_PCAP_DIR, 'quic-v1-sni__sv-quic-ietf.pcap'),
];

async function packets(file: string): Promise<RawPacket[]> {
  const input = await openCaptureFiles([file], { counters: new Counters(), onWarning: () => undefined, batchSize: 512 });
  const all: RawPacket[] = [];
  for await (const batch of input.batches()) for (const p of batch) all.push({ ...p, data: p.data.slice() });
  return all;
}

type Layers = Record<string, unknown>;

/** Per frame: where tshark says the headers end, or undefined when it shows no transport or IP layer of the frame's own. */
function tsharkHeaderEnds(file: string): (number | undefined)[] {
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'json', '-x', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE'], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const frames = JSON.parse(out) as { _source: { layers: Layers } }[];
  return frames.map(({ _source: { layers } }) => {
    if ('icmp' in layers || 'icmpv6' in layers) return undefined;
    const raw = (layers['tcp_raw'] ?? layers['udp_raw']) as [string, number, number] | undefined;
    if (raw) return raw[1] + raw[2];
    // A later fragment (no transport header): tshark shows the IP header(s), then Data.
    const isIp = 'ip' in layers || 'ipv6' in layers;
    const data = layers['data_raw'] as [string, number, number] | undefined;
    return isIp && data ? data[1] : undefined;
  });
}

describe('headerLength', () => {
  for (const file of CAPTURES) {
    it(`ends where tshark's transport layer ends: ${file.split('/').slice(-2).join('/')}`, async () => {
      const raw = await packets(file);
      const expected = tsharkHeaderEnds(file);
      expect(raw.length).toBe(expected.length);
      let compared = 0;
      raw.forEach((p, i) => {
        const want = expected[i];
        if (want === undefined) return;
        compared++;
        expect(headerLength(p.linkType, p.data), `frame ${i + 1}`).toBe(want);
      });
      expect(compared).toBeGreaterThan(0);
    });
  }

  it('keeps only the link header of a frame it cannot walk, and nothing of an unknown link type', () => {
    const notIp = new Uint8Array(60);
    notIp[12] = 0x08;
    notIp[13] = 0x06; // ARP
    expect(headerLength(1, notIp)).toBe(14);
    const badIp = new Uint8Array(60);
    badIp[12] = 0x08;
    badIp[14] = 0x45;
    badIp[16] = 0x00; // total length 0 < IHL: invalid
    expect(headerLength(1, badIp)).toBe(14);
    expect(headerLength(127, new Uint8Array(80))).toBe(0);
  });
});
