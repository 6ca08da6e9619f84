import { describe, expect, it } from 'vitest';
import { CryptoReassembler } from '../../../src/attribution/quic/crypto-reassembler.js';

const bytes = (...v: number[]) => Uint8Array.from(v);

describe('CryptoReassembler', () => {
  it('joins out-of-order pieces and exposes only the contiguous prefix', () => {
    const r = new CryptoReassembler(1024, 8);
    expect(r.insert(3, bytes(4, 5))).toBe('ok');
    expect(r.contiguous().length).toBe(0);
    expect(r.hasGap).toBe(true);
    r.insert(0, bytes(1, 2, 3));
    expect([...r.contiguous()]).toEqual([1, 2, 3, 4, 5]);
    expect(r.hasGap).toBe(false);
    expect(r.highestEnd).toBe(5);
  });

  it('keeps the first bytes written at an offset when a later piece overlaps with other data', () => {
    const r = new CryptoReassembler(1024, 8);
    r.insert(2, bytes(0xc, 0xd));
    r.insert(0, bytes(0xa, 0xb, 0xe, 0xe, 0xe, 0xf));
    expect([...r.contiguous()]).toEqual([0xa, 0xb, 0xc, 0xd, 0xe, 0xf]);
  });

  it('merges adjacent and contained ranges', () => {
    const r = new CryptoReassembler(1024, 2);
    r.insert(10, bytes(1));
    r.insert(20, bytes(1));
    expect(r.insert(11, bytes(1, 1, 1, 1, 1, 1, 1, 1, 1))).toBe('ok'); // 11..19 bridges 10 and 20
    expect(r.insert(12, bytes(9))).toBe('ok');
    expect(r.hasGap).toBe(true);
    expect(r.insert(0, new Uint8Array(10))).toBe('ok');
    expect(r.contiguous().length).toBe(21);
  });

  it('refuses bytes past maxBytes and more fragments than allowed', () => {
    const r = new CryptoReassembler(100, 2);
    expect(r.insert(99, bytes(1, 2))).toBe('too_large');
    expect(r.insert(0, bytes(1))).toBe('ok');
    expect(r.insert(10, bytes(1))).toBe('ok');
    expect(r.insert(20, bytes(1))).toBe('too_many_fragments');
  });

  it('grows its buffer up to the bound only', () => {
    const r = new CryptoReassembler(5000, 4);
    expect(r.insert(0, new Uint8Array(5000).fill(7))).toBe('ok');
    expect(r.contiguous().length).toBe(5000);
  });
});
