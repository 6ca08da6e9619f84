/**
 * Bidirectional flows on the 5-tuple. Timeouts run on packet time so a replay
 * is deterministic; the daemon drives the same clock from the wall clock.
 */
import type { CounterName, Counters } from '../counters.js';
import type { FlowEndReason } from '../records/ecs.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Decoded } from '../types.js';
import { FifoMap } from '../util/fifo-map.js';
import { ExpiryQueue } from './expiry-queue.js';
import { Flow, type Direction } from './flow.js';
import { orientFirstPacket, type OrientationEvidence } from './orientation.js';

export interface FlowLimits {
  /** Concurrent flows kept; the oldest is evicted (and counted) beyond it. Sized from memory by src/config/memory-budget.ts. */
  maxFlows: number;
  tcpIdleSeconds: number;
  udpIdleSeconds: number;
  /** Time a closed TCP flow stays to absorb the last ACKs before it is written. */
  closedLingerSeconds: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  maxFlows: 1_000_000,
  tcpIdleSeconds: 300,
  udpIdleSeconds: 60,
  closedLingerSeconds: 5,
};

export interface TrackResult<Inspection = unknown> {
  flow: Flow<Inspection>;
  direction: Direction;
  isNew: boolean;
}

/**
 * One key for both directions: the lower endpoint first. Protocol and ports
 * ride as UTF-16 code units after the addresses (no number formatting per
 * packet); '|' never occurs in address text, so the key is unambiguous.
 */
function flowKey(p: Decoded): string {
  const srcFirst = p.src < p.dst || (p.src === p.dst && p.srcPort <= p.dstPort);
  return srcFirst
    ? p.src + '|' + p.dst + String.fromCharCode(p.protocol, p.srcPort, p.dstPort)
    : p.dst + '|' + p.src + String.fromCharCode(p.protocol, p.dstPort, p.srcPort);
}

/**
 * Queued times are this much early: the sweep decides with the exact test below, and a time
 * rounded the other way must not make it see a due flow one sweep late.
 */
const EXPIRY_SLACK_SECONDS = 1e-3;
/** The expiry queue is rebuilt from the open flows once it holds this many entries per open flow (and this many more). */
const EXPIRY_REBUILD_FACTOR = 4;
const EXPIRY_REBUILD_MIN = 4096;

export type FlowEndHandler<Inspection = unknown> = (flow: Flow<Inspection>, reason: FlowEndReason) => void;

/** `Inspection`: the per-flow state the inspecting stage keeps on each flow (Flow.inspection). */
export class FlowTable<Inspection = unknown> {
  /** Creation order: the oldest flow is evicted first, in O(1) however many there are. */
  private readonly flows = new FifoMap<string, Flow<Inspection>>();
  /** Every open flow has an entry no later than when it can time out. */
  private readonly expiry = new ExpiryQueue();
  private seq = 0;
  /** Lowered when memory pressure shed flows; the configured limits (shared objects) are left alone. */
  private shedBound = Infinity;

  constructor(
    private readonly limits: FlowLimits,
    private readonly counters: Counters,
    private readonly onEnd: FlowEndHandler<Inspection>,
    /** Devices and local ranges, for flows whose handshake was not seen; without them only SYNs and ports orient. */
    private readonly orientation: OrientationEvidence = {},
  ) {}

  get size(): number {
    return this.flows.size;
  }

  /** The bound in force (lower than configured once memory pressure shed flows). */
  get maxFlows(): number {
    return Math.min(this.limits.maxFlows, this.shedBound);
  }

  track(p: Decoded): TrackResult<Inspection> {
    const key = flowKey(p);
    let flow = this.flows.get(key);
    let direction: Direction = 'to_server';
    if (flow && (p.src !== flow.clientIp || p.srcPort !== flow.clientPort)) direction = 'to_client';
    if (flow && this.isReuse(flow, p, direction)) {
      this.end(flow, flow.closeReason ?? 'idle_timeout');
      flow = undefined;
    }
    let isNew = false;
    if (!flow) {
      if (this.flows.size >= this.shedBound) this.evictOldest();
      ({ flow, direction } = this.create(p, key));
      isNew = true;
    }
    this.account(flow, direction, p);
    return { flow, direction, isNew };
  }

