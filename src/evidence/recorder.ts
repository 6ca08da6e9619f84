/**
 * Keeps packets for alert candidates only. Every packet of every judged live
 * flow enters one bounded ring (evidence/packet-ring.ts), headers only unless
 * config says `full` (client packets that may be the ClientHello, and DNS
 * messages, are held whole: they are the name evidence). When an alert names
 * a flow, the flow's packets still in the ring are stored, with the DNS
 * messages that named it, and so is every later packet of the flow until it
 * ends. Packets of flows no alert names leave the ring by its bounds (counted)
 * or when their flow ends.
 *
 * It is a Sink: it learns of alerts, DNS messages and flow ends from the
 * records themselves, and the pipeline hands it each judged packet first.
 */
import type { Counters } from '../counters.js';
import type { Flow, Direction } from '../flow/flow.js';
import type { AlertRecord, DnsRecord, FlowRecord, GroundwatchRecord } from '../records/ecs.js';
import type { Sink } from '../sinks/sink.js';
import type { RawPacket } from '../types.js';
import { DnsEvidenceIndex } from './dns-evidence.js';
import type { EvidenceOptions } from './evidence-options.js';
import { FlowSlot } from './flow-slot.js';
import { headerLength } from './header-slicer.js';
import { PacketRing, type EvictionReason, type RingEntry } from './packet-ring.js';
import type { SliceRole, SliceStore } from './slice-store.js';
import { copyBytes } from './copy-bytes.js';

/** What the pipeline hands over for each packet of a judged flow, before attribution reads it. */
export interface PacketKeeper {
  onPacket(flow: Flow, direction: Direction, raw: RawPacket, ts: number): void;
}

export class EvidenceRecorder implements Sink, PacketKeeper {
  readonly name = 'evidence';
  readonly flushIntervalMs = 1000;
  private readonly ring: PacketRing;
  private readonly dns: DnsEvidenceIndex;
  private readonly slots = new Map<Flow, FlowSlot>();
  private readonly byUid = new Map<string, FlowSlot>();
  /** Live flows an alert has named: a flush walks these, not every live flow. */
  private readonly alerted = new Set<FlowSlot>();
  private runId: string | null = null;
  /** One for every slot (not a closure per live flow). */
  private readonly slotEvents = { evicted: (s: FlowSlot, e: RingEntry, reason: EvictionReason) => this.onSlotEviction(s, e, reason) };
  /**
   * The packet being processed: a DNS record written now was read from it. One object reused for
   * every packet (a fresh one per packet was garbage on the hot path); slot undefined = none.
   */
  private readonly current: { slot: FlowSlot | undefined; entry: RingEntry | undefined; frame: Uint8Array | undefined } = {
    slot: undefined,
    entry: undefined,
    frame: undefined,
  };

  constructor(
    private readonly options: EvidenceOptions,
    private readonly store: SliceStore,
    private readonly counters: Counters,
  ) {
    this.ring = new PacketRing(options.ringBytes, options.ringSeconds);
    this.dns = new DnsEvidenceIndex(this.ring, (reason) => this.countEviction(reason));
  }

  onPacket(flow: Flow, direction: Direction, raw: RawPacket, ts: number): void {
    this.forgetCurrent();
    let slot = this.slots.get(flow);
    if (slot === undefined) {
      slot = new FlowSlot(flow, flow.uid, this.ring, this.slotEvents);
      this.slots.set(flow, slot);
      this.byUid.set(slot.uid, slot);
    }
    slot.settleHello(false);
    if (slot.alerted) this.drain(slot, false);
    const frame = raw.data;
    const headerLen = headerLength(raw.linkType, frame);
    const hasPayload = frame.length > headerLen;
    if (direction === 'to_client' && hasPayload) {
      slot.serverSpoke();
      slot.settleHello(false);
    }
    const full = this.options.packets === 'full';
    const tentative = !full && slot.helloOpen && direction === 'to_server' && hasPayload;
    const entry: RingEntry = {
      ts,
      tsSec: raw.tsSec,
      tsNsec: raw.tsNsec,
      linkType: raw.linkType,
      origLen: raw.wireLen,
      headerLen,
      // A copy of its own (copy-bytes.ts): the frame is a view into the capture source's chunk.
      data: full || tentative ? copyBytes(frame) : copyBytes(frame, 0, headerLen),
      content: full ? 'full' : 'headers',
      tentative,
      live: true,
      owner: slot,
    };
    this.ring.add(entry);
    slot.add(entry);
    this.current.slot = slot;
    this.current.entry = entry;
    this.current.frame = frame;
    this.ring.trim(ts);
  }

