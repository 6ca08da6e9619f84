/**
 * TLS ClientHello parser (RFC 8446 4.1.2, RFC 5246 7.4.1.2). Input starts at
 * the handshake type byte, so TLS-over-TCP records and QUIC CRYPTO streams
 * share it. Reports what the client offered; deciding what a name means
 * happens later (lower-casing, trailing dots, rules).
 */
import { Cursor, isOutOfBounds } from '../../decode/cursor.js';
import { NEED_MORE, found, invalid, type ParseResult } from '../../parse-result.js';
import {
  EXT_ALPN,
  EXT_ENCRYPTED_CLIENT_HELLO,
  EXT_SERVER_NAME,
  EXT_SUPPORTED_VERSIONS,
  readAlpn,
  readServerName,
  readSupportedVersions,
} from './extensions.js';

export interface ClientHelloInfo {
  /** First host_name of server_name, bytes kept as sent (see decodeWireText). With ECH this is the outer name. */
  sni?: string;
  alpn: string[];
  legacyVersion: number;
  /** supported_versions as sent, GREASE included. */
  supportedVersions: number[];
  /** encrypted_client_hello (0xfe0d) present: the real name is hidden. */
  hasEch: boolean;
  /** Every extension type in wire order, GREASE and duplicates included. */
  extensionTypes: number[];
  /** 'TLS 1.3' when 0x0304 is offered in supported_versions, else named from legacyVersion. */
  version: string;
}

export const HANDSHAKE_TYPE_CLIENT_HELLO = 1;
const HANDSHAKE_HEADER_LEN = 4;
const RANDOM_LEN = 32;
const TLS13 = 0x0304;

const LEGACY_VERSION_NAMES: Readonly<Record<number, string>> = {
  0x0300: 'SSL 3.0',
  0x0301: 'TLS 1.0',
  0x0302: 'TLS 1.1',
  0x0303: 'TLS 1.2',
  0x0304: 'TLS 1.3',
};

export function tlsVersionName(legacyVersion: number, supportedVersions: readonly number[]): string {
  if (supportedVersions.includes(TLS13)) return 'TLS 1.3';
  return LEGACY_VERSION_NAMES[legacyVersion] ?? `unknown (0x${legacyVersion.toString(16).padStart(4, '0')})`;
}

/** Length of the whole handshake message (header included) once its header is in, else undefined. */
export function handshakeMessageLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < HANDSHAKE_HEADER_LEN) return undefined;
  return HANDSHAKE_HEADER_LEN + ((bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!);
}

export function parseClientHello(handshakeMsg: Uint8Array): ParseResult<ClientHelloInfo> {
  if (handshakeMsg.length > 0 && handshakeMsg[0] !== HANDSHAKE_TYPE_CLIENT_HELLO) {
    return invalid('not_client_hello');
  }
  const total = handshakeMessageLength(handshakeMsg);
  if (total === undefined || handshakeMsg.length < total) return NEED_MORE;
  try {
    return found(readClientHelloBody(new Cursor(handshakeMsg, HANDSHAKE_HEADER_LEN, total)));
  } catch (err) {
    if (isOutOfBounds(err)) return invalid('malformed_client_hello');
    throw err;
  }
}

function readClientHelloBody(c: Cursor): ClientHelloInfo {
  const legacyVersion = c.u16();
  c.skip(RANDOM_LEN);
  c.skip(c.u8()); // legacy_session_id
  c.skip(c.u16()); // cipher_suites
  c.skip(c.u8()); // legacy_compression_methods
  const info: ClientHelloInfo = {
    alpn: [],
    legacyVersion,
    supportedVersions: [],
    hasEch: false,
    extensionTypes: [],
    version: '',
  };
  // Extensions are optional before TLS 1.3: a body that ends here has none.
  if (c.remaining > 0) readExtensions(c, info);
  info.version = tlsVersionName(legacyVersion, info.supportedVersions);
  return info;
}

function readExtensions(c: Cursor, info: ClientHelloInfo): void {
  const len = c.u16();
  const list = new Cursor(c.buf, c.pos, c.pos + len);
  c.skip(len);
  const seen = new Set<number>();
  while (list.remaining > 0) {
    const type = list.u16();
    const data = list.bytes(list.u16());
    info.extensionTypes.push(type);
    // A repeated extension is illegal; the first one is what a server would act on.
    if (seen.has(type)) continue;
    seen.add(type);
    applyExtension(type, data, info);
  }
}

function applyExtension(type: number, data: Uint8Array, info: ClientHelloInfo): void {
  switch (type) {
    case EXT_SERVER_NAME: {
      const sni = readServerName(data);
      if (sni !== undefined) info.sni = sni;
      break;
    }
    case EXT_ALPN:
      info.alpn = readAlpn(data);
      break;
    case EXT_SUPPORTED_VERSIONS:
      info.supportedVersions = readSupportedVersions(data);
      break;
    case EXT_ENCRYPTED_CLIENT_HELLO:
      info.hasEch = true;
      break;
    default:
      break;
  }
}
