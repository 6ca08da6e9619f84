/**
 * The Merkle tree against two independent oracles: transparency-dev/merkle's
 * proof vectors (fixtures/merkle-vectors, Go code used by Trillian and the Go
 * checksum database), and the RFC 6962 reference roots of the 8-leaf test set
 * that Certificate Transparency's own tests use (copied in that library's
 * testonly/constants.go).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/integrity/merkle.js';
import { FIXTURES_DIR } from '../support/fixture-paths.js';

const VECTORS = join(FIXTURES_DIR, 'merkle-vectors');
const b64 = (s: string | null): Buffer => Buffer.from(s ?? '', 'base64');
const hex = (b: Buffer): string => b.toString('hex');

/** RFC 6962 test leaves and the roots of their first 1..8 (CT reference implementation). */
const RFC6962_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const RFC6962_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leaves = RFC6962_LEAVES.map((h) => leafHash(Buffer.from(h, 'hex')));

interface Vector {
  file: string;
  data: Record<string, unknown>;
}

function vectors(kind: 'inclusion' | 'consistency'): Vector[] {
  const files = readdirSync(join(VECTORS, kind), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => ({ file: `${kind}/${f}`, data: JSON.parse(readFileSync(join(VECTORS, kind, f), 'utf8')) as Record<string, unknown> }));
}

describe('RFC 6962 reference roots', () => {
  it('gives the known root for each prefix of the 8-leaf test set', () => {
    expect(RFC6962_ROOTS.map((_, i) => hex(rootOf(leaves.slice(0, i + 1))))).toEqual(RFC6962_ROOTS);
  });
  it('gives SHA-256 of nothing for the empty tree (RFC 9162 2.1.1)', () => {
    expect(hex(rootOf([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('transparency-dev/merkle inclusion vectors', () => {
  const all = vectors('inclusion');
  it('has the vectors', () => expect(all.length).toBeGreaterThan(80));
  for (const { file, data } of all) {
    it(`${file}: ${data['wantErr'] ? 'refused' : 'accepted'}`, () => {
      const proof = ((data['proof'] as string[] | null) ?? []).map(b64);
      const ok = verifyInclusion(Number(data['leafIdx']), Number(data['treeSize']), b64(data['leafHash'] as string), proof, b64(data['root'] as string));
      expect(ok).toBe(!data['wantErr']);
    });
  }
  it('generates exactly the happy-path proofs of the vectors over the RFC 6962 leaves', () => {
    const happy = all.filter((v) => v.file.endsWith('happy-path.json') && Number(v.data['treeSize']) <= 8);
    expect(happy.length).toBeGreaterThan(3);
    for (const { data } of happy) {
      const size = Number(data['treeSize']);
      const proof = inclusionProof(leaves.slice(0, size), Number(data['leafIdx'])).map((h) => h.toString('base64'));
      expect(proof).toEqual(data['proof'] ?? []);
    }
  });
});

/**
 * The one vector where we are stricter on purpose: its "roots" are 12-byte strings (base64 of
 * "don't care 2"), which the Go code accepts when the sizes are equal because it only compares
 * them. A root that is not 32 bytes never comes from a SHA-256 tree, so we refuse it.
 */
const STRICTER = new Set(['consistency/additional/sizes-are-equal-one-and-proof-is-empty.json']);

describe('transparency-dev/merkle consistency vectors', () => {
  const all = vectors('consistency');
  it('has the vectors', () => expect(all.length).toBeGreaterThan(80));
  for (const { file, data } of all) {
    it(`${file}: ${data['wantErr'] ? 'refused' : 'accepted'}`, () => {
      const proof = ((data['proof'] as string[] | null) ?? []).map(b64);
      const ok = verifyConsistency(Number(data['size1']), Number(data['size2']), b64(data['root1'] as string), b64(data['root2'] as string), proof);
      expect(ok).toBe(!data['wantErr'] && !STRICTER.has(file));
    });
  }
  it('generates exactly the happy-path proofs of the vectors over the RFC 6962 leaves', () => {
    const happy = all.filter((v) => v.file.endsWith('happy-path.json') && Number(v.data['size2']) <= 8);
    expect(happy.length).toBeGreaterThan(3);
    for (const { data } of happy) {
      const proof = consistencyProof(leaves.slice(0, Number(data['size2'])), Number(data['size1'])).map((h) => h.toString('base64'));
      expect(proof).toEqual(data['proof'] ?? []);
    }
  });
});
