/**
 * Property tests: hostile bytes never make the TLS / QUIC parsers throw, and
 * builder-made hellos with random names survive any segmentation or packet order.
 * FUZZ_RUNS=100000 npm run fuzz for a long run.
 */
import fc from 'fast-check';
import { assertInSlices } from '../support/fuzz.js';
import { describe, expect, it } from 'vitest';
import { parseInitialFrames } from '../../src/attribution/quic/frames.js';
import { QuicInitialTracker } from '../../src/attribution/quic/initial-tracker.js';
import { QUIC_V1, QUIC_V2 } from '../../src/attribution/quic/versions.js';
import { parseClientHello } from '../../src/attribution/tls/client-hello.js';
import { TlsClientHelloAssembler } from '../../src/attribution/tls/record-assembler.js';
import { V1_CLIENT_INITIAL, V2_CLIENT_INITIAL } from '../attribution/quic/rfc-vectors.js';
import { buildInitialFlight, cryptoFrame, protectInitialPacket } from '../support/quic-initial-builder.js';
import { buildClientHello, segments, tlsRecords } from '../support/tls-client-hello-builder.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 200);
const STATUSES = ['found', 'need_more', 'invalid'];
const sampleHello = buildClientHello({ sni: 'fuzz.example', alpn: ['h2', 'h3'], grease: true, ech: true });

interface Mutation {
  at: number;
  kind: 'flip' | 'set' | 'cut' | 'insert';
  value: number;
}

const mutations = fc.array(
  fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'set', 'cut', 'insert'), value: fc.integer({ min: 0, max: 255 }) }),
  { minLength: 1, maxLength: 6 },
);

function mutate(input: Uint8Array, list: Mutation[]): Uint8Array {
  let out = Uint8Array.from(input);
  for (const m of list) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at]! ^= 1 << (m.value % 8);
    else if (m.kind === 'set') out[at] = m.value;
    else if (m.kind === 'cut') out = out.subarray(0, at);
    else out = Uint8Array.from([...out.subarray(0, at), m.value, ...out.subarray(at)]);
  }
  return out;
}

describe('TLS ClientHello under hostile input', () => {
  it('parseClientHello never throws on random bytes', async () => {
    await assertInSlices(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const withType = Uint8Array.from(bytes);
        if (withType.length > 0) withType[0] = 1;
        expect(STATUSES).toContain(parseClientHello(bytes).status);
        expect(STATUSES).toContain(parseClientHello(withType).status);
      }),
      numRuns,
    );
  });

  it('parseClientHello never throws on mutated ClientHellos', async () => {
    await assertInSlices(
      fc.property(mutations, (list) => {
        expect(STATUSES).toContain(parseClientHello(mutate(sampleHello, list)).status);
      }),
      numRuns,
    );
  });

  it('the assembler never throws on mutated record streams cut at random points', async () => {
    await assertInSlices(
      fc.property(mutations, fc.integer({ min: 1, max: 300 }), (list, size) => {
        const a = new TlsClientHelloAssembler({ maxBytes: 4096 });
        for (const part of segments(mutate(tlsRecords(sampleHello, 100), list), size)) {
          expect(STATUSES).toContain(a.push(part).status);
        }
      }),
      numRuns,
    );
  });

  it('any SNI survives any record size and segmentation', async () => {
    await assertInSlices(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 1500 }),
        (sni, recordSize, segmentSize) => {
          const a = new TlsClientHelloAssembler();
          let last = a.push(new Uint8Array(0));
          for (const part of segments(tlsRecords(buildClientHello({ sni }), recordSize), segmentSize)) last = a.push(part);
          expect(last.status === 'found' && last.value.sni).toBe(sni);
        },
      ),
      numRuns,
    );
  });
});

describe('QUIC Initials under hostile input', () => {
  it('the tracker never throws on mutated protected datagrams', async () => {
    await assertInSlices(
      fc.property(fc.constantFrom(V1_CLIENT_INITIAL.packet, V2_CLIENT_INITIAL.packet), mutations, (packet, list) => {
        const t = new QuicInitialTracker();
        expect(STATUSES).toContain(t.pushClientDatagram(mutate(packet, list)).status);
        expect(STATUSES).toContain(t.pushClientDatagram(packet).status);
      }),
      numRuns,
    );
  });

  it('the tracker never throws on well-encrypted packets holding mutated frames', async () => {
    const frames = cryptoFrame(0, sampleHello);
    await assertInSlices(
      fc.property(mutations, fc.constantFrom(QUIC_V1, QUIC_V2), (list, version) => {
        const payload = mutate(frames, list);
        const packet = protectInitialPacket({ version, dcid: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), packetNumber: 0, payload, padPacketTo: 1200 });
        expect(STATUSES).toContain(new QuicInitialTracker().pushClientDatagram(packet).status);
      }),
      Math.max(1, Math.floor(numRuns / 2)),
    );
  });

  it('parseInitialFrames never throws on random bytes', async () => {
    await assertInSlices(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(Array.isArray(parseInitialFrames(bytes).crypto)).toBe(true);
      }),
      numRuns,
    );
  });

  it('any SNI survives any packet count, order and duplication', async () => {
    await assertInSlices(
      fc.property(
        fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        (sni, packets, order) => {
          const hello = buildClientHello({ sni, keyShareBytes: 1216 });
          const flight = buildInitialFlight({ version: QUIC_V1, dcid: Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2), clientHello: hello, packets });
          const t = new QuicInitialTracker();
          for (const i of [...order.map((o) => o % packets), ...flight.keys()]) t.pushClientDatagram(flight[i]!);
          const r = t.pushClientDatagram(flight[0]!);
          expect(r.status === 'found' && r.value.clientHello.sni).toBe(sni);
        },
      ),
      Math.max(1, Math.floor(numRuns / 4)),
    );
  });
});
