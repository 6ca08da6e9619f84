/** One bidirectional flow: counters, handshake state and what attribution learned. */
import { isoFromSecNsec } from '../records/time.js';
import type { Attribution, FlowOrientation, FlowSnapshot, GeoInfo, PacketOrigin, Transport } from '../types.js';
import { communityId } from './community-id.js';

export type Direction = 'to_server' | 'to_client';

/**
 * `Inspection` is the type of the per-flow state the inspecting stage keeps here (attribution/'s
 * FlowInspection); flow/ only holds it, so it never imports the stage above it.
 */
export class Flow<Inspection = unknown> {
  readonly key: string;
  /** Creation order within the table (the order a walk over the table visits flows). */
  readonly seq: number;
  private cachedUid?: string;
  readonly protocol: number;
  readonly transport: Transport;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  /** The connection's start was seen, and how the client side was decided (flow/orientation.ts). */
  readonly startSeen: boolean;
  readonly orientation: FlowOrientation;
  clientMac?: string;
  serverMac?: string;
  /** Both MACs learned (or the link has none): later packets skip MAC decoding. */
  macsKnown = false;
  vlans?: number[];
  /** The first packet's file and number in it (replay), for the records' provenance. */
  origin?: PacketOrigin;
  readonly firstTs: number;
  readonly firstTsSec: number;
  readonly firstTsNsec: number;
  lastTs: number;
  lastTsSec: number;
  lastTsNsec: number;
  packetsToServer = 0;
  packetsToClient = 0;
  bytesToServer = 0;
  bytesToClient = 0;
  finFromClient = false;
  finFromServer = false;
  /** Packet time the TCP connection closed (FIN both ways or RST). */
  closedAt?: number;
  closeReason?: 'fin' | 'rst';
  attribution: Attribution = { names: [], conflict: false };
  geo: GeoInfo = {};
  /** Per-flow inspection state, owned by the stage that inspects the flow (attribution/). */
  inspection: Inspection | undefined;
  /** Rule ids already alerted for this flow: one alert per (flow, rule). Made on the first alert: most flows never alert. */
  alertedRules: Set<string> | undefined;
  /** What the rules last saw of this flow (detect/judge.ts): unchanged facts are not judged again. */
  judgedFacts: string | undefined = undefined;
  /** Rules have been evaluated at least once (evaluation waits briefly for the name). */
  evaluated = false;
  /** Device judged by the rules (false: another host on the mirror, counted only). */
  judged = true;
  private cachedCommunityId?: string;

  constructor(init: {
    key: string;
    seq: number;
    protocol: number;
    transport: Transport;
    clientIp: string;
    clientPort: number;
    serverIp: string;
    serverPort: number;
    startSeen: boolean;
    orientation: FlowOrientation;
    tsSec: number;
    tsNsec: number;
    ts: number;
  }) {
    this.key = init.key;
    this.protocol = init.protocol;
    this.transport = init.transport;
    this.clientIp = init.clientIp;
    this.clientPort = init.clientPort;
    this.serverIp = init.serverIp;
    this.serverPort = init.serverPort;
    this.startSeen = init.startSeen;
    this.orientation = init.orientation;
    this.firstTs = this.lastTs = init.ts;
    this.firstTsSec = this.lastTsSec = init.tsSec;
    this.firstTsNsec = this.lastTsNsec = init.tsNsec;
    this.seq = init.seq;
  }

  /** Made on first use (records, alerts): a flow that is never written costs no hashing. */
  get uid(): string {
    this.cachedUid ??= flowUid(this.key, this.firstTsSec, this.firstTsNsec, this.seq);
    return this.cachedUid;
  }

  get communityId(): string {
    this.cachedCommunityId ??= communityId(this.clientIp, this.serverIp, this.clientPort, this.serverPort, this.protocol);
    return this.cachedCommunityId;
  }

  snapshot(): FlowSnapshot {
    const s: FlowSnapshot = {
      uid: this.uid,
      communityId: this.communityId,
      protocol: this.protocol,
      transport: this.transport,
      clientIp: this.clientIp,
      clientPort: this.clientPort,
      serverIp: this.serverIp,
      serverPort: this.serverPort,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      firstTsIso: isoFromSecNsec(this.firstTsSec, this.firstTsNsec),
      lastTsIso: isoFromSecNsec(this.lastTsSec, this.lastTsNsec),
      packetsToServer: this.packetsToServer,
      packetsToClient: this.packetsToClient,
      bytesToServer: this.bytesToServer,
      bytesToClient: this.bytesToClient,
      attribution: this.attribution,
      geo: this.geo,
      startSeen: this.startSeen,
      orientation: this.orientation,
    };
    if (this.clientMac) s.clientMac = this.clientMac;
    if (this.serverMac) s.serverMac = this.serverMac;
    if (this.vlans) s.vlans = this.vlans;
    if (this.origin) s.origin = this.origin;
    return s;
  }
}

/**
 * A uid like Zeek's (C + 17 base62-ish chars), derived from the first packet
 * so that replaying the same capture gives the same uids (deterministic output).
 */
function flowUid(key: string, tsSec: number, tsNsec: number, seq: number): string {
  const text = `${tsSec}.${tsNsec}|${key}|${seq}`;
  // Two independent 32-bit FNV-1a lanes: a uid needs spread, not cryptographic strength, and runs per flow.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ seq;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  let out = 'C';
  for (let i = 0; i < 17; i++) {
    const lane = i < 9 ? a : b;
    out += UID_ALPHABET[(lane >>> ((i % 9) * 3)) % 62];
    if (i % 3 === 2) {
      a = Math.imul(a ^ (a >>> 15), 0x2c1b3c6d);
      b = Math.imul(b ^ (b >>> 13), 0x297a2d39);
    }
  }
  return out;
}

const UID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
