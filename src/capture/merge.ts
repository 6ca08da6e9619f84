/**
 * K-way merge of per-file packet streams into one time-ordered stream of
 * batches. Order is by (tsSec, tsNsec), then file index, then file order, so
 * equal timestamps are stable. A file is opened only when the merge reaches
 * its first packet's time, so a directory of rotated captures keeps about one
 * file open at a time.
 */
import type { RawPacket } from '../types.js';

export interface MergeSource {
  /** Position in the input list; breaks timestamp ties. */
  index: number;
  /** Time of the first packet if known; unknown means "open at once". */
  firstTs?: { sec: number; nsec: number } | undefined;
  open(): AsyncIterator<RawPacket[]>;
}

interface Head {
  index: number;
  iterator: AsyncIterator<RawPacket[]>;
  batch: RawPacket[];
  pos: number;
}

export const DEFAULT_BATCH_SIZE = 1024;
/**
 * Captured bytes per batch handed out. A batch keeps its packets' buffers
 * alive, so a packet count alone lets large records pile up (1024 records of
 * 256 KiB is 256 MiB); ordinary batches of full-size frames stay well below.
 */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** The batch being filled: full at `maxPackets` packets or `maxBytes` captured bytes. */
class OutBatch {
  packets: RawPacket[] = [];
  private bytes = 0;

  constructor(
    private readonly maxPackets: number,
    private readonly maxBytes: number,
  ) {}

  /** Adds a packet; true when the batch is now full. */
  add(packet: RawPacket): boolean {
    this.packets.push(packet);
    this.bytes += packet.data.length;
    return this.packets.length >= this.maxPackets || this.bytes >= this.maxBytes;
  }

  take(): RawPacket[] {
    const packets = this.packets;
    this.packets = [];
    this.bytes = 0;
    return packets;
  }
}

function before(aSec: number, aNsec: number, aIndex: number, bSec: number, bNsec: number, bIndex: number): boolean {
  if (aSec !== bSec) return aSec < bSec;
  if (aNsec !== bNsec) return aNsec < bNsec;
  return aIndex < bIndex;
}

function headBefore(a: Head, b: Head): boolean {
  const pa = a.batch[a.pos]!;
  const pb = b.batch[b.pos]!;
  return before(pa.tsSec, pa.tsNsec, a.index, pb.tsSec, pb.tsNsec, b.index);
}

/** Min-heap of open files keyed by their next packet. */
class HeadHeap {
  readonly items: Head[] = [];

  push(head: Head): void {
    const items = this.items;
    items.push(head);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!headBefore(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** Restore order after the top's key changed. */
  siftTop(): void {
    const items = this.items;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < items.length && headBefore(items[l]!, items[min]!)) min = l;
      if (r < items.length && headBefore(items[r]!, items[min]!)) min = r;
      if (min === i) return;
      [items[i], items[min]] = [items[min]!, items[i]!];
      i = min;
    }
  }

  removeTop(): void {
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.siftTop();
    }
  }
}

/** Sources not opened yet, in the order they become due. */
function waitingOrder(sources: MergeSource[]): MergeSource[] {
  const key = (s: MergeSource): [number, number] => (s.firstTs ? [s.firstTs.sec, s.firstTs.nsec] : [-Infinity, 0]);
  return [...sources].sort((a, b) => {
    const [as, an] = key(a);
    const [bs, bn] = key(b);
    return before(as, an, a.index, bs, bn, b.index) ? -1 : 1;
  });
}

function dueBefore(source: MergeSource, top: Head | undefined): boolean {
  if (top === undefined) return true;
  if (source.firstTs === undefined) return true;
  const p = top.batch[top.pos]!;
  return before(source.firstTs.sec, source.firstTs.nsec, source.index, p.tsSec, p.tsNsec, top.index);
}

/** Next non-empty batch, or undefined when the source is done. */
async function nextBatch(iterator: AsyncIterator<RawPacket[]>): Promise<RawPacket[] | undefined> {
  for (;;) {
    const step = await iterator.next();
    if (step.done) return undefined;
    if (step.value.length > 0) return step.value;
  }
}

export async function* mergeByTime(sources: MergeSource[], batchSize = DEFAULT_BATCH_SIZE, maxBatchBytes = MAX_BATCH_BYTES): AsyncGenerator<RawPacket[]> {
  const waiting = waitingOrder(sources);
  let nextWaiting = 0;
  const heap = new HeadHeap();
  const out = new OutBatch(batchSize, maxBatchBytes);
  try {
    for (;;) {
      while (nextWaiting < waiting.length && dueBefore(waiting[nextWaiting]!, heap.items[0])) {
        await openSource(waiting[nextWaiting++]!, heap);
      }
      const top = heap.items[0];
      if (top === undefined) break;
      const nextDue = waiting[nextWaiting];
      if (heap.items.length === 1 && nextDue === undefined) yield* drainAlone(top, out);
      else yield* emitWhileBuffered(heap, nextDue, out);
      await refillTop(heap);
    }
    if (out.packets.length > 0) yield out.take();
  } finally {
    for (const head of heap.items) await head.iterator.return?.();
  }
}

async function openSource(source: MergeSource, heap: HeadHeap): Promise<void> {
  const iterator = source.open();
  const batch = await nextBatch(iterator);
  if (batch) heap.push({ index: source.index, iterator, batch, pos: 0 });
}

/** The top file's batch is used up: load its next one, or drop the file when it has ended. */
async function refillTop(heap: HeadHeap): Promise<void> {
  const spent = heap.items[0]!;
  if (spent.pos < spent.batch.length) return;
  const batch = await nextBatch(spent.iterator);
  if (batch === undefined) {
    heap.removeTop();
    return;
  }
  spent.batch = batch;
  spent.pos = 0;
  heap.siftTop();
}

/** One open file and nothing waiting: hand its batch on, no comparisons. */
function* drainAlone(top: Head, out: OutBatch): Generator<RawPacket[]> {
  while (top.pos < top.batch.length) {
    if (out.add(top.batch[top.pos++]!)) yield out.take();
  }
}

/** Emit in time order until the top file's batch runs out or a waiting file becomes due. */
function* emitWhileBuffered(heap: HeadHeap, nextDue: MergeSource | undefined, out: OutBatch): Generator<RawPacket[]> {
  for (;;) {
    const top = heap.items[0]!;
    if (nextDue !== undefined && dueBefore(nextDue, top)) return;
    if (out.add(top.batch[top.pos++]!)) yield out.take();
    if (top.pos === top.batch.length) return;
    heap.siftTop();
  }
}