  write(rec: GroundwatchRecord): void {
    switch (rec.event.dataset) {
      case 'groundwatch.alert': return this.onAlert(rec as AlertRecord);
      case 'groundwatch.dns': return this.onDns(rec as DnsRecord);
      case 'groundwatch.flow': return this.onFlowEnd(rec as FlowRecord);
      default: return undefined;
    }
  }

  startRun(run: { id: string }): void {
    this.runId = run.id;
  }

  needsFlush(): boolean {
    return this.store.needsFlush();
  }

  async flush(): Promise<void> {
    for (const slot of this.alerted) {
      slot.settleHello(false);
      this.drain(slot, false);
    }
    this.store.flush();
  }

  async close(): Promise<void> {
    this.store.close();
  }

  private onAlert(rec: AlertRecord): void {
    const slot = this.byUid.get(rec.groundwatch.flow.uid);
    if (slot === undefined) return;
    if (!slot.alerted) {
      slot.alerted = true;
      this.alerted.add(slot);
      this.counters.inc('evidence.slices.flows');
      if (slot.lost > 0) this.counters.inc('evidence.slices.incomplete');
    }
    const address = rec.destination?.ip;
    for (const name of rec.groundwatch.name.evidence) {
      if (name.source !== 'dns' || address === undefined) continue;
      for (const m of this.dns.naming(name.dns_query ?? name.host, address)) {
        slot.dnsStored ??= new Set();
        if (slot.dnsStored.has(m.entry)) continue;
        slot.dnsStored.add(m.entry);
        this.storeEntry(slot, m.entry, 'dns');
        this.counters.inc('evidence.slices.dns_packets');
      }
    }
    // The packet being read may still turn out to be the ClientHello or a DNS message: it waits for the next event.
    this.drain(slot, this.current.slot === slot);
  }

  private onDns(rec: DnsRecord): void {
    const { slot, entry, frame } = this.current;
    if (slot === undefined || entry === undefined || frame === undefined || slot.uid !== rec.groundwatch.flow.uid) return;
    slot.markDns(entry, frame);
    const dnsEntry: RingEntry = { ...entry, data: copyBytes(frame), content: 'dns', tentative: false, live: true, owner: this.dns };
    this.dns.add({
      entry: dnsEntry,
      name: rec.dns.question.name,
      id: rec.dns.id,
      isResponse: rec.dns.type === 'answer',
      resolved: rec.dns.resolved_ip ?? [],
    });
  }

  private onFlowEnd(rec: FlowRecord): void {
    const slot = this.byUid.get(rec.groundwatch.flow.uid);
    if (slot === undefined) return;
    slot.settleHello(true);
    if (slot.alerted) this.drain(slot, false);
    for (let e = slot.entries.shift(); e !== undefined; e = slot.entries.shift()) this.ring.release(e);
    // Its slices are complete: the store writes them as one block at its next flush.
    if (slot.alerted) this.store.flowEnded(slot.uid);
    this.slots.delete(slot.flow);
    this.byUid.delete(slot.uid);
    this.alerted.delete(slot);
    if (this.current.slot === slot) this.forgetCurrent();
  }

  private forgetCurrent(): void {
    this.current.slot = undefined;
    this.current.entry = undefined;
    this.current.frame = undefined;
  }

  /** Stores the alerted flow's settled packets, oldest first; stops at one still waiting for the ClientHello answer. */
  private drain(slot: FlowSlot, keepNewest: boolean): void {
    for (let e = slot.entries.peek(); e !== undefined; e = slot.entries.peek()) {
      if (e.tentative) return;
      if (keepNewest && e === slot.entries.last()) return;
      slot.entries.shift();
      this.storeFlowPacket(slot, e);
      this.ring.release(e);
    }
  }

  private onSlotEviction(slot: FlowSlot, entry: RingEntry, reason: EvictionReason): void {
    if (slot.alerted) {
      this.storeFlowPacket(slot, entry);
      return;
    }
    slot.lost++;
    this.countEviction(reason);
  }

  private storeFlowPacket(slot: FlowSlot, entry: RingEntry): void {
    if (slot.stored >= this.options.maxPacketsPerFlow) {
      this.counters.inc('evidence.slices.flow_cap');
      return;
    }
    slot.stored++;
    this.counters.inc('evidence.slices.packets');
    this.storeEntry(slot, entry, 'flow');
  }

  private storeEntry(slot: FlowSlot, entry: RingEntry, role: SliceRole): void {
    this.store.add({
      flow_uid: slot.uid,
      role,
      run_id: this.runId,
      ts_sec: entry.tsSec,
      ts_nsec: entry.tsNsec,
      link_type: entry.linkType,
      orig_len: entry.origLen,
      content: entry.content,
      data: entry.data,
    });
  }

  private countEviction(reason: EvictionReason): void {
    this.counters.inc(reason === 'bytes' ? 'evidence.ring.evicted_bytes' : 'evidence.ring.evicted_age');
  }
}
