/**
 * parseDnsMessage against the peer MANIFEST (tshark-derived `expected.dns`), with
 * tshark extracting the UDP/TCP payloads: an oracle independent of this project.
 */
import { describe, expect, it } from 'vitest';
import { parseDnsMessage, type DnsMessage } from '../../../src/attribution/dns/dns-message.js';
import { dnsTypeNumber } from '../../../src/attribution/dns/dns-codes.js';
import { DnsTcpFramer } from '../../../src/attribution/dns/dns-tcp-framer.js';
import { hexBytes, manifestEntry, tsharkFields, type ManifestDns } from './peer-tshark.js';

type Observed = Pick<ManifestDns, 'name' | 'qtype' | 'answers' | 'server' | 'frame'>;

/** The MANIFEST's view of a response: first question, A/AAAA/CNAME answer data in wire order. */
function summarise(msg: DnsMessage, frame: number, server: string): Observed {
  const q = msg.questions[0];
  return {
    frame,
    server,
    name: q?.name ?? '',
    qtype: String(dnsTypeNumber(q?.type ?? '') ?? ''),
    answers: msg.answers.filter((a) => ['A', 'AAAA', 'CNAME'].includes(a.type)).map((a) => a.data),
  };
}

/** MANIFEST lists are de-duplicated by (name, answers), first occurrence kept. */
function dedupe(list: Observed[]): Observed[] {
  const seen = new Set<string>();
  return list.filter((o) => {
    const key = JSON.stringify([o.name, o.answers]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parsed(payload: Uint8Array): DnsMessage {
  const result = parseDnsMessage(payload);
  if (result.status !== 'found') throw new Error(`parse failed: ${JSON.stringify(result)}`);
  return result.value;
}

function udpResponses(file: string): Observed[] {
  const rows = tsharkFields(file, 'udp.port==53', ['frame.number', 'ip.src', 'ipv6.src', 'udp.payload']);
  const out: Observed[] = [];
  for (const [frame, v4src, v6src, payload] of rows) {
    const msg = parsed(hexBytes(payload!));
    if (msg.isResponse) out.push(summarise(msg, Number(frame), v4src || v6src || ''));
  }
  return dedupe(out);
}

function expectedOf(file: string): Observed[] {
  return manifestEntry(file).expected.dns.map(({ name, qtype, answers, server, frame }) => ({ name, qtype, answers, server, frame }));
}

const UDP_FILES = [
  'dns-a-aaaa-mx__sv-dns-udp-google.pcap',
  'dns-cname-a__sv-cond-log-dns-dig.pcap',
  'dns-then-tls13__arkime-curl-enabled-tls13.pcap',
  'dns-in-pcapng-with-vlan__ndpi-dns.pcap',
  'http-dns-mdns__zeek-wikipedia.pcap',
  'mixed-browsing-dns-tls-http__sv-base64-decode-5885.pcap',
];

describe('parseDnsMessage on peer captures (UDP)', () => {
  for (const file of UDP_FILES) {
    it(`matches MANIFEST expected.dns for ${file}`, () => {
      const expected = expectedOf(file);
      expect(expected.length).toBeGreaterThan(0);
      expect(udpResponses(file)).toEqual(expected);
    });
  }

  it('parses every query too (questions only, no answers)', () => {
    const rows = tsharkFields('dns-a-aaaa-mx__sv-dns-udp-google.pcap', 'dns.flags.response==0', ['udp.payload', 'dns.qry.type']);
    expect(rows).toHaveLength(3);
    for (const [payload, qtype] of rows) {
      const msg = parsed(hexBytes(payload!));
      expect(msg.isResponse).toBe(false);
      expect(msg.opcode).toBe('QUERY');
      expect(msg.answers).toEqual([]);
      expect(String(dnsTypeNumber(msg.questions[0]!.type))).toBe(qtype);
    }
  });

  it('keeps answer TTLs and summarises MX data as tshark reads them', () => {
    const [row] = tsharkFields('dns-a-aaaa-mx__sv-dns-udp-google.pcap', 'frame.number==6', [
      'udp.payload', 'dns.mx.preference', 'dns.mx.mail_exchange', 'dns.resp.ttl', 'dns.flags.rcode',
    ]);
    const [payload, prefs, exchanges, ttls] = row!;
    const msg = parsed(hexBytes(payload!));
    expect(msg.rcode).toBe('NOERROR');
    const exchangeList = exchanges!.split(',');
    const prefList = prefs!.split(',');
    expect(msg.answers.map((a) => a.type)).toEqual(exchangeList.map(() => 'MX'));
    expect(msg.answers.map((a) => a.data)).toEqual(exchangeList.map((x, i) => `${prefList[i]} ${x}`));
    expect(msg.answers.map((a) => String(a.ttl))).toEqual(ttls!.split(',').slice(0, exchangeList.length));
  });
});

describe('DnsTcpFramer + parseDnsMessage on dns-tcp__tcpdump-dns_tcp.pcap', () => {
  const file = 'dns-tcp__tcpdump-dns_tcp.pcap';
  const rows = () => tsharkFields(file, 'tcp.srcport==53 && tcp.len>0', ['frame.number', 'ip.src', 'tcp.payload']);

  function framedResponses(chunking: (payload: Uint8Array) => Uint8Array[]): Observed[] {
    const framer = new DnsTcpFramer();
    const out: Observed[] = [];
    for (const [frame, src, payload] of rows()) {
      for (const chunk of chunking(hexBytes(payload!))) {
        for (const message of framer.push(chunk)) out.push(summarise(parsed(message), Number(frame), src!));
      }
    }
    return dedupe(out);
  }

  it('matches MANIFEST expected.dns segment by segment', () => {
    const expected = expectedOf(file);
    expect(expected).toHaveLength(1);
    expect(framedResponses((p) => [p])).toEqual(expected);
  });

  it('gives the same answer when the server stream arrives one byte at a time', () => {
    const oneByte = (p: Uint8Array) => Array.from(p, (_, i) => p.subarray(i, i + 1));
    expect(framedResponses(oneByte)).toEqual(expectedOf(file));
  });
});