  /** End flows idle past their timeout, and closed flows past their linger, in creation order. */
  expire(now: number): void {
    if (this.expiry.nextDue > now) return;
    const due: Flow<Inspection>[] = [];
    const notYet: Flow<Inspection>[] = [];
    while (this.expiry.nextDue <= now) {
      const key = this.expiry.nextKey;
      const seq = this.expiry.nextSeq;
      this.expiry.pop();
      const flow = this.flows.get(key);
      // Ended since, or the key now names a newer flow (which has its own entry).
      if (flow === undefined || flow.seq !== seq) continue;
      if (this.expiryReason(flow, now) !== undefined) due.push(flow);
      else notYet.push(flow);
    }
    // Queued again only now: one whose new time is within the slack would come straight back up.
    for (const flow of notYet) this.queueExpiry(flow);
    // Creation order is the order a walk over the whole table ends them in; a flow queued twice (opened, then closed) comes up twice.
    due.sort((a, b) => a.seq - b.seq);
    let previous: Flow<Inspection> | undefined;
    for (const flow of due) {
      if (flow === previous) continue;
      previous = flow;
      this.end(flow, this.expiryReason(flow, now)!);
    }
  }

  /** Why the flow ends at `now`, or undefined while it is neither idle past its timeout nor closed past its linger. */
  private expiryReason(flow: Flow, now: number): FlowEndReason | undefined {
    if (flow.closedAt !== undefined && now - flow.lastTs >= this.limits.closedLingerSeconds) return flow.closeReason ?? 'fin';
    const idle = flow.transport === 'tcp' ? this.limits.tcpIdleSeconds : this.limits.udpIdleSeconds;
    return now - flow.lastTs >= idle ? 'idle_timeout' : undefined;
  }

  /** Entries of ended flows wait until their time comes up: when they outnumber the open flows (eviction, shedding), start afresh from the open ones. */
  private rebuildExpiry(): void {
    this.expiry.clear();
    for (const flow of this.flows.values()) this.queueExpiry(flow);
  }

  /** Queues the earliest time the flow can end by itself, as it stands (later packets only move that time on; closing brings it forward and queues it again). */
  private queueExpiry(flow: Flow): void {
    const idle = flow.transport === 'tcp' ? this.limits.tcpIdleSeconds : this.limits.udpIdleSeconds;
    const timeout = flow.closedAt !== undefined ? Math.min(idle, this.limits.closedLingerSeconds) : idle;
    this.expiry.push(flow.lastTs + timeout - EXPIRY_SLACK_SECONDS, flow.key, flow.seq);
  }

  /** End up to `max` open flows, oldest first; returns how many are still open. */
  endSome(reason: FlowEndReason, max: number): number {
    let ended = 0;
    for (const flow of this.flows.values()) {
      if (ended++ >= max) break;
      this.end(flow, flow.closedAt !== undefined ? (flow.closeReason ?? reason) : reason);
    }
    return this.flows.size;
  }

  /**
   * The heap is near its limit: end the oldest `fraction` of the flows as
   * evicted, and keep the bound at what is left so the table does not grow
   * straight back. Returns how many were ended.
   */
  shed(fraction: number, minFlows: number): number {
    const count = Math.min(this.flows.size, Math.ceil(this.flows.size * fraction));
    for (let i = 0; i < count; i++) this.evictOldest('flow.evicted_memory');
    this.shedBound = Math.max(minFlows, Math.min(this.maxFlows, this.flows.size));
    return count;
  }

