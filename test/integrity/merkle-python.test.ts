/**
 * The same trees computed by an independent implementation: Python's hashlib
 * following RFC 9162 2.1.1-2.1.4 as literally as it reads (recursive MTH, PATH,
 * PROOF/SUBPROOF over the data, not over our leaf hashes), for every size up to
 * 40, every leaf and every earlier size; our proofs must also verify.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../src/integrity/merkle.js';

const PYTHON = String.raw`
import hashlib, json
def H(b): return hashlib.sha256(b).digest()
def k_of(n):
    k = 1
    while k * 2 < n: k *= 2
    return k
def mth(d):
    if len(d) == 0: return H(b'')
    if len(d) == 1: return H(b'\x00' + d[0])
    k = k_of(len(d))
    return H(b'\x01' + mth(d[:k]) + mth(d[k:]))
def path(m, d):
    if len(d) == 1: return []
    k = k_of(len(d))
    if m < k: return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]
def subproof(m, d, b):
    n = len(d)
    if m == n: return [] if b else [mth(d)]
    k = k_of(n)
    if m <= k: return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]
out = []
data = [('entry %d' % i).encode() for i in range(40)]
for n in range(1, 41):
    d = data[:n]
    out.append({'n': n, 'root': mth(d).hex(),
                'paths': [[h.hex() for h in path(m, d)] for m in range(n)],
                'proofs': [[h.hex() for h in subproof(m, d, True)] for m in range(1, n)]})
print(json.dumps(out))
`;

interface PyTree {
  n: number;
  root: string;
  paths: string[][];
  proofs: string[][];
}

describe('Merkle tree against a Python implementation of RFC 9162', () => {
  const trees = JSON.parse(execFileSync('python3', ['-c', PYTHON], { encoding: 'utf8' })) as PyTree[];
  const all = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  const hex = (hs: Buffer[]): string[] => hs.map((h) => h.toString('hex'));

  it('gives the same root for every size 1..40', () => {
    expect(trees.map((t) => rootOf(all.slice(0, t.n)).toString('hex'))).toEqual(trees.map((t) => t.root));
  });

  it('gives the same inclusion proof for every leaf, and each verifies', () => {
    for (const t of trees) {
      const leaves = all.slice(0, t.n);
      const root = Buffer.from(t.root, 'hex');
      for (let m = 0; m < t.n; m++) {
        const proof = inclusionProof(leaves, m);
        expect(hex(proof)).toEqual(t.paths[m]);
        expect(verifyInclusion(m, t.n, leaves[m] as Buffer, proof, root)).toBe(true);
        // The same proof for the neighbouring leaf must fail.
        if (t.n > 1) expect(verifyInclusion(m, t.n, leaves[(m + 1) % t.n] as Buffer, proof, root)).toBe(false);
      }
    }
  });

  it('gives the same consistency proof for every earlier size, and each verifies', () => {
    for (const t of trees) {
      const leaves = all.slice(0, t.n);
      const root2 = Buffer.from(t.root, 'hex');
      for (let m = 1; m < t.n; m++) {
        const proof = consistencyProof(leaves, m);
        expect(hex(proof)).toEqual(t.proofs[m - 1]);
        const root1 = Buffer.from(trees[m - 1]?.root ?? '', 'hex');
        expect(verifyConsistency(m, t.n, root1, root2, proof)).toBe(true);
        // A first tree that is not a prefix (another root) is refused.
        expect(verifyConsistency(m, t.n, root2, root2, proof)).toBe(false);
      }
    }
  });
});
