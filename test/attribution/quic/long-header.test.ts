import { describe, expect, it } from 'vitest';
import { parseLongHeader } from '../../../src/attribution/quic/long-header.js';
import { looksLikeQuicInitial } from '../../../src/attribution/quic/looks-like.js';
import { QUIC_V1, QUIC_V2, quicVersionName } from '../../../src/attribution/quic/versions.js';
import { opaqueHandshakePacket } from '../../support/quic-initial-builder.js';
import { V1_CLIENT_INITIAL, V2_CLIENT_INITIAL } from './rfc-vectors.js';

const dcid = Uint8Array.of(1, 2, 3, 4);

describe('parseLongHeader', () => {
  it('reads the RFC 9001 A.2 header: DCID, empty SCID and token, Length 1182', () => {
    const h = parseLongHeader(V1_CLIENT_INITIAL.packet, 0);
    if (h.status !== 'found') throw new Error(JSON.stringify(h));
    expect(Buffer.from(h.value.dcid).toString('hex')).toBe('8394c8f03e515708');
    expect(h.value.scid.length).toBe(0);
    expect(h.value.pnOffset).toBe(18);
    expect(h.value.end).toBe(18 + 1182);
  });

  it('uses the v2 packet type numbering (RFC 9369 3.2): 0b01 is Initial, 0b11 Handshake', () => {
    const h = parseLongHeader(V2_CLIENT_INITIAL.packet, 0);
    expect(h.status === 'found' && h.value.kind).toBe('initial');
    const hs = parseLongHeader(opaqueHandshakePacket(QUIC_V2, dcid, dcid), 0);
    expect(hs.status === 'found' && hs.value.kind).toBe('handshake');
    const hs1 = parseLongHeader(opaqueHandshakePacket(QUIC_V1, dcid, dcid), 0);
    expect(hs1.status === 'found' && hs1.value.kind).toBe('handshake');
  });

  it('names what ends the walk', () => {
    expect(parseLongHeader(Uint8Array.of(0x40, 1, 2), 0)).toEqual({ status: 'invalid', reason: 'short_header' });
    expect(parseLongHeader(Uint8Array.of(0xc0, 0, 0, 0, 0, 0, 0), 0)).toEqual({ status: 'invalid', reason: 'version_negotiation' });
    expect(parseLongHeader(Uint8Array.of(0xc0, 0x51, 0x30, 0x35, 0x30, 0, 0), 0)).toEqual({ status: 'invalid', reason: 'unknown_version' });
    expect(parseLongHeader(Uint8Array.of(0xf0, 0, 0, 0, 1, 0, 0), 0)).toEqual({ status: 'invalid', reason: 'retry' });
    expect(parseLongHeader(Uint8Array.of(0xc0, 0, 0, 0, 1, 21, ...new Uint8Array(25)), 0)).toEqual({ status: 'invalid', reason: 'bad_cid_length' });
    expect(parseLongHeader(V1_CLIENT_INITIAL.packet.subarray(0, 600), 0)).toEqual({ status: 'invalid', reason: 'truncated_header' });
  });
});

describe('looksLikeQuicInitial', () => {
  it('accepts v1 and v2 Initials and rejects other packet types and versions', () => {
    expect(looksLikeQuicInitial(V1_CLIENT_INITIAL.packet)).toBe(true);
    expect(looksLikeQuicInitial(V2_CLIENT_INITIAL.packet)).toBe(true);
    expect(looksLikeQuicInitial(opaqueHandshakePacket(QUIC_V1, dcid, dcid))).toBe(false);
    const v1TypeBitsOnV2 = Uint8Array.from(V2_CLIENT_INITIAL.packet);
    v1TypeBitsOnV2[0] = 0xc3;
    expect(looksLikeQuicInitial(v1TypeBitsOnV2)).toBe(false);
    expect(looksLikeQuicInitial(Uint8Array.of(0xc3, 0x51, 0x30, 0x35, 0x30, 0, 0))).toBe(false);
    expect(looksLikeQuicInitial(Uint8Array.of(0x83, 0, 0, 0, 1, 0, 0))).toBe(false); // fixed bit clear
    expect(looksLikeQuicInitial(Uint8Array.of(0xc3, 0, 0))).toBe(false);
  });

  it('names versions', () => {
    expect(quicVersionName(QUIC_V1)).toBe('QUICv1');
    expect(quicVersionName(QUIC_V2)).toBe('QUICv2');
    expect(quicVersionName(0xff00001d)).toBe('draft-29');
    expect(quicVersionName(0xfaceb002)).toBe('0xfaceb002');
  });
});
