import { describe, expect, it } from 'vitest';
import { QuicInitialTracker } from '../../../src/attribution/quic/initial-tracker.js';
import { QUIC_V1, QUIC_V2 } from '../../../src/attribution/quic/versions.js';
import { Counters } from '../../../src/counters.js';
import {
  buildInitialFlight,
  cryptoFrame,
  opaqueHandshakePacket,
  protectInitialPacket,
} from '../../support/quic-initial-builder.js';
import { buildClientHello, concatBytes } from '../../support/tls-client-hello-builder.js';
import { RFC_DCID, V1_CLIENT_INITIAL, V2_CLIENT_INITIAL } from './rfc-vectors.js';

const DCID = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04);
const bigHello = buildClientHello({ sni: 'pq.quic.example', alpn: ['h3'], keyShareBytes: 1216, quicTransportParameters: true });

function run(datagrams: Uint8Array[], tracker = new QuicInitialTracker()) {
  const statuses = datagrams.map((d) => tracker.pushClientDatagram(d));
  return { statuses: statuses.map((s) => s.status), last: statuses.at(-1)!, tracker };
}

describe('QuicInitialTracker', () => {
  it('reads the RFC 9001 and RFC 9369 A.2 packets to SNI example.com', () => {
    for (const [packet, version] of [
      [V1_CLIENT_INITIAL.packet, 'QUICv1'],
      [V2_CLIENT_INITIAL.packet, 'QUICv2'],
    ] as const) {
      const r = new QuicInitialTracker().pushClientDatagram(packet);
      expect(r.status === 'found' && r.value).toMatchObject({ version, clientHello: { sni: 'example.com' } });
    }
  });

  it('the builder pads each Initial datagram to 1200 bytes', () => {
    const flight = buildInitialFlight({ version: QUIC_V1, dcid: DCID, clientHello: bigHello, packets: 2 });
    expect(flight.map((p) => p.length)).toEqual([1200, 1200]);
  });

  it.each([
    ['QUICv1', QUIC_V1],
    ['QUICv2', QUIC_V2],
    ['draft-29', 0xff00001d],
    ['draft-27', 0xff00001b],
  ])('reassembles a ClientHello spanning 2 %s Initials delivered out of order', (name, version) => {
    const [p0, p1] = buildInitialFlight({ version, dcid: DCID, clientHello: bigHello, packets: 2 });
    const { statuses, last } = run([p1!, p0!]);
    expect(statuses).toEqual(['need_more', 'found']);
    expect(last.status === 'found' && last.value).toMatchObject({
      version: name,
      versionNumber: version,
      clientHello: { sni: 'pq.quic.example', alpn: ['h3'] },
    });
  });

  it('reassembles 3 Initials with 2 CRYPTO frames each, shuffled and duplicated', () => {
    const [a, b, c] = buildInitialFlight({ version: QUIC_V1, dcid: DCID, clientHello: bigHello, packets: 3, framesPerPacket: 2 });
    const { statuses, last } = run([c!, c!, a!, a!, b!]);
    expect(statuses).toEqual(['need_more', 'need_more', 'need_more', 'need_more', 'found']);
    expect(last.status === 'found' && last.value.clientHello.sni).toBe('pq.quic.example');
  });

  it('tolerates overlapping CRYPTO frames across packets', () => {
    const half = Math.floor(bigHello.length / 2);
    const p0 = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: cryptoFrame(0, bigHello.subarray(0, half + 100)), padPacketTo: 1200 });
    const p1 = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 1, payload: cryptoFrame(half - 50, bigHello.subarray(half - 50)), padPacketTo: 1200 });
    const { last } = run([p1, p0]);
    expect(last.status === 'found' && last.value.clientHello.sni).toBe('pq.quic.example');
  });

  it('skips a Handshake packet coalesced before the Initial, and ignores trailing zero padding', () => {
    const [p0, p1] = buildInitialFlight({ version: QUIC_V2, dcid: DCID, clientHello: bigHello, packets: 2, padTo: 0 });
    const hs = opaqueHandshakePacket(QUIC_V2, DCID, Uint8Array.of(1, 2, 3, 4), 80);
    const datagram1 = concatBytes(hs, p1!, new Uint8Array(40));
    const datagram0 = concatBytes(p0!, hs);
    const { statuses, last } = run([datagram1, datagram0]);
    expect(statuses).toEqual(['need_more', 'found']);
    expect(last.status === 'found' && last.value.clientHello.sni).toBe('pq.quic.example');
  });

  it('reads two Initials coalesced in one datagram', () => {
    const [p0, p1] = buildInitialFlight({ version: QUIC_V1, dcid: DCID, clientHello: bigHello, packets: 2, padTo: 0 });
    const r = new QuicInitialTracker().pushClientDatagram(concatBytes(p1!, p0!));
    expect(r.status === 'found' && r.value.clientHello.sni).toBe('pq.quic.example');
  });

  it('keeps the first DCID keys when later Initials carry the server-chosen DCID', () => {
    const serverCid = Uint8Array.of(9, 9, 9, 9);
    const half = Math.ceil(bigHello.length / 2);
    const p0 = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: cryptoFrame(0, bigHello.subarray(0, half)), padPacketTo: 1200 });
    const p1 = protectInitialPacket({ version: QUIC_V1, dcid: serverCid, keyDcid: DCID, packetNumber: 1, payload: cryptoFrame(half, bigHello.subarray(half)), padPacketTo: 1200 });
    expect(run([p0, p1]).last.status).toBe('found');
  });

  it('after a Retry, opens the new Initial with its own DCID', () => {
    const hello = buildClientHello({ sni: 'after-retry.example' });
    const lost = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: cryptoFrame(0, hello.subarray(0, 10)), padPacketTo: 1200 });
    const retried = protectInitialPacket({ version: QUIC_V1, dcid: Uint8Array.of(7, 7, 7, 7, 7), token: Uint8Array.of(1, 2, 3), packetNumber: 1, payload: cryptoFrame(0, hello), padPacketTo: 1200 });
    const { statuses, last } = run([lost, retried]);
    expect(statuses).toEqual(['need_more', 'found']);
    expect(last.status === 'found' && last.value.clientHello.sni).toBe('after-retry.example');
  });

  it('after a Retry, keeps the post-Retry keys once the client moves to the server DCID', () => {
    const hello = buildClientHello({ sni: 'retry-then-switch.example', keyShareBytes: 1216 });
    const retryDcid = Uint8Array.of(7, 7, 7, 7, 7);
    const serverCid = Uint8Array.of(5, 5, 5, 5);
    const half = Math.ceil(hello.length / 2);
    const lost = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: cryptoFrame(0, hello.subarray(0, 10)), padPacketTo: 1200 });
    const afterRetry = protectInitialPacket({ version: QUIC_V1, dcid: retryDcid, packetNumber: 1, payload: cryptoFrame(0, hello.subarray(0, half)), padPacketTo: 1200 });
    const switched = protectInitialPacket({ version: QUIC_V1, dcid: serverCid, keyDcid: retryDcid, packetNumber: 2, payload: cryptoFrame(half, hello.subarray(half)), padPacketTo: 1200 });
    const { statuses, last } = run([lost, afterRetry, switched]);
    expect(statuses).toEqual(['need_more', 'need_more', 'found']);
    expect(last.status === 'found' && last.value.clientHello.sni).toBe('retry-then-switch.example');
  });

  it('answers decrypt_failed for a mutated packet, then still finds the hello in a good one', () => {
    const mutated = Uint8Array.from(V1_CLIENT_INITIAL.packet);
    mutated[700]! ^= 0x80;
    const tracker = new QuicInitialTracker();
    expect(tracker.pushClientDatagram(mutated)).toEqual({ status: 'invalid', reason: 'decrypt_failed' });
    expect(tracker.done).toBe(false);
    expect(tracker.pushClientDatagram(V1_CLIENT_INITIAL.packet).status).toBe('found');
    expect(tracker.done).toBe(true);
  });

  it('answers decrypt_failed when the DCID was changed in flight (wrong keys)', () => {
    const wrongDcid = Uint8Array.from(V1_CLIENT_INITIAL.packet);
    wrongDcid[6]! ^= 0xff; // first DCID byte
    expect(new QuicInitialTracker().pushClientDatagram(wrongDcid)).toEqual({ status: 'invalid', reason: 'decrypt_failed' });
  });

  it('refuses a flow whose first datagram holds no Initial', () => {
    const shortHeader = Uint8Array.of(0x40, ...RFC_DCID, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    const t = new QuicInitialTracker();
    expect(t.pushClientDatagram(shortHeader)).toEqual({ status: 'invalid', reason: 'not_quic_initial' });
    expect(t.done).toBe(true);
    expect(new QuicInitialTracker().pushClientDatagram(new Uint8Array(0)).status).toBe('invalid');
  });

  it('names a first Initial cut short by the snaplen (truncated_header)', () => {
    const cut = V1_CLIENT_INITIAL.packet.subarray(0, 96);
    expect(new QuicInitialTracker().pushClientDatagram(cut)).toEqual({ status: 'invalid', reason: 'truncated_header' });
  });

  it('refuses a ClientHello larger than maxCryptoBytes and counts it', () => {
    const counters = new Counters();
    const [p0] = buildInitialFlight({ version: QUIC_V1, dcid: DCID, clientHello: bigHello, packets: 2 });
    const t = new QuicInitialTracker({ counters, maxCryptoBytes: 1000 });
    expect(t.pushClientDatagram(p0!)).toEqual({ status: 'invalid', reason: 'crypto_too_large' });
    expect(counters.get('anomaly.quic.crypto_too_large')).toBe(1);
  });

  it('refuses CRYPTO data placed beyond the bound', () => {
    const counters = new Counters();
    const far = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: cryptoFrame(70_000, Uint8Array.of(1)), padPacketTo: 1200 });
    expect(new QuicInitialTracker({ counters }).pushClientDatagram(far)).toEqual({ status: 'invalid', reason: 'crypto_too_large' });
    expect(counters.get('anomaly.quic.crypto_too_large')).toBe(1);
  });

  it('gives up after maxInitialPackets while a gap remains (anomaly.quic.crypto_gap_limit)', () => {
    const counters = new Counters();
    const flight = buildInitialFlight({ version: QUIC_V1, dcid: DCID, clientHello: bigHello, packets: 3 });
    const t = new QuicInitialTracker({ counters, maxInitialPackets: 3 });
    const { statuses } = run([flight[2]!, flight[2]!, flight[2]!, flight[0]!], t);
    expect(statuses).toEqual(['need_more', 'need_more', 'invalid', 'invalid']);
    expect(t.pushClientDatagram(flight[1]!)).toEqual({ status: 'invalid', reason: 'crypto_gap_limit' });
    expect(counters.get('anomaly.quic.crypto_gap_limit')).toBe(1);
  });

  it('gives up after maxInitialPackets of undecryptable packets (anomaly.quic.packet_limit)', () => {
    const counters = new Counters();
    const bad = Uint8Array.from(V1_CLIENT_INITIAL.packet);
    bad[900]! ^= 1;
    const t = new QuicInitialTracker({ counters, maxInitialPackets: 2 });
    expect(run([bad, bad], t).statuses).toEqual(['invalid', 'invalid']);
    expect(t.done).toBe(true);
    expect(counters.get('anomaly.quic.packet_limit')).toBe(1);
  });

  it('limits the number of CRYPTO fragments (anomaly.quic.crypto_fragment_limit)', () => {
    const counters = new Counters();
    const frames = concatBytes(...[0, 2, 4, 6].map((o) => cryptoFrame(100 + o * 10, Uint8Array.of(1))));
    const p = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: frames, padPacketTo: 1200 });
    expect(new QuicInitialTracker({ counters, maxFragments: 3 }).pushClientDatagram(p)).toEqual({
      status: 'invalid',
      reason: 'crypto_fragment_limit',
    });
    expect(counters.get('anomaly.quic.crypto_fragment_limit')).toBe(1);
  });

  it('reports a CRYPTO stream that is not a ClientHello as invalid', () => {
    const p = protectInitialPacket({ version: QUIC_V1, dcid: DCID, packetNumber: 0, payload: cryptoFrame(0, Uint8Array.of(2, 0, 0, 1, 0)), padPacketTo: 1200 });
    expect(new QuicInitialTracker().pushClientDatagram(p)).toEqual({ status: 'invalid', reason: 'not_client_hello' });
  });
});
