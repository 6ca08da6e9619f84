import { describe, expect, it } from 'vitest';
import { parseInitialFrames } from '../../../src/attribution/quic/frames.js';
import { deriveInitialSecrets } from '../../../src/attribution/quic/initial-secrets.js';
import { parseLongHeader } from '../../../src/attribution/quic/long-header.js';
import {
  headerProtectionMask,
  openInitialPacket,
  removeHeaderProtection,
} from '../../../src/attribution/quic/packet-protection.js';
import { QUIC_V1, QUIC_V2 } from '../../../src/attribution/quic/versions.js';
import { parseClientHello } from '../../../src/attribution/tls/client-hello.js';
import { protectInitialPacket } from '../../support/quic-initial-builder.js';
import { RFC_CLIENT_CRYPTO_FRAME, RFC_DCID, V1_CLIENT_INITIAL, V2_CLIENT_INITIAL } from './rfc-vectors.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const cases = [
  { name: 'RFC 9001 A.2 (v1)', version: QUIC_V1, vector: V1_CLIENT_INITIAL },
  { name: 'RFC 9369 A.2 (v2)', version: QUIC_V2, vector: V2_CLIENT_INITIAL },
];

describe.each(cases)('$name client Initial', ({ version, vector }) => {
  const keys = deriveInitialSecrets(version, RFC_DCID)!.client;

  it('is the 1200-byte packet the RFC prints', () => {
    expect(vector.packet.length).toBe(1200);
    expect(toHex(vector.packet.subarray(0, 22))).toBe(toHex(vector.protectedHeader));
  });

  it('computes the header protection mask from the sample', () => {
    expect(toHex(vector.packet.subarray(22, 38))).toBe(toHex(vector.sample));
    expect(toHex(headerProtectionMask(keys.hp, vector.sample))).toBe(toHex(vector.mask));
  });

  it('removes header protection to the RFC unprotected header (packet number 2)', () => {
    const header = parseLongHeader(vector.packet, 0);
    expect(header.status).toBe('found');
    if (header.status !== 'found') return;
    expect(header.value.kind).toBe('initial');
    expect(header.value.end).toBe(1200);
    const unmasked = removeHeaderProtection(vector.packet, header.value, keys.hp);
    expect(unmasked).toEqual({ status: 'found', value: { header: vector.unprotectedHeader, packetNumber: 2 } });
  });

  it('decrypts to the CRYPTO frame followed by PADDING up to 1162 bytes', () => {
    const header = parseLongHeader(vector.packet, 0);
    if (header.status !== 'found') throw new Error('header');
    const opened = openInitialPacket(vector.packet, header.value, keys);
    if (opened.status !== 'found') throw new Error(`open: ${JSON.stringify(opened)}`);
    const payload = opened.value.payload;
    expect(payload.length).toBe(1162);
    expect(toHex(payload.subarray(0, RFC_CLIENT_CRYPTO_FRAME.length))).toBe(toHex(RFC_CLIENT_CRYPTO_FRAME));
    expect(payload.subarray(RFC_CLIENT_CRYPTO_FRAME.length).every((b) => b === 0)).toBe(true);

    const frames = parseInitialFrames(payload);
    expect(frames.stoppedAt).toBeUndefined();
    expect(frames.crypto).toHaveLength(1);
    expect(frames.crypto[0]!.offset).toBe(0);
    const hello = parseClientHello(frames.crypto[0]!.data);
    expect(hello.status).toBe('found');
    if (hello.status !== 'found') return;
    // The RFC's ClientHello: server_name example.com, ALPN "alpn", TLS 1.3 only.
    expect(hello.value.sni).toBe('example.com');
    expect(hello.value.alpn).toEqual(['alpn']);
    expect(hello.value.supportedVersions).toEqual([0x0304]);
    expect(hello.value.version).toBe('TLS 1.3');
    expect(hello.value.hasEch).toBe(false);
    expect(hello.value.extensionTypes).toEqual([0, 65281, 10, 16, 5, 51, 43, 13, 45, 28, 57]);
  });

  it('fails cleanly (decrypt_failed) when one ciphertext byte is flipped', () => {
    const mutated = Uint8Array.from(vector.packet);
    mutated[600]! ^= 0x01;
    const header = parseLongHeader(mutated, 0);
    if (header.status !== 'found') throw new Error('header');
    expect(openInitialPacket(mutated, header.value, keys)).toEqual({ status: 'invalid', reason: 'decrypt_failed' });
  });

  it('the test builder rebuilds the RFC packet byte for byte', () => {
    const rebuilt = protectInitialPacket({
      version,
      dcid: RFC_DCID,
      packetNumber: 2,
      pnLength: 4,
      payload: RFC_CLIENT_CRYPTO_FRAME,
      padPacketTo: 1200,
    });
    expect(toHex(rebuilt)).toBe(toHex(vector.packet));
  });
});
