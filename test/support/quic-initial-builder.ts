/**
 * Builds protected QUIC client Initial packets (v1, v2, drafts) the way a client
 * does (RFC 9001 5.3-5.4): AEAD_AES_128_GCM payload, AES-ECB header protection.
 * The protection here is written independently of src/ (only key derivation is
 * shared, and that is pinned by the RFC vectors), and the RFC 9001/9369 A.2
 * packets are rebuilt byte-exactly by the tests.
 */
import { createCipheriv } from 'node:crypto';
import { deriveInitialSecrets } from '../../src/attribution/quic/initial-secrets.js';
import { QUIC_V2 } from '../../src/attribution/quic/versions.js';
import { concatBytes, filler, segments } from './tls-client-hello-builder.js';

export const QUIC_MIN_INITIAL_DATAGRAM = 1200;
const TAG_LEN = 16;

export function varint(v: number): Uint8Array {
  if (v < 0x40) return Uint8Array.of(v);
  if (v < 0x4000) return Uint8Array.of(0x40 | (v >> 8), v & 0xff);
  if (v < 0x40000000) return Uint8Array.of(0x80 | (v >>> 24), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  throw new RangeError('varint too large for this builder');
}

export function cryptoFrame(offset: number, data: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0x06), varint(offset), varint(data.length), data);
}

export interface InitialPacketSpec {
  version: number;
  dcid: Uint8Array;
  scid?: Uint8Array;
  token?: Uint8Array;
  packetNumber: number;
  pnLength?: 1 | 2 | 3 | 4;
  /** Plaintext frames. */
  payload: Uint8Array;
  /** Grow the payload with PADDING until the whole packet has this many bytes. */
  padPacketTo?: number;
  /** DCID the keys come from, when it differs from the header's (after the server's reply). */
  keyDcid?: Uint8Array;
}

function longHeaderTypeBits(version: number, kind: 'initial' | 'handshake'): number {
  if (version === QUIC_V2) return kind === 'initial' ? 1 : 3;
  return kind === 'initial' ? 0 : 2;
}

function unprotectedHeader(spec: InitialPacketSpec, pnLen: number, payloadLen: number): Uint8Array {
  const first = 0xc0 | (longHeaderTypeBits(spec.version, 'initial') << 4) | (pnLen - 1);
  const length = pnLen + payloadLen + TAG_LEN;
  const pn = Uint8Array.from({ length: pnLen }, (_, i) => (spec.packetNumber >>> (8 * (pnLen - 1 - i))) & 0xff);
  const scid = spec.scid ?? new Uint8Array(0);
  const token = spec.token ?? new Uint8Array(0);
  return concatBytes(
    Uint8Array.of(first, spec.version >>> 24, (spec.version >> 16) & 0xff, (spec.version >> 8) & 0xff, spec.version & 0xff),
    Uint8Array.of(spec.dcid.length),
    spec.dcid,
    Uint8Array.of(scid.length),
    scid,
    varint(token.length),
    token,
    Uint8Array.of(0x40 | (length >> 8), length & 0xff), // always the 2-byte form, as in RFC 9001 A.2
    pn,
  );
}

function paddedPayload(spec: InitialPacketSpec, pnLen: number): Uint8Array {
  const headerLen = unprotectedHeader(spec, pnLen, 0).length;
  // The header protection sample needs 4 + 16 bytes after the packet number start.
  const minimum = Math.max(4 - pnLen + 16 - TAG_LEN, 0);
  const wanted = Math.max(spec.payload.length, minimum, (spec.padPacketTo ?? 0) - headerLen - TAG_LEN);
  const out = new Uint8Array(wanted);
  out.set(spec.payload);
  return out;
}

export function protectInitialPacket(spec: InitialPacketSpec): Uint8Array {
  const pnLen = spec.pnLength ?? 4;
  const keys = deriveInitialSecrets(spec.version, spec.keyDcid ?? spec.dcid)?.client;
  if (!keys) throw new Error(`no Initial keys for version 0x${spec.version.toString(16)}`);
  const payload = paddedPayload(spec, pnLen);
  const header = unprotectedHeader(spec, pnLen, payload.length);
  const nonce = Uint8Array.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i]! ^= (spec.packetNumber >>> (8 * i)) & 0xff;
  const gcm = createCipheriv('aes-128-gcm', keys.key, nonce);
  gcm.setAAD(header);
  const sealed = concatBytes(gcm.update(payload), gcm.final(), gcm.getAuthTag());
  const packet = concatBytes(header, sealed);
  applyHeaderProtection(packet, header.length - pnLen, pnLen, keys.hp);
  return packet;
}

function applyHeaderProtection(packet: Uint8Array, pnOffset: number, pnLen: number, hp: Uint8Array): void {
  const ecb = createCipheriv('aes-128-ecb', hp, null);
  ecb.setAutoPadding(false);
  const mask = ecb.update(packet.subarray(pnOffset + 4, pnOffset + 20));
  packet[0]! ^= mask[0]! & 0x0f;
  for (let i = 0; i < pnLen; i++) packet[pnOffset + i]! ^= mask[1 + i]!;
}

/**
 * A long-header Handshake (or 0-RTT-like) packet with opaque contents: the
 * tracker must skip it by its Length field when it is coalesced.
 */
export function opaqueHandshakePacket(version: number, dcid: Uint8Array, scid: Uint8Array, bodyLen = 64): Uint8Array {
  const first = 0xc0 | (longHeaderTypeBits(version, 'handshake') << 4) | 0x03;
  return concatBytes(
    Uint8Array.of(first, version >>> 24, (version >> 16) & 0xff, (version >> 8) & 0xff, version & 0xff),
    Uint8Array.of(dcid.length),
    dcid,
    Uint8Array.of(scid.length),
    scid,
    Uint8Array.of(0x40 | (bodyLen >> 8), bodyLen & 0xff),
    filler(bodyLen, 9),
  );
}

export interface InitialFlightSpec {
  version: number;
  dcid: Uint8Array;
  scid?: Uint8Array;
  clientHello: Uint8Array;
  /** Number of Initial packets the ClientHello is spread over. */
  packets: number;
  /** CRYPTO frames per packet (the hello is cut into packets * framesPerPacket pieces). */
  framesPerPacket?: number;
  /** Pad every packet to this size (default 1200, the client minimum). */
  padTo?: number;
}

/** One protected Initial packet per entry, packet numbers 0..n-1, in stream order. */
export function buildInitialFlight(spec: InitialFlightSpec): Uint8Array[] {
  const perPacket = spec.framesPerPacket ?? 1;
  const pieceSize = Math.ceil(spec.clientHello.length / (spec.packets * perPacket));
  const frames = segments(spec.clientHello, pieceSize).map((piece, i) => cryptoFrame(i * pieceSize, piece));
  const packets: Uint8Array[] = [];
  for (let p = 0; p < spec.packets; p++) {
    packets.push(
      protectInitialPacket({
        version: spec.version,
        dcid: spec.dcid,
        scid: spec.scid ?? Uint8Array.of(0xc1, 0xc2, 0xc3, 0xc4),
        packetNumber: p,
        payload: concatBytes(...frames.slice(p * perPacket, (p + 1) * perPacket)),
        padPacketTo: spec.padTo ?? QUIC_MIN_INITIAL_DATAGRAM,
      }),
    );
  }
  return packets;
}
