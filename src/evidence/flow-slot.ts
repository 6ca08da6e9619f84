/**
 * One judged live flow's packets in the ring, oldest first, and what is known
 * about them: whether an alert named the flow (its packets are then stored as
 * they come) and whether its ClientHello question is still open.
 *
 * The ClientHello rule (headers mode): a client-to-server packet with payload
 * is held whole while the flow has shown no ClientHello and its server has
 * sent no payload (at most MAX_HELLO_PACKETS of them). Once attribution has
 * parsed a TLS or QUIC ClientHello, those held packets are the ClientHello
 * (kept whole: it is name evidence); once the server speaks, the flow ends or
 * the cap is reached without one, they are cut to their headers.
 */
import type { Flow } from '../flow/flow.js';
import type { PacketRing, RingEntry, RingOwner, EvictionReason } from './packet-ring.js';
import { Fifo } from './fifo.js';
import { copyBytes } from './copy-bytes.js';

/** Client packets held whole waiting for a ClientHello (a post-quantum ClientHello spans 2-3 segments or Initials). */
export const MAX_HELLO_PACKETS = 6;

export interface SlotEvents {
  evicted(slot: FlowSlot, entry: RingEntry, reason: EvictionReason): void;
}

export class FlowSlot implements RingOwner {
  readonly entries = new Fifo<RingEntry>();
  /** Made on first use, as dnsStored: most flows never hold a candidate or get an alert (memory per live flow). */
  private tentatives: RingEntry[] | undefined;
  helloOpen = true;
  helloCandidates = 0;
  alerted = false;
  /** Packets of this flow the ring pushed out before they could be stored. */
  lost = 0;
  /** Packets stored for this flow (flow role). */
  stored = 0;
  /** DNS ring entries already stored as this flow's name evidence. */
  dnsStored: Set<RingEntry> | undefined;

  constructor(
    readonly flow: Flow,
    readonly uid: string,
    private readonly ring: PacketRing,
    private readonly events: SlotEvents,
  ) {}

  evicted(entry: RingEntry, reason: EvictionReason): void {
    this.entries.shift();
    if (entry.tentative) this.cutTentative(entry);
    this.events.evicted(this, entry, reason);
  }

  add(entry: RingEntry): void {
    this.entries.push(entry);
    if (entry.tentative) {
      (this.tentatives ??= []).push(entry);
      this.helloCandidates++;
      if (this.helloCandidates >= MAX_HELLO_PACKETS) this.helloOpen = false;
    }
  }

  /** The server sent payload: a ClientHello, if any, came before. */
  serverSpoke(): void {
    this.helloOpen = false;
  }

  /** A DNS message was read from this entry: it is name evidence, whole. */
  markDns(entry: RingEntry, frame: Uint8Array): void {
    this.forget(entry);
    entry.tentative = false;
    entry.content = 'dns';
    if (entry.data.length !== frame.length) this.ring.resize(entry, copyBytes(frame));
  }

  /** Settles held packets once the answer is known; `final` (flow end) settles them either way. */
  settleHello(final: boolean): void {
    const tentatives = this.tentatives;
    if (tentatives === undefined || tentatives.length === 0) return;
    const a = this.flow.attribution;
    const helloSeen = a.tls !== undefined || a.quic?.alpn !== undefined;
    if (helloSeen) {
      for (const e of tentatives) {
        e.tentative = false;
        e.content = 'client_hello';
      }
    } else if (!this.helloOpen || final) {
      // A copy: cutTentative takes each out of the list.
      for (const e of [...tentatives]) this.cutTentative(e);
    } else {
      return;
    }
    this.tentatives = undefined;
    this.helloOpen = false;
  }

  private cutTentative(e: RingEntry): void {
    e.tentative = false;
    e.content = 'headers';
    this.ring.resize(e, copyBytes(e.data, 0, e.headerLen));
    this.forget(e);
  }

  private forget(e: RingEntry): void {
    const i = this.tentatives?.indexOf(e) ?? -1;
    if (i >= 0) this.tentatives!.splice(i, 1);
  }
}
