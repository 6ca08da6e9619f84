/**
 * DNS messages kept whole, by the name they ask about, so that when an alert
 * names a flow learned from DNS the query and the answer that named it can be
 * stored with the flow's slice. Entries live in the shared packet ring (same
 * bounds); this index only finds them.
 */
import { foldHostName } from '../util/host-name.js';
import type { EvictionReason, PacketRing, RingEntry, RingOwner } from './packet-ring.js';
import { Fifo } from './fifo.js';

export interface DnsEvidence {
  entry: RingEntry;
  name: string;
  id: string;
  isResponse: boolean;
  resolved: readonly string[];
}

/** Messages kept per asked name: a chatty name keeps only its latest ones. */
const MAX_PER_NAME = 16;

export class DnsEvidenceIndex implements RingOwner {
  private readonly byName = new Map<string, Fifo<DnsEvidence>>();
  private readonly byEntry = new Map<RingEntry, DnsEvidence>();

  constructor(
    private readonly ring: PacketRing,
    private readonly onEvicted: (reason: EvictionReason) => void,
  ) {}

  add(message: Omit<DnsEvidence, 'name'> & { name: string }): void {
    const name = foldHostName(message.name);
    const evidence = { ...message, name };
    let list = this.byName.get(name);
    if (list === undefined) this.byName.set(name, (list = new Fifo()));
    list.push(evidence);
    this.byEntry.set(message.entry, evidence);
    this.ring.add(message.entry);
    if (list.length > MAX_PER_NAME) {
      const old = list.shift()!;
      this.byEntry.delete(old.entry);
      this.ring.release(old.entry);
    }
  }

  /**
   * The messages that named `address` as `name`: answers for the name that
   * resolve to the address, and the queries with the same id.
   */
  naming(name: string, address: string): DnsEvidence[] {
    const list = this.byName.get(foldHostName(name));
    if (list === undefined) return [];
    const items = list.toArray();
    const answers = items.filter((m) => m.isResponse && m.resolved.includes(address));
    const ids = new Set(answers.map((m) => m.id));
    return items.filter((m) => m.entry.live && (answers.includes(m) || (!m.isResponse && ids.has(m.id))));
  }

  evicted(entry: RingEntry, reason: EvictionReason): void {
    const evidence = this.byEntry.get(entry);
    if (evidence !== undefined) {
      this.byEntry.delete(entry);
      const list = this.byName.get(evidence.name);
      // Entries leave the ring oldest first, so this one is its name's oldest.
      if (list?.peek() === evidence) list.shift();
      if (list !== undefined && list.length === 0) this.byName.delete(evidence.name);
    }
    this.onEvicted(reason);
  }
}
