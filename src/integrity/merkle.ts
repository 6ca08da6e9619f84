/**
 * The Merkle tree of RFC 9162 section 2.1 (the same tree as RFC 6962 and
 * Certificate Transparency): SHA-256, leaf hash over 0x00 || data, node hash
 * over 0x01 || left || right, a tree of n leaves split at the largest power
 * of two smaller than n. Inclusion and consistency proofs are generated as
 * PATH and SUBPROOF of 2.1.3.1 / 2.1.4.1 and verified with the algorithms of
 * 2.1.3.2 / 2.1.4.2, so proofs interoperate with other RFC 9162 code
 * (test/integrity checks against transparency-dev/merkle's vectors).
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(data: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH of the empty list: the hash of the empty string. */
export function emptyRoot(): Hash {
  return createHash('sha256').digest();
}

/** The largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes already computed (leafHash of each entry). */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return emptyRoot();
  return subtreeRoot(leaves, 0, leaves.length);
}

function subtreeRoot(leaves: readonly Hash[], start: number, end: number): Hash {
  const n = end - start;
  if (n === 1) return leaves[start] as Hash;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** PATH(m, D[n]) of 2.1.3.1: the audit path of leaf `index` in the tree of all `leaves`. */
export function inclusionProof(leaves: readonly Hash[], index: number): Hash[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} outside a tree of ${leaves.length}`);
  }
  return path(leaves, index, 0, leaves.length);
}

function path(leaves: readonly Hash[], m: number, start: number, end: number): Hash[] {
  const n = end - start;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(leaves, m, start, start + k), subtreeRoot(leaves, start + k, end)];
  return [...path(leaves, m - k, start + k, end), subtreeRoot(leaves, start, start + k)];
}

/** PROOF(m, D[n]) of 2.1.4.1: proves the tree of the first `size1` leaves is a prefix of the tree of all `leaves`. */
export function consistencyProof(leaves: readonly Hash[], size1: number): Hash[] {
  if (!Number.isInteger(size1) || size1 < 0 || size1 > leaves.length) {
    throw new RangeError(`size ${size1} outside a tree of ${leaves.length}`);
  }
  if (size1 === 0 || size1 === leaves.length) return [];
  return subproof(leaves, size1, 0, leaves.length, true);
}

function subproof(leaves: readonly Hash[], m: number, start: number, end: number, whole: boolean): Hash[] {
  const n = end - start;
  if (m === n) return whole ? [] : [subtreeRoot(leaves, start, end)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(leaves, m, start, start + k, whole), subtreeRoot(leaves, start + k, end)];
  return [...subproof(leaves, m - k, start + k, end, false), subtreeRoot(leaves, start, start + k)];
}

/** 2.1.3.2: does `proof` show the leaf with hash `leaf` at `index` in the tree of `treeSize` with `root`? */
export function verifyInclusion(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!wellFormed(treeSize) || !wellFormed(index) || index >= treeSize) return false;
  if (!hashesWellFormed([leaf, root, ...proof])) return false;
  // Sizes up to 2^53 are handled with BigInt shifts: Number's >> works on 32 bits only.
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && Buffer.from(r).equals(Buffer.from(root));
}

/** 2.1.4.2: does `proof` show the tree of `size1` with `root1` is a prefix of the tree of `size2` with `root2`? */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!wellFormed(size1) || !wellFormed(size2) || size1 > size2) return false;
  if (!hashesWellFormed([root1, root2, ...proof])) return false;
  // The edges RFC 9162 leaves implicit, decided as transparency-dev/merkle does: the same
  // size needs the same root and no proof; the empty tree is a prefix of every tree.
  if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(Buffer.from(root2));
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path: Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = BigInt(size1 - 1);
  let sn = BigInt(size2 - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && Buffer.from(fr).equals(Buffer.from(root1)) && Buffer.from(sr).equals(Buffer.from(root2));
}

function wellFormed(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function hashesWellFormed(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h.length === HASH_SIZE);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (BigInt(n) & (BigInt(n) - 1n)) === 0n;
}
