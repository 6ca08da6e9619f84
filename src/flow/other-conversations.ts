/** ICMP and other non-TCP/UDP traffic is not a flow here, but it is counted per conversation (as tshark's IP conversations). */
import type { Counters } from '../counters.js';
import type { Decoded } from '../types.js';

export class OtherIpConversations {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly counters: Counters,
  ) {}

  get count(): number {
    return this.seen.size;
  }

  add(p: Decoded): void {
    this.counters.inc(`packets.${p.transport}`);
    const key = p.src < p.dst ? `${p.protocol}|${p.src}|${p.dst}` : `${p.protocol}|${p.dst}|${p.src}`;
    if (this.seen.has(key)) return;
    if (this.seen.size >= this.max) {
      this.counters.inc('anomaly.other_conversations.limit');
      return;
    }
    this.seen.add(key);
  }
}
