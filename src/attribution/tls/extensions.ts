/**
 * Readers for the ClientHello extensions that carry names and versions
 * (RFC 6066 server_name, RFC 7301 ALPN, RFC 8446 supported_versions).
 * Each gets the extension's own bytes; a read past them throws OUT_OF_BOUNDS,
 * which parseClientHello turns into an invalid result.
 */
import { Cursor } from '../../decode/cursor.js';
import { decodeWireText } from './wire-text.js';

export const EXT_SERVER_NAME = 0;
export const EXT_ALPN = 16;
export const EXT_SUPPORTED_VERSIONS = 43;
export const EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;

const SNI_TYPE_HOST_NAME = 0;

/** GREASE values (RFC 8701) look like 0x?a?a with both bytes equal. */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/** Sub-cursor over a u16-length-prefixed vector, bounded by its own length. */
function vector16(c: Cursor): Cursor {
  const len = c.u16();
  const start = c.pos;
  c.skip(len);
  return new Cursor(c.buf, start, start + len);
}

/** First host_name entry of server_name; undefined when there is none or it is empty. */
export function readServerName(data: Uint8Array): string | undefined {
  const list = vector16(new Cursor(data));
  while (list.remaining > 0) {
    const nameType = list.u8();
    const name = list.bytes(list.u16());
    if (nameType === SNI_TYPE_HOST_NAME) return name.length > 0 ? decodeWireText(name) : undefined;
  }
  return undefined;
}

export function readAlpn(data: Uint8Array): string[] {
  const list = vector16(new Cursor(data));
  const protocols: string[] = [];
  while (list.remaining > 0) protocols.push(decodeWireText(list.bytes(list.u8())));
  return protocols;
}

/** ClientHello form: u8 byte length, then u16 versions. */
export function readSupportedVersions(data: Uint8Array): number[] {
  const c = new Cursor(data);
  const len = c.u8();
  const list = new Cursor(data, c.pos, c.pos + len);
  c.skip(len);
  const versions: number[] = [];
  while (list.remaining >= 2) versions.push(list.u16());
  return versions;
}
