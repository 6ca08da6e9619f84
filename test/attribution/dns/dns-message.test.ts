import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parseDnsMessage } from '../../../src/attribution/dns/dns-message.js';

function encode(packet: dnsPacket.Packet): Uint8Array {
  return new Uint8Array(dnsPacket.encode(packet));
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Header for a response with one question and `an` answers. */
const HEADER_1Q_1A = '1234 8180 0001 0001 0000 0000';
const QNAME_EXAMPLE_COM = '07 6578616d706c65 03 636f6d 00';

describe('parseDnsMessage', () => {
  it('reads header, questions and answers of an encoded response', () => {
    const result = parseDnsMessage(
      encode({
        type: 'response',
        id: 4660,
        flags: dnsPacket.RECURSION_DESIRED | 3, // rcode 3
        questions: [{ type: 'A', name: 'WWW.Example.COM' }],
        answers: [
          { type: 'CNAME', name: 'www.example.com', ttl: 60, data: 'Edge.Example.NET' },
          { type: 'A', name: 'edge.example.net', ttl: 30, data: '192.0.2.7' },
        ],
      }),
    );
    expect(result).toEqual({
      status: 'found',
      value: {
        id: 4660,
        isResponse: true,
        opcode: 'QUERY',
        rcode: 'NXDOMAIN',
        questions: [{ name: 'www.example.com', type: 'A' }],
        answers: [
          { name: 'www.example.com', type: 'CNAME', ttl: 60, data: 'edge.example.net' },
          { name: 'edge.example.net', type: 'A', ttl: 30, data: '192.0.2.7' },
        ],
        answersMissing: 0,
      },
    });
  });

  it('writes AAAA data in RFC 5952 form (longest zero run compressed, lower case)', () => {
    // 2001:0db8:0000:0000:0001:0000:0000:0001 -> RFC 5952 section 4.2.3: first of equal runs
    const bytes = hex(`${HEADER_1Q_1A} ${QNAME_EXAMPLE_COM} 001c 0001  c00c 001c 0001 00000e10 0010
      20010db8000000000001000000000001`);
    const result = parseDnsMessage(bytes);
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(result.value.answers).toEqual([{ name: 'example.com', type: 'AAAA', ttl: 3600, data: '2001:db8::1:0:0:1' }]);
  });

  it('honours RDLENGTH: an A record of 5 bytes is invalid, not misread', () => {
    const bytes = hex(`${HEADER_1Q_1A} ${QNAME_EXAMPLE_COM} 0001 0001  c00c 0001 0001 0000003c 0005 c0000201ff`);
    expect(parseDnsMessage(bytes)).toEqual({ status: 'invalid', reason: 'bad_a_rdlength' });
  });

  it('reads a TTL with the top bit set as 0 (RFC 2181 section 8)', () => {
    const bytes = hex(`${HEADER_1Q_1A} ${QNAME_EXAMPLE_COM} 0001 0001  c00c 0001 0001 80000000 0004 c0000201`);
    const result = parseDnsMessage(bytes);
    expect(result.status === 'found' && result.value.answers[0]!.ttl).toBe(0);
  });

  it('names unknown types RFC 3597 style and keeps their bytes', () => {
    const bytes = hex(`${HEADER_1Q_1A} ${QNAME_EXAMPLE_COM} ff00 0001  c00c ff00 0001 0000003c 0003 abcdef`);
    const result = parseDnsMessage(bytes);
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(result.value.questions[0]!.type).toBe('TYPE65280');
    expect(result.value.answers[0]).toMatchObject({ type: 'TYPE65280', data: 'abcdef' });
  });

  it('answers invalid for truncated messages', () => {
    const full = encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'example.com' }] });
    for (let len = 0; len < full.length; len++) {
      expect(parseDnsMessage(full.subarray(0, len))).toEqual({ status: 'invalid', reason: 'truncated' });
    }
  });

  it('answers invalid for a compression pointer that points forward or at itself', () => {
    const selfPointer = hex('0001 0100 0001 0000 0000 0000 c00c 0001 0001');
    expect(parseDnsMessage(selfPointer)).toEqual({ status: 'invalid', reason: 'malformed' });
  });

  it('answers invalid for reserved label types (0x40, 0x80)', () => {
    const bytes = hex('0001 0100 0001 0000 0000 0000 4161 00 0001 0001');
    expect(parseDnsMessage(bytes)).toEqual({ status: 'invalid', reason: 'bad_label_type' });
  });

  it('keeps the root name as the empty string', () => {
    const bytes = hex('0001 0100 0001 0000 0000 0000 00 0002 0001');
    const result = parseDnsMessage(bytes);
    expect(result.status === 'found' && result.value.questions).toEqual([{ name: '', type: 'NS' }]);
  });

  it('does not crash on hostile label bytes (kept, not sanitised)', () => {
    const bytes = hex('0001 0100 0001 0000 0000 0000 03 41ff2e 00 0001 0001');
    const result = parseDnsMessage(bytes);
    expect(result.status).toBe('found');
    if (result.status === 'found') expect(result.value.questions[0]!.name.startsWith('a')).toBe(true);
  });
});
