/**
 * Peer captures: client TCP payloads extracted by tshark, fed to our
 * assembler, compared with what tshark decodes and with the peer MANIFEST.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ClientHelloInfo } from '../../../src/attribution/tls/client-hello.js';
import { TlsClientHelloAssembler, looksLikeTls } from '../../../src/attribution/tls/record-assembler.js';
import { PEER_PCAPS, clientTcpStreams, peerPcap, tsharkTcpClientHellos } from './support/tshark.js';

interface ManifestEntry {
  file: string;
  expected: { sni: string[] };
}
const manifest = JSON.parse(readFileSync(`${PEER_PCAPS}MANIFEST.json`, 'utf8')) as ManifestEntry[];

function expectedSnis(file: string): string[] {
  const entry = manifest.find((e) => e.file === file);
  if (!entry) throw new Error(`${file} not in MANIFEST`);
  return entry.expected.sni;
}

/** Our ClientHello per TCP stream that starts like TLS. */
function ourHellos(file: string): Map<number, ClientHelloInfo> {
  const out = new Map<number, ClientHelloInfo>();
  for (const { stream, segments } of clientTcpStreams(peerPcap(file))) {
    if (!segments[0] || !looksLikeTls(segments[0])) continue;
    const assembler = new TlsClientHelloAssembler();
    for (const s of segments) {
      const r = assembler.push(s);
      if (r.status === 'found') out.set(stream, r.value);
      if (r.status !== 'need_more') break;
    }
  }
  return out;
}

const files = [
  'tls12-sni__sv-bug-2646-01.pcap',
  'tls13-sni-ipv4__sv-community-id-ipv4.pcap',
  'tls13-sni-ipv6__sv-community-id-ipv6.pcap',
  'tls-clienthello-split-2seg__arkime-tls-split-client-hello.pcap',
  'tls13-ech-outer-sni__zeek-tls13-ech.pcap',
  'null-ipv6-tls__arkime-tls-alpn-h2.pcap',
];

describe.each(files)('%s', (file) => {
  it('finds a ClientHello in every stream where tshark does, with the same fields', () => {
    const ours = ourHellos(file);
    const theirs = tsharkTcpClientHellos(peerPcap(file));
    expect(theirs.length).toBeGreaterThan(0);
    expect([...ours.keys()].sort()).toEqual(theirs.map((t) => t.stream).sort());
    for (const t of theirs) {
      const o = ours.get(t.stream)!;
      expect(o.sni).toBe(t.sni);
      expect(o.alpn).toEqual(t.alpn);
      expect(o.extensionTypes).toEqual(t.extensionTypes);
      expect(o.legacyVersion).toBe(t.legacyVersion);
      expect(o.supportedVersions).toEqual(t.supportedVersions);
    }
  });

  it('yields the SNIs the MANIFEST expects', () => {
    const ours = ourHellos(file);
    const snis = [...new Set([...ours.values()].map((h) => h.sni))].sort();
    expect(snis).toEqual([...expectedSnis(file)].sort());
  });
});

describe('specific peer expectations', () => {
  it('tls12-sni: legacy 0x0303 without supported_versions is TLS 1.2 (Suricata tls.version)', () => {
    const [hello] = ourHellos('tls12-sni__sv-bug-2646-01.pcap').values();
    expect(hello?.version).toBe('TLS 1.2');
    expect(hello?.supportedVersions).toEqual([]);
  });

  it('tls13-sni-ipv4/ipv6: TLS 1.3 (Suricata tls.version)', () => {
    for (const f of ['tls13-sni-ipv4__sv-community-id-ipv4.pcap', 'tls13-sni-ipv6__sv-community-id-ipv6.pcap']) {
      for (const h of ourHellos(f).values()) expect(h.version).toBe('TLS 1.3');
    }
  });

  it('split-2seg: the ClientHello really spans two segments', () => {
    const [stream] = clientTcpStreams(peerPcap('tls-clienthello-split-2seg__arkime-tls-split-client-hello.pcap'));
    const first = stream!.segments[0]!;
    const recordLen = (first[3]! << 8) | first[4]!;
    expect(first.length).toBeLessThan(5 + recordLen);
    const a = new TlsClientHelloAssembler();
    expect(a.push(first).status).toBe('need_more');
    const r = a.push(stream!.segments[1]!);
    expect(r.status === 'found' && r.value.sni).toBe('clients2.google.com');
  });

  it('tls13-ech: both ClientHellos carry ECH and only the outer name cloudflare-ech.com', () => {
    const hellos = [...ourHellos('tls13-ech-outer-sni__zeek-tls13-ech.pcap').values()];
    expect(hellos).toHaveLength(2);
    for (const h of hellos) expect(h).toMatchObject({ hasEch: true, sni: 'cloudflare-ech.com' });
  });

  it('null-ipv6-tls: www.cloudflare.com offering h2 then http/1.1 (tshark tls.handshake.extensions_alpn_str)', () => {
    const [hello] = ourHellos('null-ipv6-tls__arkime-tls-alpn-h2.pcap').values();
    expect(hello?.sni).toBe('www.cloudflare.com');
    expect(hello?.alpn).toEqual(['h2', 'http/1.1']);
  });
});
