/** The ring's two bounds, counted by reason, and the cost of entries already taken. */
import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD_BYTES, PacketRing, type EvictionReason, type RingEntry, type RingOwner } from '../../src/evidence/packet-ring.js';

class Owner implements RingOwner {
  readonly evictions: [number, EvictionReason][] = [];
  evicted(entry: RingEntry, reason: EvictionReason): void {
    this.evictions.push([entry.ts, reason]);
  }
}

function entry(owner: RingOwner, ts: number, bytes: number): RingEntry {
  return { ts, tsSec: ts, tsNsec: 0, linkType: 1, origLen: bytes, headerLen: 54, data: new Uint8Array(bytes), content: 'headers', tentative: false, live: true, owner };
}

describe('PacketRing', () => {
  it('pushes out the oldest when over its bytes, frame plus overhead each', () => {
    const owner = new Owner();
    const ring = new PacketRing(3 * (100 + ENTRY_OVERHEAD_BYTES), 1000);
    for (let t = 1; t <= 5; t++) {
      ring.add(entry(owner, t, 100));
      ring.trim(t);
      expect(ring.bytes).toBeLessThanOrEqual(3 * (100 + ENTRY_OVERHEAD_BYTES));
    }
    expect(owner.evictions).toEqual([[1, 'bytes'], [2, 'bytes']]);
    expect(ring.bytes).toBe(3 * (100 + ENTRY_OVERHEAD_BYTES));
  });

  it('pushes out entries older than its age, by packet time', () => {
    const owner = new Owner();
    const ring = new PacketRing(1 << 30, 10);
    ring.add(entry(owner, 100, 10));
    ring.add(entry(owner, 105, 10));
    ring.add(entry(owner, 111, 10));
    ring.trim(111);
    expect(owner.evictions).toEqual([[100, 'age']]);
    ring.trim(116);
    expect(owner.evictions).toEqual([[100, 'age'], [105, 'age']]);
  });

  it('frees a taken entry at once and its overhead when it reaches the head, without asking its owner', () => {
    const owner = new Owner();
    const ring = new PacketRing(1 << 30, 10);
    const a = entry(owner, 1, 500);
    ring.add(a);
    ring.add(entry(owner, 2, 500));
    ring.release(a);
    expect(a.data.length).toBe(0);
    expect(ring.bytes).toBe(500 + 2 * ENTRY_OVERHEAD_BYTES);
    ring.trim(2);
    expect(ring.bytes).toBe(500 + ENTRY_OVERHEAD_BYTES);
    expect(owner.evictions).toEqual([]);
  });
});
