/**
 * When open flows may next time out, as a min-heap on packet time, so the
 * once-a-second sweep looks only at flows that may be due instead of walking
 * every open flow (on a 20,000-flow capture the walk was a few per cent of the
 * run). Entries are hints the flow table checks: a flow that saw packets since
 * is queued again at its later time, an ended flow's entry is dropped when it
 * comes up. An entry names its flow by key and sequence number, not by object,
 * so an ended flow is not kept alive until its old time comes up.
 */
export class ExpiryQueue {
  private readonly dues: number[] = [];
  private readonly keys: string[] = [];
  private readonly seqs: number[] = [];

  get size(): number {
    return this.dues.length;
  }

  /** The earliest time queued (Infinity when empty). */
  get nextDue(): number {
    return this.dues.length > 0 ? this.dues[0]! : Infinity;
  }

  /** Key and sequence number of the earliest entry (the queue must not be empty). */
  get nextKey(): string {
    return this.keys[0]!;
  }

  get nextSeq(): number {
    return this.seqs[0]!;
  }

  push(due: number, key: string, seq: number): void {
    let i = this.dues.length;
    this.dues.push(due);
    this.keys.push(key);
    this.seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.dues[parent]! <= due) break;
      this.move(parent, i);
      i = parent;
    }
    this.put(i, due, key, seq);
  }

  /** Drops the earliest entry. */
  pop(): void {
    const last = this.dues.length - 1;
    if (last < 0) return;
    const due = this.dues[last]!;
    const key = this.keys[last]!;
    const seq = this.seqs[last]!;
    this.dues.pop();
    this.keys.pop();
    this.seqs.pop();
    if (last === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.dues[right]! < this.dues[left]! ? right : left;
      if (this.dues[child]! >= due) break;
      this.move(child, i);
      i = child;
    }
    this.put(i, due, key, seq);
  }

  clear(): void {
    this.dues.length = 0;
    this.keys.length = 0;
    this.seqs.length = 0;
  }

  private move(from: number, to: number): void {
    this.dues[to] = this.dues[from]!;
    this.keys[to] = this.keys[from]!;
    this.seqs[to] = this.seqs[from]!;
  }

  private put(i: number, due: number, key: string, seq: number): void {
    this.dues[i] = due;
    this.keys[i] = key;
    this.seqs[i] = seq;
  }
}