  private end(flow: Flow<Inspection>, reason: FlowEndReason): void {
    if (!this.flows.delete(flow.key)) return;
    this.onEnd(flow, reason);
  }

  /** A new SYN on a closed connection is a new flow (port reuse), as is any packet after the linger. */
  private isReuse(flow: Flow, p: Decoded, direction: Direction): boolean {
    if (flow.closedAt === undefined) return false;
    const syn = (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    return (syn && direction === 'to_server') || p.ts - flow.lastTs >= this.limits.closedLingerSeconds;
  }

  private create(p: Decoded, key: string): { flow: Flow<Inspection>; direction: Direction } {
    if (this.flows.size >= this.limits.maxFlows) this.evictOldest();
    const { fromServer, orientation, startSeen } = orientFirstPacket(p, this.orientation);
    if (!startSeen) this.counters.inc(`flow.start_not_seen.${orientation}`);
    const flow = new Flow<Inspection>({
      key,
      seq: this.seq++,
      protocol: p.protocol,
      transport: p.transport,
      clientIp: fromServer ? p.dst : p.src,
      clientPort: fromServer ? p.dstPort : p.srcPort,
      serverIp: fromServer ? p.src : p.dst,
      serverPort: fromServer ? p.srcPort : p.dstPort,
      startSeen,
      orientation,
      tsSec: p.tsSec,
      tsNsec: p.tsNsec,
      ts: p.ts,
    });
    this.flows.set(key, flow);
    if (this.expiry.size > EXPIRY_REBUILD_FACTOR * this.flows.size + EXPIRY_REBUILD_MIN) this.rebuildExpiry();
    this.queueExpiry(flow);
    this.counters.inc('flow.created');
    return { flow, direction: fromServer ? 'to_client' : 'to_server' };
  }

  private evictOldest(why?: CounterName): void {
    const oldest = this.flows.oldest();
    if (!oldest) return;
    this.counters.inc('flow.evicted');
    if (why) this.counters.inc(why);
    this.end(oldest[1], 'evicted');
  }

  /** Each side's MAC from the first packet that shows it; decoding the text costs, so it stops once both are known. */
  private learnMacs(flow: Flow, direction: Direction, p: Decoded): void {
    const [client, server] = direction === 'to_server' ? [p.srcMac, p.dstMac] : [p.dstMac, p.srcMac];
    if (client && !flow.clientMac) flow.clientMac = client;
    if (server && !flow.serverMac) flow.serverMac = server;
    flow.macsKnown = flow.clientMac !== undefined && flow.serverMac !== undefined;
    if (flow.packetsToServer + flow.packetsToClient >= 4) flow.macsKnown = true;
  }

  private account(flow: Flow, direction: Direction, p: Decoded): void {
    if (p.ts > flow.lastTs || (p.ts === flow.lastTs && p.tsNsec > flow.lastTsNsec)) {
      flow.lastTs = p.ts;
      flow.lastTsSec = p.tsSec;
      flow.lastTsNsec = p.tsNsec;
    }
    if (direction === 'to_server') {
      flow.packetsToServer++;
      flow.bytesToServer += p.ipLen;
    } else {
      flow.packetsToClient++;
      flow.bytesToClient += p.ipLen;
    }
    if (!flow.macsKnown) this.learnMacs(flow, direction, p);
    if (p.vlans && !flow.vlans) flow.vlans = p.vlans;
    if (p.transport !== 'tcp' || flow.closedAt !== undefined) return;
    if (p.tcpFlags & TCP_RST) {
      flow.closedAt = p.ts;
      flow.closeReason = 'rst';
      this.queueExpiry(flow);
      return;
    }
    if (p.tcpFlags & TCP_FIN) {
      if (direction === 'to_server') flow.finFromClient = true;
      else flow.finFromServer = true;
      if (flow.finFromClient && flow.finFromServer) {
        flow.closedAt = p.ts;
        flow.closeReason = 'fin';
        this.queueExpiry(flow);
      }
    }
  }
}
