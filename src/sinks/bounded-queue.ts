/**
 * FIFO with a hard bound: pushing past the bound drops the oldest item and
 * reports it, so the caller can count the loss. O(1) amortised push/shift.
 */
export class BoundedQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`queue limit must be a positive integer, got ${limit}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends; returns how many old items were dropped to stay within the bound (0 or 1). */
  push(item: T): number {
    this.items.push(item);
    if (this.length <= this.limit) return 0;
    this.shift();
    return 1;
  }

  peek(): T | undefined {
    return this.length > 0 ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
    return item;
  }

  /** Everything queued, oldest first, without removing it. */
  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return all;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
