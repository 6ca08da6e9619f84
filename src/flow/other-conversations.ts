/** ICMP and other non-TCP/UDP traffic is not a flow here, but it is counted per conversation (as tshark's IP conversations). */
import type { CounterName, Counters } from '../counters.js';
import type { Decoded, Transport } from '../types.js';

/** TCP and UDP packets are counted by their flows; these are the rest. */
const PACKETS_BY_TRANSPORT: Record<Transport, CounterName | undefined> = {
  icmp: 'packets.icmp',
  'ipv6-icmp': 'packets.ipv6_icmp',
  other: 'packets.other',
  tcp: undefined,
  udp: undefined,
};

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
    const counter = PACKETS_BY_TRANSPORT[p.transport];
    if (counter) this.counters.inc(counter);
    const key = p.src < p.dst ? `${p.protocol}|${p.src}|${p.dst}` : `${p.protocol}|${p.dst}|${p.src}`;
    if (this.seen.has(key)) return;
    if (this.seen.size >= this.max) {
      this.counters.inc('anomaly.other_conversations.limit');
      return;
    }
    this.seen.add(key);
  }
}
