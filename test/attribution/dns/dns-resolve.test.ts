import { describe, expect, it } from 'vitest';
import type { DnsAnswer, DnsMessage } from '../../../src/attribution/dns/dns-message.js';
import { MAX_CNAME_DEPTH, resolveAnswers } from '../../../src/attribution/dns/dns-resolve.js';
import { parseDnsMessage } from '../../../src/attribution/dns/dns-message.js';
import { hexBytes, tsharkFields } from './peer-tshark.js';

function message(questions: [string, string][], answers: DnsAnswer[]): DnsMessage {
  return {
    id: 1,
    isResponse: true,
    opcode: 'QUERY',
    rcode: 'NOERROR',
    questions: questions.map(([name, type]) => ({ name, type })),
    answers,
    answersMissing: 0,
  };
}

const cname = (name: string, data: string, ttl = 60): DnsAnswer => ({ name, type: 'CNAME', ttl, data });
const a = (name: string, data: string, ttl = 60): DnsAnswer => ({ name, type: 'A', ttl, data });

describe('resolveAnswers', () => {
  it('follows the CNAME chain of meta.wikimedia.org (zeek-wikipedia frame 49, per MANIFEST records)', () => {
    const [row] = tsharkFields('http-dns-mdns__zeek-wikipedia.pcap', 'frame.number==49', ['udp.payload']);
    const parsed = parseDnsMessage(hexBytes(row![0]!));
    expect(parsed.status).toBe('found');
    if (parsed.status !== 'found') return;
    // MANIFEST: meta.wikimedia.org CNAME text.wikimedia.org CNAME text.pmtpa.wikimedia.org A 208.80.152.2;
    // tshark dns.resp.ttl gives that A record's TTL as 2141.
    expect(resolveAnswers(parsed.value)).toEqual([
      {
        query: 'meta.wikimedia.org',
        qtype: 'A',
        chain: ['meta.wikimedia.org', 'text.wikimedia.org', 'text.pmtpa.wikimedia.org'],
        addresses: [{ ip: '208.80.152.2', ttl: 2141 }],
      },
    ]);
  });

  it('keeps a chain that ends without addresses (NODATA after CNAMEs)', () => {
    const msg = message([['meta.example', 'AAAA']], [cname('meta.example', 'text.example'), cname('text.example', 'edge.example')]);
    expect(resolveAnswers(msg)).toEqual([
      { query: 'meta.example', qtype: 'AAAA', chain: ['meta.example', 'text.example', 'edge.example'], addresses: [] },
    ]);
  });

  it('ignores addresses not owned by the end of the asked chain', () => {
    const msg = message(
      [['asked.example', 'A']],
      [a('other.example', '192.0.2.1'), cname('asked.example', 'cdn.example'), a('cdn.example', '192.0.2.2', 5)],
    );
    expect(resolveAnswers(msg)[0]!.addresses).toEqual([{ ip: '192.0.2.2', ttl: 5 }]);
  });

  it('stops at a CNAME loop', () => {
    const msg = message([['x.example', 'A']], [cname('x.example', 'y.example'), cname('y.example', 'x.example'), a('x.example', '192.0.2.9')]);
    const [res] = resolveAnswers(msg);
    expect(res!.chain).toEqual(['x.example', 'y.example']);
    expect(res!.addresses).toEqual([]);
  });

  it('bounds the chain at MAX_CNAME_DEPTH links', () => {
    const links = Array.from({ length: 40 }, (_, i) => cname(`n${i}.example`, `n${i + 1}.example`));
    const [res] = resolveAnswers(message([['n0.example', 'A']], [...links, a('n40.example', '192.0.2.1')]));
    expect(MAX_CNAME_DEPTH).toBe(16);
    expect(res!.chain).toHaveLength(MAX_CNAME_DEPTH + 1);
    expect(res!.addresses).toEqual([]);
  });

  it('resolves each question; A and AAAA of the final owner both count', () => {
    const msg = message(
      [['a.example', 'A'], ['a.example', 'A']],
      [a('a.example', '192.0.2.3'), { name: 'a.example', type: 'AAAA', ttl: 7, data: '2001:db8::3' }],
    );
    const res = resolveAnswers(msg);
    expect(res).toHaveLength(1);
    expect(res[0]!.addresses).toEqual([{ ip: '192.0.2.3', ttl: 60 }, { ip: '2001:db8::3', ttl: 7 }]);
  });
});
