/**
 * Builds TLS ClientHello handshake messages with chosen SNI, ALPN, versions and
 * extensions (including a post-quantum-sized key_share so one hello spans
 * several TCP segments or QUIC packets), and wraps them in TLS records.
 * Used by tests, fuzzers and the fixture generator. Output is deterministic.
 */
import { concat } from './packet-builder.js';

export interface ExtensionSpec {
  type: number;
  data: Uint8Array;
}

export interface ClientHelloSpec {
  /** server_name host_name; a Uint8Array is sent as is (hostile bytes). Omitted: no server_name. */
  sni?: string | Uint8Array;
  alpn?: string[];
  legacyVersion?: number;
  /** Default [0x0304, 0x0303]; an empty list omits the extension (a TLS 1.2 hello). */
  supportedVersions?: number[];
  /** Add encrypted_client_hello (0xfe0d) with an opaque payload. */
  ech?: boolean;
  /** Bytes of one key_share entry; 1216 is an X25519MLKEM768 share. Default 32 (X25519). */
  keyShareBytes?: number;
  /** Put GREASE values first in cipher suites, extensions and supported_versions (RFC 8701). */
  grease?: boolean;
  /** Add quic_transport_parameters (57), as a QUIC client does. */
  quicTransportParameters?: boolean;
  extraExtensions?: ExtensionSpec[];
  /** Send no extensions block at all (pre-TLS 1.3 style). */
  noExtensions?: boolean;
}

export const EXT = {
  serverName: 0,
  supportedGroups: 10,
  signatureAlgorithms: 13,
  alpn: 16,
  supportedVersions: 43,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  quicTransportParameters: 57,
  ech: 0xfe0d,
} as const;

const GREASE = 0x0a0a;
const X25519 = 0x001d;
const X25519_MLKEM768 = 0x11ec;

/** The one byte concatenation of the test builders. */
export const concatBytes = concat;

export function u8(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff);
}

export function u16(v: number): Uint8Array {
  return Uint8Array.of((v >> 8) & 0xff, v & 0xff);
}

export function u24(v: number): Uint8Array {
  return Uint8Array.of((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

export function vec8(body: Uint8Array): Uint8Array {
  return concatBytes(u8(body.length), body);
}

export function vec16(body: Uint8Array): Uint8Array {
  return concatBytes(u16(body.length), body);
}

/** Deterministic filler bytes (stand-ins for random values and keys). */
export function filler(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 11) & 0xff);
}

export function extension(type: number, data: Uint8Array): Uint8Array {
  return concatBytes(u16(type), vec16(data));
}

function text(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? new TextEncoder().encode(s) : s;
}

export function serverNameExtension(name: string | Uint8Array): Uint8Array {
  return extension(EXT.serverName, vec16(concatBytes(u8(0), vec16(text(name)))));
}

export function alpnExtension(protocols: string[]): Uint8Array {
  return extension(EXT.alpn, vec16(concatBytes(...protocols.map((p) => vec8(text(p))))));
}

function keyShareExtension(bytes: number): Uint8Array {
  const entries = [concatBytes(u16(X25519), vec16(filler(32, 1)))];
  if (bytes > 32) entries.unshift(concatBytes(u16(X25519_MLKEM768), vec16(filler(bytes, 2))));
  return extension(EXT.keyShare, vec16(concatBytes(...entries)));
}

function echExtension(): Uint8Array {
  // ECHClientHello outer: type 0, HPKE suite, config_id, enc, payload (opaque to an observer).
  const body = concatBytes(u8(0), u16(0x0001), u16(0x0001), u8(0x42), vec16(filler(32, 3)), vec16(filler(208, 4)));
  return extension(EXT.ech, body);
}

function extensionsFor(spec: ClientHelloSpec): Uint8Array[] {
  const exts: Uint8Array[] = [];
  if (spec.grease) exts.push(extension(GREASE, new Uint8Array(0)));
  if (spec.sni !== undefined) exts.push(serverNameExtension(spec.sni));
  exts.push(extension(EXT.supportedGroups, vec16(concatBytes(u16(X25519_MLKEM768), u16(X25519), u16(0x0017)))));
  exts.push(extension(EXT.signatureAlgorithms, vec16(concatBytes(u16(0x0403), u16(0x0804), u16(0x0401)))));
  if (spec.alpn) exts.push(alpnExtension(spec.alpn));
  const versions = spec.supportedVersions ?? [0x0304, 0x0303];
  if (versions.length > 0) {
    const list = spec.grease ? [GREASE, ...versions] : versions;
    exts.push(extension(EXT.supportedVersions, vec8(concatBytes(...list.map(u16)))));
  }
  exts.push(extension(EXT.pskKeyExchangeModes, vec8(u8(1))));
  exts.push(keyShareExtension(spec.keyShareBytes ?? 32));
  if (spec.quicTransportParameters) exts.push(extension(EXT.quicTransportParameters, filler(48, 5)));
  if (spec.ech) exts.push(echExtension());
  for (const e of spec.extraExtensions ?? []) exts.push(extension(e.type, e.data));
  return exts;
}

/** A whole ClientHello handshake message: type 1, u24 length, body. */
export function buildClientHello(spec: ClientHelloSpec = {}): Uint8Array {
  const suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f];
  const body = concatBytes(
    u16(spec.legacyVersion ?? 0x0303),
    filler(32, 6), // random
    vec8(filler(32, 7)), // legacy_session_id
    vec16(concatBytes(...(spec.grease ? [GREASE, ...suites] : suites).map(u16))),
    vec8(u8(0)), // compression: null
    spec.noExtensions ? new Uint8Array(0) : vec16(concatBytes(...extensionsFor(spec))),
  );
  return concatBytes(u8(1), u24(body.length), body);
}

/** Wraps handshake bytes in TLS handshake records of at most `fragmentSize` bytes each. */
export function tlsRecords(handshake: Uint8Array, fragmentSize = 16384, recordVersion = 0x0301): Uint8Array {
  const records: Uint8Array[] = [];
  for (let at = 0; at < handshake.length; at += fragmentSize) {
    const fragment = handshake.subarray(at, Math.min(at + fragmentSize, handshake.length));
    records.push(concatBytes(u8(22), u16(recordVersion), vec16(fragment)));
  }
  return concatBytes(...records);
}

/** Wraps handshake bytes in exactly `count` records of near-equal size. */
export function tlsRecordsCount(handshake: Uint8Array, count: number): Uint8Array {
  return tlsRecords(handshake, Math.ceil(handshake.length / count));
}

/** Cuts bytes into segments of `size` bytes (the last may be shorter). */
export function segments(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}
