/**
 * In-memory binary trie for the MMDB search tree (IPv6 tree, IPv4 under ::/96).
 * A child slot holds 0 (empty), a node index (> 0; the root is 0 and never a child)
 * or a data reference -(dataIndex + 1). Later inserts win over the whole prefix they cover.
 */
const EMPTY = 0;

export class SearchTree {
  private left: Int32Array;
  private right: Int32Array;
  private count = 1; // node 0 = root
  readonly ipv4Root: number;

  constructor(initialCapacity = 1 << 20, private readonly maxNodes = 1 << 27) {
    this.left = new Int32Array(initialCapacity);
    this.right = new Int32Array(initialCapacity);
    this.ipv4Root = this.descend(0, [0, 0, 0, 0], 96);
  }

  get allocatedNodes(): number {
    return this.count;
  }

  /** Sets the prefix (bits of `words`, big-endian 32-bit words) below `start` to data `dataIndex`. */
  insert(start: number, words: ArrayLike<number>, prefixLen: number, dataIndex: number): void {
    if (prefixLen === 0) throw new RangeError('cannot insert a zero-length prefix');
    const parent = this.descend(start, words, prefixLen - 1);
    this.setChild(parent, bitAt(words, prefixLen - 1), -(dataIndex + 1));
  }

  /** Makes the slot at `::ffff:0:0/96` point at the IPv4 subtree, as MaxMind's writer does. */
  aliasIpv4Mapped(): void {
    // Re-attach ::/96 first: an IPv6 insert covering it must not orphan the IPv4 data.
    this.setChild(this.descend(0, [0, 0, 0, 0], 95), 0, this.ipv4Root);
    const words = [0, 0, 0x0000ffff, 0];
    const parent = this.descend(0, words, 95);
    this.setChild(parent, 1, this.ipv4Root);
  }

  /**
   * Reachable nodes renumbered breadth-first from the root (orphans from overwrites drop out).
   * Returns the old-to-new index map (-1 = unreachable) and the new node count.
   */
  renumber(): { newIds: Int32Array; nodeCount: number; order: Int32Array } {
    const newIds = new Int32Array(this.count).fill(-1);
    const order = new Int32Array(this.count);
    let head = 0;
    let tail = 0;
    newIds[0] = 0;
    order[tail++] = 0;
    while (head < tail) {
      const node = order[head++] as number;
      for (const child of [this.left[node] as number, this.right[node] as number]) {
        if (child > 0 && newIds[child] === -1) {
          newIds[child] = tail;
          order[tail++] = child;
        }
      }
    }
    return { newIds, nodeCount: tail, order: order.subarray(0, tail) };
  }

  children(node: number): [number, number] {
    return [this.left[node] as number, this.right[node] as number];
  }

  /** Walks `depth` bits from `start`, creating nodes and splitting data leaves on the way. */
  private descend(start: number, words: ArrayLike<number>, depth: number): number {
    let node = start;
    for (let i = 0; i < depth; i++) {
      const bit = bitAt(words, i);
      const child = bit ? (this.right[node] as number) : (this.left[node] as number);
      if (child > 0) {
        node = child;
        continue;
      }
      const fresh = this.allocate(child, child); // a data leaf is pushed down to both halves
      this.setChild(node, bit, fresh);
      node = fresh;
    }
    return node;
  }

  private allocate(left: number, right: number): number {
    if (this.count >= this.left.length) this.grow();
    const id = this.count++;
    this.left[id] = left;
    this.right[id] = right;
    return id;
  }

  private grow(): void {
    const size = Math.min(this.left.length * 2, this.maxNodes);
    if (size <= this.left.length) throw new RangeError(`search tree exceeds ${this.maxNodes} nodes`);
    const l = new Int32Array(size);
    const r = new Int32Array(size);
    l.set(this.left);
    r.set(this.right);
    this.left = l;
    this.right = r;
  }

  private setChild(node: number, bit: number, value: number): void {
    if (bit) this.right[node] = value;
    else this.left[node] = value;
  }
}

export function bitAt(words: ArrayLike<number>, i: number): number {
  return ((words[i >>> 5] as number) >>> (31 - (i & 31))) & 1;
}

export { EMPTY };
