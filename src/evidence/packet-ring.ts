/**
 * The one bounded memory of packets not yet known to be evidence: every
 * packet of every judged live flow (and every DNS message) enters it in
 * packet-time order, and leaves it when its owner drains it (the flow was
 * alerted, or ended) or when the ring's bounds push it out, oldest first:
 * bytes (frames plus a fixed per-packet overhead) and age (packet time).
 * An entry its owner already took keeps its overhead counted until it
 * reaches the head, so the queue of references is bounded too.
 */
import { Fifo } from './fifo.js';

/**
 * Bytes a kept packet costs beyond its frame: the entry object, its typed array and its place in
 * two queues. Measured on Node 20: 50,000 entries of 54-byte headers add about 378 bytes of heap each.
 */
export const ENTRY_OVERHEAD_BYTES = 320;

export type EvictionReason = 'bytes' | 'age';

export interface RingEntry {
  readonly ts: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly linkType: number;
  readonly origLen: number;
  /** Bytes of link, IP and transport headers at the start of `data`'s frame. */
  readonly headerLen: number;
  data: Uint8Array;
  /** What `data` holds once decided. */
  content: 'headers' | 'full' | 'client_hello' | 'dns';
  /** Held whole until the flow's ClientHello question is settled (it may be part of it). */
  tentative: boolean;
  /** Still owned by its owner (not drained, not evicted). */
  live: boolean;
  readonly owner: RingOwner;
}

export interface RingOwner {
  /** The ring's bounds pushed this entry out; it is the oldest entry its owner holds. */
  evicted(entry: RingEntry, reason: EvictionReason): void;
}

export class PacketRing {
  private readonly queue = new Fifo<RingEntry>();
  private bytesHeld = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxAgeSeconds: number,
  ) {}

  get bytes(): number {
    return this.bytesHeld;
  }

  add(entry: RingEntry): void {
    this.queue.push(entry);
    this.bytesHeld += entry.data.length + ENTRY_OVERHEAD_BYTES;
  }

  /** The owner took the entry (stored it or dropped it): its frame bytes stop counting now. */
  release(entry: RingEntry): void {
    if (!entry.live) return;
    entry.live = false;
    this.bytesHeld -= entry.data.length;
    entry.data = EMPTY;
  }

  /** The entry's bytes were replaced (cut to headers, or made whole). */
  resize(entry: RingEntry, data: Uint8Array): void {
    if (entry.live) this.bytesHeld += data.length - entry.data.length;
    entry.data = data;
  }

  /** Pushes out the oldest entries while over the byte bound or older than the age bound. */
  trim(now: number): void {
    for (;;) {
      const head = this.queue.peek();
      if (head === undefined) return;
      const reason: EvictionReason | undefined = this.bytesHeld > this.maxBytes ? 'bytes' : head.ts < now - this.maxAgeSeconds ? 'age' : undefined;
      if (reason === undefined && head.live) return;
      this.queue.shift();
      if (head.live) {
        head.owner.evicted(head, reason ?? 'age');
        this.release(head);
      }
      this.bytesHeld -= ENTRY_OVERHEAD_BYTES;
    }
  }
}

const EMPTY = new Uint8Array(0);
