/**
 * Frames allowed in Initial packets (RFC 9000 12.4, 19): PADDING, PING, ACK,
 * CRYPTO, CONNECTION_CLOSE. Only CRYPTO matters here; the rest are skipped by
 * their encoded length. An unknown type ends the walk (its length is unknowable),
 * keeping the CRYPTO frames read before it.
 */
import { Cursor, isOutOfBounds } from '../../decode/cursor.js';

export interface CryptoFrame {
  offset: number;
  data: Uint8Array;
}

export interface InitialFrames {
  crypto: CryptoFrame[];
  /** Why the walk ended early: an unknown frame type or a frame cut short. */
  stoppedAt?: 'unknown_frame' | 'truncated_frame';
}

const PADDING = 0x00;
const PING = 0x01;
const ACK = 0x02;
const ACK_ECN = 0x03;
const CRYPTO = 0x06;
const CONNECTION_CLOSE_QUIC = 0x1c;
const CONNECTION_CLOSE_APP = 0x1d;

export function parseInitialFrames(payload: Uint8Array): InitialFrames {
  const c = new Cursor(payload);
  const result: InitialFrames = { crypto: [] };
  try {
    while (c.remaining > 0) {
      if (!readFrame(c, result.crypto)) {
        result.stoppedAt = 'unknown_frame';
        break;
      }
    }
  } catch (err) {
    if (!isOutOfBounds(err)) throw err;
    result.stoppedAt = 'truncated_frame';
  }
  return result;
}

/** Reads one frame; false for a type that cannot be skipped. */
function readFrame(c: Cursor, crypto: CryptoFrame[]): boolean {
  const type = c.varint();
  switch (type) {
    case PADDING:
    case PING:
      return true;
    case ACK:
    case ACK_ECN:
      skipAck(c, type === ACK_ECN);
      return true;
    case CRYPTO: {
      const offset = c.varint();
      crypto.push({ offset, data: c.bytes(c.varint()) });
      return true;
    }
    case CONNECTION_CLOSE_QUIC:
    case CONNECTION_CLOSE_APP:
      c.varint(); // error code
      if (type === CONNECTION_CLOSE_QUIC) c.varint(); // frame type
      c.skip(c.varint()); // reason phrase
      return true;
    default:
      return false;
  }
}

function skipAck(c: Cursor, ecn: boolean): void {
  c.varint(); // largest acknowledged
  c.varint(); // ack delay
  const rangeCount = c.varint();
  c.varint(); // first range
  // Each range takes at least two bytes, so a huge count runs out of bytes quickly.
  for (let i = 0; i < rangeCount; i++) {
    c.varint();
    c.varint();
  }
  if (ecn) {
    c.varint();
    c.varint();
    c.varint();
  }
}
