/**
 * Bounded cache with least-recently-used eviction by generations: entries
 * live in a young and an old Map of capacity/2 each; a hit in the old one
 * moves the entry to the young one; when the young one is full it becomes the
 * old one and the previous old one is dropped whole (its entries not moved
 * are the evicted ones, and are counted).
 *
 * Why not one Map with delete + re-insert per hit (exact LRU): once such a
 * Map has churned, V8 rehashes it on nearly every re-insert; a hit then cost
 * 24 µs at 10,000 entries (bench/micro.ts, "GeoResolver.lookup (cached)").
 * Nothing here is ever deleted.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  /** Entries of `old` not (yet) moved to `young`. */
  private oldOnly = 0;
  private readonly generation: number;

  constructor(
    readonly capacity: number,
    private readonly onEvict: () => void = () => {},
  ) {
    if (!(capacity >= 1)) throw new RangeError('LRU capacity must be >= 1');
    this.generation = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: K): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old === undefined) return undefined;
    this.oldOnly--;
    this.admit(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) {
      this.young.set(key, value);
      return;
    }
    if (this.old.has(key)) this.oldOnly--;
    this.admit(key, value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.oldOnly = 0;
  }

  get size(): number {
    return this.young.size + this.oldOnly;
  }

  private admit(key: K, value: V): void {
    if (this.young.size >= this.generation) this.rotate();
    this.young.set(key, value);
  }

  private rotate(): void {
    for (let i = 0; i < this.oldOnly; i++) this.onEvict();
    this.old = this.young;
    this.oldOnly = this.old.size;
    this.young = new Map();
  }
}
