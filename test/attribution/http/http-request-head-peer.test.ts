/**
 * Host extraction against the peer MANIFEST (http_host, http_host_raw,
 * http_host_ip_literal), with tshark pulling each TCP connection's client bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseHttpRequestHead, type HttpRequestHead } from '../../../src/attribution/http/http-request-head.js';
import { hexBytes, manifestEntry, tsharkFields } from '../dns/peer-tshark.js';

interface ClientStream {
  segments: Uint8Array[];
}

/** Client-to-server payload segments of every TCP connection whose SYN was captured, in seq order. */
function clientStreams(file: string): ClientStream[] {
  const syns = tsharkFields(file, 'tcp.flags.syn==1 && tcp.flags.ack==0', ['tcp.stream', 'tcp.srcport']);
  const clientPort = new Map(syns.map(([stream, port]) => [stream!, port!]));
  const rows = tsharkFields(file, 'tcp.len>0', ['tcp.stream', 'tcp.srcport', 'tcp.seq', 'tcp.payload']);
  const streams = new Map<string, Map<number, Uint8Array>>();
  for (const [stream, srcport, seq, payload] of rows) {
    if (clientPort.get(stream!) !== srcport) continue;
    const bySeq = streams.get(stream!) ?? new Map<number, Uint8Array>();
    bySeq.set(Number(seq), hexBytes(payload!)); // a retransmission overwrites its twin
    streams.set(stream!, bySeq);
  }
  return [...streams.values()].map((bySeq) => ({
    segments: [...bySeq.entries()].sort(([a], [b]) => a - b).map(([, p]) => p),
  }));
}

/** Feed the stream as it arrives: parse the bytes so far after each segment. */
function headOf(stream: ClientStream): HttpRequestHead | undefined {
  let bytes = new Uint8Array(0);
  for (const segment of stream.segments) {
    const next = new Uint8Array(bytes.length + segment.length);
    next.set(bytes);
    next.set(segment, bytes.length);
    bytes = next;
    const result = parseHttpRequestHead(bytes);
    if (result.status === 'found') return result.value;
    if (result.status === 'invalid') return undefined;
  }
  return undefined;
}

const headsCache = new Map<string, HttpRequestHead[]>();

function headsOf(file: string): HttpRequestHead[] {
  let heads = headsCache.get(file);
  if (!heads) {
    heads = clientStreams(file)
      .map(headOf)
      .filter((h): h is HttpRequestHead => h !== undefined);
    headsCache.set(file, heads);
  }
  return heads;
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => v !== undefined))].sort();

describe('parseHttpRequestHead on peer captures', () => {
  const NAMED = [
    'vlan-http__zeek-http-vlan-0.pcap',
    'sll-http__sv-websocket-ping.pcap',
    'mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap',
  ];
  for (const file of NAMED) {
    it(`finds MANIFEST http_host in ${file}`, () => {
      const expected = manifestEntry(file).expected.http_host;
      expect(expected.length).toBeGreaterThan(0);
      const heads = headsOf(file);
      expect(unique(heads.filter((h) => !h.hostIsIpLiteral).map((h) => h.host))).toEqual([...expected].sort());
    });
  }

  it('mixed-browsing: the punycode host is kept as sent (lower case, no IDNA decoding)', () => {
    const heads = headsOf('mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap');
    // the TCP Host headers tshark reads (MANIFEST http_host_raw minus the SSDP-over-UDP ones)
    expect(unique(heads.map((h) => h.rawHost))).toEqual(['_tjyfkxidkk.xn--90au9ce.xn--p1ai']);
  });

  it('http-ipv6-loopback: [::1]:8000 is an IP literal, raw value kept', () => {
    const entry = manifestEntry('http-ipv6-loopback__sv-http-ipv6.pcap').expected;
    const heads = headsOf('http-ipv6-loopback__sv-http-ipv6.pcap');
    expect(heads).toHaveLength(1);
    expect(heads[0]!.rawHost).toBe(entry.http_host_raw![0]);
    expect(heads[0]!.hostIsIpLiteral).toBe(true);
    // MANIFEST writes the literal bracketed ([::1]); the host field carries the bare canonical address
    expect(`[${heads[0]!.host}]`).toBe(entry.http_host_ip_literal![0]);
    expect(heads[0]!.method).toBe('GET');
  });

  it('sll2-http: 192.168.1.21 is an IP literal', () => {
    const entry = manifestEntry('sll2-http__sv-decode-sll2-01.pcap').expected;
    const heads = headsOf('sll2-http__sv-decode-sll2-01.pcap');
    expect(heads.map((h) => [h.rawHost, h.host, h.hostIsIpLiteral])).toEqual([
      [entry.http_host_raw![0], entry.http_host_ip_literal![0], true],
    ]);
  });

  it('SSDP over UDP (mixed-browsing): raw hosts equal MANIFEST http_over_udp_host', () => {
    const file = 'mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap';
    const expected = (manifestEntry(file).expected as { http_over_udp_host?: string[] }).http_over_udp_host!;
    const rows = tsharkFields(file, 'udp.port==1900', ['udp.payload']);
    const raws = rows.map(([payload]) => parseHttpRequestHead(hexBytes(payload!)))
      .map((r) => (r.status === 'found' ? r.value.rawHost : undefined));
    expect(unique(raws)).toEqual([...expected].sort());
  });

  it('rejects the TLS streams of the mixed-browsing capture as not HTTP', () => {
    const rows = tsharkFields('mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap', 'tls.handshake.type==1', ['tcp.payload']);
    expect(rows.length).toBeGreaterThan(0);
    for (const [payload] of rows) expect(parseHttpRequestHead(hexBytes(payload!))).toEqual({ status: 'invalid', reason: 'not_http' });
  });
});
