/**
 * Hostile bytes never escape as exceptions: random and mutated inputs into the
 * DNS parser, the DNS-over-TCP framer, the HTTP head parser and IP reassembly.
 */
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { assertInSlices } from '../support/fuzz.js';
import { dnsParserNeverThrows } from '../support/never-throws.js';
import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { parseDnsMessage } from '../../src/attribution/dns/dns-message.js';
import { DnsTcpFramer } from '../../src/attribution/dns/dns-tcp-framer.js';
import { parseHttpRequestHead } from '../../src/attribution/http/http-request-head.js';
import { IpReassembler } from '../../src/decode/ip-reassembly.js';

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const VALID_DNS = new Uint8Array(
  dnsPacket.encode({
    type: 'response',
    id: 99,
    questions: [{ type: 'A', name: 'www.example.com' }],
    answers: [
      { type: 'CNAME', name: 'www.example.com', ttl: 60, data: 'edge.example.net' },
      { type: 'A', name: 'edge.example.net', ttl: 60, data: '192.0.2.1' },
      { type: 'AAAA', name: 'edge.example.net', ttl: 60, data: '2001:db8::1' },
      { type: 'MX', name: 'example.com', ttl: 60, data: { preference: 10, exchange: 'mx.example.com' } },
      { type: 'TXT', name: 'example.com', ttl: 60, data: ['v=spf1 -all'] },
    ],
  }),
);

const VALID_HTTP = new TextEncoder().encode('GET http://a.example/ HTTP/1.1\r\nHost: [2001:db8::1]:80\r\nX: y\r\n\r\n');

/** A valid input with some bytes overwritten, and possibly cut short. */
function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(seed.length))
    .map(([edits, cut]) => {
      const copy = seed.slice();
      for (const [at, value] of edits) copy[at] = value;
      return copy.subarray(0, Math.max(cut, seed.length - 8));
    });
}

const anyBytes = fc.uint8Array({ maxLength: 600 });

describe('fuzz: DNS and HTTP parsers never throw', () => {
  it('parseDnsMessage + resolveAnswers on random and mutated messages', async () => {
    await assertInSlices(
      fc.property(fc.oneof(anyBytes, mutated(VALID_DNS)), dnsParserNeverThrows),
      NUM_RUNS,
    );
  });

  it('DnsTcpFramer on random segmentations stays bounded', async () => {
    await assertInSlices(
      fc.property(fc.array(fc.oneof(anyBytes, mutated(VALID_DNS)), { maxLength: 12 }), (segments) => {
        const framer = new DnsTcpFramer({ maxBuffer: 512, counters: new Counters() });
        for (const segment of segments) {
          for (const message of framer.push(segment)) parseDnsMessage(message);
          expect(framer.buffered).toBeLessThanOrEqual(512);
        }
      }),
      NUM_RUNS,
    );
  });

  it('parseHttpRequestHead on random and mutated heads', async () => {
    const textual = fc.string({ maxLength: 300 }).map((s) => new TextEncoder().encode(`GET ${s}`));
    await assertInSlices(
      fc.property(fc.oneof(anyBytes, mutated(VALID_HTTP), textual), (bytes) => {
        const result = parseHttpRequestHead(bytes);
        expect(['found', 'need_more', 'invalid']).toContain(result.status);
      }),
      NUM_RUNS,
    );
  });
});

describe('fuzz: IpReassembler never throws and stays bounded', () => {
  it('random fragment streams', async () => {
    const fragmentArb = fc.record({
      version: fc.constantFrom(4 as const, 6 as const),
      src: fc.constantFrom('192.0.2.1', '2001:db8::1'),
      dst: fc.constant('198.51.100.1'),
      id: fc.integer({ min: 0, max: 3 }),
      protocol: fc.constantFrom(6, 17),
      offset: fc.oneof(fc.integer({ min: 0, max: 64 }).map((n) => n * 8), fc.integer({ min: -8, max: 70_000 })),
      more: fc.boolean(),
      payload: fc.uint8Array({ maxLength: 200 }),
      ts: fc.double({ min: 0, max: 200, noNaN: true }),
    });
    await assertInSlices(
      fc.property(fc.array(fragmentArb, { maxLength: 40 }), (frags) => {
        const r = new IpReassembler(new Counters(), { maxDatagrams: 8, maxFragmentsPerDatagram: 16 });
        for (const f of frags) {
          const whole = r.push(f);
          if (whole) expect(whole.length).toBeLessThanOrEqual(65535);
          expect(r.inProgress).toBeLessThanOrEqual(8);
        }
        r.expire(1000);
        expect(r.inProgress).toBe(0);
      }),
      NUM_RUNS,
    );
  });
});
