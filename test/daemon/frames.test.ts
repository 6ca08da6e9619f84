/** src/daemon/frames.ts: the worker -> daemon byte stream survives any chunking and reports corruption. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeJsonFrame, encodePacketFrame, FrameDecoder, FRAME_HEADER_BYTES } from '../../src/daemon/frames.js';

describe('FrameDecoder', () => {
  it('gives back packets and control frames whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sec: fc.nat(), nsec: fc.integer({ min: 0, max: 999_999_999 }), data: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        (packets, cuts) => {
          const stream = Buffer.concat([
            encodeJsonFrame('opened', { linkType: 1, interfaceName: 'eth1' }),
            ...packets.map((p) => encodePacketFrame(p.sec, p.nsec, p.data.length, p.data)),
            encodeJsonFrame('stats', { received: packets.length, dropped: 1, ifDropped: 2, truncated: 0, discarded: 0 }),
          ]);
          const decoder = new FrameDecoder();
          const frames = [];
          for (let off = 0, i = 0; off < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            frames.push(...decoder.push(stream.subarray(off, off + size)));
            off += size;
          }
          expect(decoder.corrupt).toBe(false);
          expect(frames[0]).toEqual({ type: 'opened', info: { linkType: 1, interfaceName: 'eth1' } });
          expect(frames.at(-1)).toEqual({ type: 'stats', stats: { received: packets.length, dropped: 1, ifDropped: 2, truncated: 0, discarded: 0 } });
          const got = frames.slice(1, -1).map((f) => (f.type === 'packet' ? { sec: f.tsSec, nsec: f.tsNsec, data: Uint8Array.from(f.data) } : f));
          expect(got).toEqual(packets.map((p) => ({ sec: p.sec, nsec: p.nsec, data: Uint8Array.from(p.data) })));
        },
      ),
    );
  });

  it('marks a stream without the frame magic as corrupt instead of throwing', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from('node: ../src/binding.cc:190: assertion failed'))).toEqual([]);
    expect(decoder.corrupt).toBe(true);
  });

  it('refuses an absurd payload length rather than waiting for it forever', () => {
    const frame = encodePacketFrame(1, 2, 3, new Uint8Array(3));
    frame.writeUInt32LE(0xffffffff, 4);
    const decoder = new FrameDecoder();
    decoder.push(frame.subarray(0, FRAME_HEADER_BYTES));
    expect(decoder.corrupt).toBe(true);
  });
});
