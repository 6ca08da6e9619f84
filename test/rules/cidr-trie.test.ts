import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CidrTrie } from '../../src/rules/cidr-trie.js';
import { parseCidr, parseIp } from '../../src/address/cidr.js';

/** Oracle: compare the top `len` bits of two 32-bit addresses with plain integer arithmetic. */
function inPrefix(addr: number, net: number, len: number): boolean {
  if (len === 0) return true;
  const mask = (0xffffffff << (32 - len)) >>> 0;
  return ((addr & mask) >>> 0) === ((net & mask) >>> 0);
}

const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

describe('CidrTrie (IPv4) agrees with mask arithmetic', () => {
  it('property', () => {
    const prefix = fc.tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }));
    fc.assert(
      fc.property(fc.array(prefix, { maxLength: 15 }), fc.nat({ max: 0xffffffff }), (prefixes, addr) => {
        const trie = new CidrTrie<number>();
        prefixes.forEach(([net, len], i) => trie.add(parseCidr(`${dotted(net)}/${len}`)!, i));
        const got: number[] = [];
        trie.lookup(parseIp(dotted(addr))!, (v) => got.push(v));
        const want = prefixes.map(([net, len], i) => (inPrefix(addr, net, len) ? i : -1)).filter((i) => i >= 0);
        expect([...got].sort((a, b) => a - b)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('v4 and v6 are separate tries', () => {
    const trie = new CidrTrie<string>();
    trie.add(parseCidr('::/0')!, 'v6-all');
    trie.add(parseCidr('0.0.0.0/0')!, 'v4-all');
    const got: string[] = [];
    trie.lookup(parseIp('192.0.2.1')!, (v) => got.push(v));
    trie.lookup(parseIp('2001:db8::1')!, (v) => got.push(v));
    expect(got).toEqual(['v4-all', 'v6-all']);
  });
});
