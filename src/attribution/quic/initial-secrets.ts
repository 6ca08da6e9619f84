/**
 * Initial packet keys (RFC 9001 5.2, RFC 9369 3.3): anyone who sees the
 * client's first Destination Connection ID can derive them, which is what lets
 * a passive monitor read the ClientHello inside QUIC.
 */
import { hkdfExpandLabel, hkdfExtract } from './hkdf.js';
import { quicVersionParams, type QuicVersionParams } from './versions.js';

export interface PacketKeys {
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
}

export interface InitialSecrets {
  client: PacketKeys;
  server: PacketKeys;
}

const AES_128_KEY_LEN = 16;
const IV_LEN = 12;
const SECRET_LEN = 32;
const EMPTY = new Uint8Array(0);

export function derivePacketKeys(secret: Uint8Array, version: QuicVersionParams): PacketKeys {
  return {
    key: hkdfExpandLabel(secret, version.keyLabel, EMPTY, AES_128_KEY_LEN),
    iv: hkdfExpandLabel(secret, version.ivLabel, EMPTY, IV_LEN),
    hp: hkdfExpandLabel(secret, version.hpLabel, EMPTY, AES_128_KEY_LEN),
  };
}

/** The client_initial_secret itself (exposed for the RFC known-answer tests). */
export function clientInitialSecret(version: QuicVersionParams, dcid: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hkdfExtract(version.salt, dcid), 'client in', EMPTY, SECRET_LEN);
}

/** Client and server Initial keys for a version number; undefined for a version we cannot open. */
export function deriveInitialSecrets(version: number, dcid: Uint8Array): InitialSecrets | undefined {
  const params = quicVersionParams(version);
  return params && initialSecretsFor(params, dcid);
}

export function initialSecretsFor(version: QuicVersionParams, dcid: Uint8Array): InitialSecrets {
  const initialSecret = hkdfExtract(version.salt, dcid);
  return {
    client: derivePacketKeys(hkdfExpandLabel(initialSecret, 'client in', EMPTY, SECRET_LEN), version),
    server: derivePacketKeys(hkdfExpandLabel(initialSecret, 'server in', EMPTY, SECRET_LEN), version),
  };
}
