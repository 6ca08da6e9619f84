import { describe, expect, it } from 'vitest';
import { Counters } from '../../../src/counters.js';
import { DnsTcpFramer } from '../../../src/attribution/dns/dns-tcp-framer.js';

function frame(body: number[]): Uint8Array {
  return Uint8Array.from([body.length >> 8, body.length & 0xff, ...body]);
}

function join(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const list = (msgs: Uint8Array[]) => msgs.map((m) => [...m]);

describe('DnsTcpFramer', () => {
  it('returns several messages carried in one segment', () => {
    const framer = new DnsTcpFramer();
    expect(list(framer.push(join(frame([1, 2, 3]), frame([4]), frame([5, 6]))))).toEqual([[1, 2, 3], [4], [5, 6]]);
    expect(framer.buffered).toBe(0);
  });

  it('joins a message split across segments, length prefix split too', () => {
    const framer = new DnsTcpFramer();
    const bytes = join(frame([9, 8, 7, 6]), frame([5]));
    expect(framer.push(bytes.subarray(0, 1))).toEqual([]);
    expect(framer.push(bytes.subarray(1, 4))).toEqual([]);
    expect(list(framer.push(bytes.subarray(4, 7)))).toEqual([[9, 8, 7, 6]]);
    expect(list(framer.push(bytes.subarray(7)))).toEqual([[5]]);
  });

  it('returned messages are copies, safe after the segment buffer is reused', () => {
    const framer = new DnsTcpFramer();
    const seg = frame([1, 2]);
    const [msg] = framer.push(seg);
    seg.fill(0);
    expect([...msg!]).toEqual([1, 2]);
  });

  it('skips a frame larger than the buffer bound, counts it, and stays in step', () => {
    const counters = new Counters();
    const framer = new DnsTcpFramer({ maxBuffer: 16, counters });
    const big = frame(Array.from({ length: 40 }, (_, i) => i));
    const after = frame([0xaa, 0xbb]);
    const stream = join(big, after);
    const out: number[][] = [];
    for (let i = 0; i < stream.length; i += 5) out.push(...list(framer.push(stream.subarray(i, i + 5))));
    expect(out).toEqual([[0xaa, 0xbb]]);
    expect(counters.get('anomaly.dns.tcp_frame_too_large')).toBe(1);
    expect(framer.buffered).toBeLessThanOrEqual(16);
  });

  it('default bound is 64 KiB: a 65535-byte frame is dropped, a 1000-byte one is kept', () => {
    const counters = new Counters();
    const framer = new DnsTcpFramer({ counters });
    const huge = new Uint8Array(2 + 65535);
    huge[0] = 0xff;
    huge[1] = 0xff;
    expect(framer.push(huge)).toEqual([]);
    expect(counters.get('anomaly.dns.tcp_frame_too_large')).toBe(1);
    expect(framer.push(frame(new Array(1000).fill(7)))[0]).toHaveLength(1000);
  });

  it('counts zero-length frames and reset() forgets a partial frame', () => {
    const counters = new Counters();
    const framer = new DnsTcpFramer({ counters });
    expect(framer.push(Uint8Array.of(0, 0))).toEqual([]);
    expect(counters.get('anomaly.dns.tcp_empty_frame')).toBe(1);
    framer.push(Uint8Array.of(0, 5, 1));
    framer.reset();
    expect(list(framer.push(frame([3])))).toEqual([[3]]);
  });
});
