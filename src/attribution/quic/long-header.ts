/**
 * Long header fields before header protection is removed (RFC 9000 17.2,
 * RFC 8999 for the version-independent part). Offsets are absolute within the
 * datagram so coalesced packets can be walked one after another.
 */
import { Cursor, isOutOfBounds } from '../../decode/cursor.js';
import { found, invalid, type ParseResult } from '../../parse-result.js';
import { quicVersionParams, type LongPacketKind, type QuicVersionParams } from './versions.js';

const HEADER_FORM_LONG = 0x80;
const MAX_CID_LEN = 20;

export interface LongHeader {
  start: number;
  version: QuicVersionParams;
  kind: LongPacketKind;
  dcid: Uint8Array;
  scid: Uint8Array;
  /** Where the (protected) packet number starts. */
  pnOffset: number;
  /** End of this packet; the next coalesced packet (if any) starts here. */
  end: number;
}

/** Header of the packet starting at `start`; Retry and unknown versions end the walk (invalid). */
export function parseLongHeader(datagram: Uint8Array, start: number): ParseResult<LongHeader> {
  try {
    return readLongHeader(new Cursor(datagram, start));
  } catch (err) {
    if (isOutOfBounds(err)) return invalid('truncated_header');
    throw err;
  }
}

function readLongHeader(c: Cursor): ParseResult<LongHeader> {
  const start = c.pos;
  const firstByte = c.u8();
  if ((firstByte & HEADER_FORM_LONG) === 0) return invalid('short_header');
  const versionNumber = c.u32();
  if (versionNumber === 0) return invalid('version_negotiation');
  const version = quicVersionParams(versionNumber);
  if (!version) return invalid('unknown_version');
  const dcid = c.bytes(c.u8());
  const scid = c.bytes(c.u8());
  if (dcid.length > MAX_CID_LEN || scid.length > MAX_CID_LEN) return invalid('bad_cid_length');
  const kind = version.packetKinds[(firstByte >> 4) & 0x03]!;
  if (kind === 'retry') return invalid('retry');
  if (kind === 'initial') c.skip(c.varint()); // token
  const length = c.varint();
  const pnOffset = c.pos;
  c.ensure(length);
  return found({ start, version, kind, dcid, scid, pnOffset, end: pnOffset + length });
}
