/**
 * The right edge of an RFC 9162 tree: the roots of its perfect subtrees, left
 * to right (a "compact range"). Appending a leaf merges equal-sized subtrees;
 * the root folds them right to left, which is the tree the split rule builds.
 * Lets a months-long run keep its tree head in O(log n) memory and time.
 */
import { emptyRoot, nodeHash, type Hash } from './merkle.js';

export class MerkleFrontier {
  private readonly subtrees: { size: number; hash: Hash }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    for (let top = this.subtrees.at(-1); top && top.size === node.size; top = this.subtrees.at(-1)) {
      this.subtrees.pop();
      node = { size: top.size * 2, hash: nodeHash(top.hash, node.hash) };
    }
    this.subtrees.push(node);
    this.count++;
  }

  root(): Hash {
    const last = this.subtrees.at(-1);
    if (!last) return emptyRoot();
    let acc = last.hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--) acc = nodeHash((this.subtrees[i] as { hash: Hash }).hash, acc);
    return acc;
  }
}
