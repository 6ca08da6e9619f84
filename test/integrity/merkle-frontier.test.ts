/** The O(log n) frontier gives the RFC 9162 root (checked against rootOf, itself checked against peer vectors). */
import { describe, expect, it } from 'vitest';
import { leafHash, rootOf } from '../../src/integrity/merkle.js';
import { MerkleFrontier } from '../../src/integrity/merkle-frontier.js';

describe('MerkleFrontier', () => {
  it('has the same root as the recursive definition for every size up to 300', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const f = new MerkleFrontier();
    expect(f.root().equals(rootOf([]))).toBe(true);
    for (let n = 1; n <= leaves.length; n++) {
      f.append(leaves[n - 1] as Buffer);
      expect(f.root().toString('hex'), `size ${n}`).toBe(rootOf(leaves.slice(0, n)).toString('hex'));
    }
  });
});
