import { describe, expect, it } from 'vitest';
import { parseInitialFrames } from '../../../src/attribution/quic/frames.js';
import { cryptoFrame } from '../../support/quic-initial-builder.js';
import { concatBytes } from '../../support/tls-client-hello-builder.js';

const hello = Uint8Array.of(1, 0, 0, 2, 3, 3);

describe('parseInitialFrames', () => {
  it('skips PADDING, PING, ACK (with ranges and ECN) and CONNECTION_CLOSE around CRYPTO', () => {
    const ack = Uint8Array.of(0x02, 0x05, 0x00, 0x01, 0x01, 0x00, 0x02);
    const ackEcn = Uint8Array.of(0x03, 0x05, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03);
    const close = Uint8Array.of(0x1c, 0x0a, 0x06, 0x03, 0x61, 0x62, 0x63);
    const payload = concatBytes(Uint8Array.of(0, 0, 1), ack, cryptoFrame(0, hello), ackEcn, close, cryptoFrame(6, hello), new Uint8Array(20));
    const frames = parseInitialFrames(payload);
    expect(frames.stoppedAt).toBeUndefined();
    expect(frames.crypto.map((f) => f.offset)).toEqual([0, 6]);
    expect([...frames.crypto[1]!.data]).toEqual([...hello]);
  });

  it('reads the 2-byte varint offset and length of the RFC 9001 A.2 frame (06 00 40f1)', () => {
    const frames = parseInitialFrames(concatBytes(Uint8Array.of(0x06, 0x00, 0x40, 0x03), Uint8Array.of(1, 2, 3)));
    expect(frames.crypto).toEqual([{ offset: 0, data: Uint8Array.of(1, 2, 3) }]);
  });

  it('stops at an unknown frame type but keeps the CRYPTO frames before it', () => {
    const frames = parseInitialFrames(concatBytes(cryptoFrame(0, hello), Uint8Array.of(0x08, 0xff), cryptoFrame(6, hello)));
    expect(frames.stoppedAt).toBe('unknown_frame');
    expect(frames.crypto).toHaveLength(1);
  });

  it('reports a CRYPTO frame cut short without throwing', () => {
    const frames = parseInitialFrames(Uint8Array.of(0x06, 0x00, 0x10, 1, 2));
    expect(frames).toEqual({ crypto: [], stoppedAt: 'truncated_frame' });
  });

  it('survives an ACK claiming 2^30 ranges', () => {
    const frames = parseInitialFrames(Uint8Array.of(0x02, 0x00, 0x00, 0xbf, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00));
    expect(frames.stoppedAt).toBe('truncated_frame');
  });
});
