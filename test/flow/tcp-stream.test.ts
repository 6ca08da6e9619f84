import { describe, expect, it } from 'vitest';
import { Counters } from '../../src/counters.js';
import { DEFAULT_TCP_STREAM_LIMITS, TcpStreamAssembler } from '../../src/flow/tcp-stream.js';
import { TCP_ACK, TCP_SYN } from '../../src/types.js';

const text = (parts: (Uint8Array | null)[]) =>
  parts
    .filter((p): p is Uint8Array => p !== null)
    .map((p) => Buffer.from(p).toString())
    .join('');
const seg = (s: string) => new Uint8Array(Buffer.from(s));

describe('TcpStreamAssembler', () => {
  it('delivers in-order bytes after the SYN', () => {
    const a = new TcpStreamAssembler(DEFAULT_TCP_STREAM_LIMITS, new Counters());
    const out = [a.push(1000, TCP_SYN, new Uint8Array(0)), a.push(1001, TCP_ACK, seg('hello ')), a.push(1007, TCP_ACK, seg('world'))];
    expect(text(out)).toBe('hello world');
  });

  it('reorders segments that arrive out of order', () => {
    const a = new TcpStreamAssembler(DEFAULT_TCP_STREAM_LIMITS, new Counters());
    a.push(99, TCP_SYN, new Uint8Array(0));
    const out = [a.push(106, TCP_ACK, seg('world')), a.push(111, TCP_ACK, seg('!')), a.push(100, TCP_ACK, seg('hello '))];
    expect(text(out)).toBe('hello world!');
  });

  it('trims retransmitted and overlapping bytes', () => {
    const counters = new Counters();
    const a = new TcpStreamAssembler(DEFAULT_TCP_STREAM_LIMITS, counters);
    a.push(0, TCP_SYN, new Uint8Array(0));
    const out = [a.push(1, TCP_ACK, seg('abcd')), a.push(1, TCP_ACK, seg('abcd')), a.push(3, TCP_ACK, seg('cdef'))];
    expect(text(out)).toBe('abcdef');
    expect(counters.get('tcp.retransmitted_segments')).toBe(1);
  });

  it('wraps around the 32-bit sequence space', () => {
    const a = new TcpStreamAssembler(DEFAULT_TCP_STREAM_LIMITS, new Counters());
    a.push(0xfffffffd, TCP_SYN, new Uint8Array(0));
    const out = [a.push(0xfffffffe, TCP_ACK, seg('ab')), a.push(0, TCP_ACK, seg('cd'))];
    expect(text(out)).toBe('abcd');
  });

  it('stops following a stream past its byte bound and counts it', () => {
    const counters = new Counters();
    const a = new TcpStreamAssembler({ maxBytes: 4, maxPendingSegments: 2 }, counters);
    a.push(0, TCP_SYN, new Uint8Array(0));
    expect(text([a.push(1, TCP_ACK, seg('abcdef'))])).toBe('abcd');
    expect(a.push(7, TCP_ACK, seg('g'))).toBeNull();
    expect(counters.get('anomaly.tcp.reassembly_byte_limit')).toBe(1);
  });

  it('bounds the segments waiting for a gap', () => {
    const counters = new Counters();
    const a = new TcpStreamAssembler({ maxBytes: 100, maxPendingSegments: 2 }, counters);
    a.push(0, TCP_SYN, new Uint8Array(0));
    a.push(10, TCP_ACK, seg('x'));
    a.push(20, TCP_ACK, seg('y'));
    a.push(30, TCP_ACK, seg('z'));
    expect(counters.get('anomaly.tcp.reassembly_pending_limit')).toBe(1);
    expect(a.push(1, TCP_ACK, seg('a'))).toBeNull();
  });
});
