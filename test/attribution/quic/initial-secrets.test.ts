import { describe, expect, it } from 'vitest';
import { hkdfLabel } from '../../../src/attribution/quic/hkdf.js';
import { clientInitialSecret, deriveInitialSecrets } from '../../../src/attribution/quic/initial-secrets.js';
import { QUIC_V1, QUIC_V2, quicVersionParams } from '../../../src/attribution/quic/versions.js';
import { RFC_DCID, V1_KEYS, V2_KEYS, hex } from './rfc-vectors.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('HKDF-Expand-Label info (RFC 9001 A.1 labels)', () => {
  it('encodes "client in" and "quic key" like the RFC shows', () => {
    expect(toHex(hkdfLabel('client in', new Uint8Array(0), 32))).toBe('00200f746c73313320636c69656e7420696e00');
    expect(toHex(hkdfLabel('quic key', new Uint8Array(0), 16))).toBe('00100e746c7331332071756963206b657900');
    expect(toHex(hkdfLabel('quic hp', new Uint8Array(0), 16))).toBe('00100d746c733133207175696320687000');
  });

  it('encodes the v2 labels like RFC 9369 A.1 shows', () => {
    expect(toHex(hkdfLabel('quicv2 key', new Uint8Array(0), 16))).toBe('001010746c73313320717569637632206b657900');
    expect(toHex(hkdfLabel('quicv2 iv', new Uint8Array(0), 12))).toBe('000c0f746c7331332071756963763220697600');
  });
});

describe('deriveInitialSecrets', () => {
  it('matches RFC 9001 A.1 for DCID 0x8394c8f03e515708 (v1)', () => {
    expect(toHex(clientInitialSecret(quicVersionParams(QUIC_V1)!, RFC_DCID))).toBe(toHex(V1_KEYS.clientInitialSecret));
    const s = deriveInitialSecrets(QUIC_V1, RFC_DCID)!;
    expect(toHex(s.client.key)).toBe(toHex(V1_KEYS.clientKey));
    expect(toHex(s.client.iv)).toBe(toHex(V1_KEYS.clientIv));
    expect(toHex(s.client.hp)).toBe(toHex(V1_KEYS.clientHp));
    expect(toHex(s.server.key)).toBe(toHex(V1_KEYS.serverKey));
    expect(toHex(s.server.iv)).toBe(toHex(V1_KEYS.serverIv));
    expect(toHex(s.server.hp)).toBe(toHex(V1_KEYS.serverHp));
  });

  it('matches RFC 9369 A.1 (v2: new salt and quicv2 labels)', () => {
    expect(toHex(clientInitialSecret(quicVersionParams(QUIC_V2)!, RFC_DCID))).toBe(toHex(V2_KEYS.clientInitialSecret));
    const s = deriveInitialSecrets(QUIC_V2, RFC_DCID)!;
    expect(toHex(s.client.key)).toBe(toHex(V2_KEYS.clientKey));
    expect(toHex(s.client.iv)).toBe(toHex(V2_KEYS.clientIv));
    expect(toHex(s.client.hp)).toBe(toHex(V2_KEYS.clientHp));
    expect(toHex(s.server.key)).toBe(toHex(V2_KEYS.serverKey));
    expect(toHex(s.server.iv)).toBe(toHex(V2_KEYS.serverIv));
    expect(toHex(s.server.hp)).toBe(toHex(V2_KEYS.serverHp));
  });

  it('uses a different salt for draft-29 (keys differ from v1 for the same DCID)', () => {
    const v1 = deriveInitialSecrets(QUIC_V1, RFC_DCID)!;
    const d29 = deriveInitialSecrets(0xff00001d, RFC_DCID)!;
    expect(toHex(d29.client.key)).not.toBe(toHex(v1.client.key));
    // draft-33/34 already used the RFC 9001 salt and labels
    expect(toHex(deriveInitialSecrets(0xff000022, RFC_DCID)!.client.key)).toBe(toHex(v1.client.key));
  });

  it('returns undefined for versions it cannot open', () => {
    expect(deriveInitialSecrets(0x51303530, hex('0102'))).toBeUndefined();
    expect(deriveInitialSecrets(0, RFC_DCID)).toBeUndefined();
  });
});
