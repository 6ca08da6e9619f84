/**
 * Learns each flow's name through the analyzers it is given (src/attribution/registry.ts) and
 * says why when no name can be learned. It knows transports, not protocols: an analyzer claims a
 * flow by its ports at the start, or is recognised on the client's first bytes (TCP, put in order
 * here) or first datagram (UDP), and then follows the flow alone until it is done. Analyzers
 * report what they saw; rules/ decides what it means.
 */
import type { Counters } from '../counters.js';
import type { Direction, Flow } from '../flow/flow.js';
import { TcpStreamAssembler } from '../flow/tcp-stream.js';
import type { Decoded, NameEvidence, NameSource } from '../types.js';
import type { Analyzer, AnalyzerContext, AnalyzerSession, AttributorLimits, InspectVerdict, PayloadAnalyzer, PortAnalyzer } from './analyzer.js';
import { FlowInspection } from './flow-inspection.js';
import { addNameEvidence, type NameRank } from './names.js';

export interface AttributorEvents {
  /** The flow's chosen name changed (rules may now match). */
  onName(flow: Flow, evidence: NameEvidence): void;
}

/** A flow as the attributor sees it: its inspection state rides on the flow (no lookup per packet). */
export type InspectedFlow = Flow<FlowInspection>;

export class Attributor {
  private readonly atFlowStart: Analyzer[];
  private readonly byPort: PortAnalyzer[];
  private readonly byStream: PayloadAnalyzer[];
  private readonly byDatagram: PayloadAnalyzer[];
  private readonly rank: NameRank;
  private readonly ctx: AnalyzerContext;

  constructor(
    analyzers: readonly Analyzer[],
    private readonly limits: AttributorLimits,
    private readonly counters: Counters,
    events: AttributorEvents,
  ) {
    this.atFlowStart = analyzers.filter((a) => a.onFlowStart !== undefined);
    this.byPort = analyzers.filter((a): a is PortAnalyzer => a.input === 'claimed_packets');
    this.byStream = analyzers.filter((a): a is PayloadAnalyzer => a.input === 'client_stream');
    this.byDatagram = analyzers.filter((a): a is PayloadAnalyzer => a.input === 'client_datagrams');
    const rank: Partial<Record<NameSource, number>> = {};
    analyzers.forEach((a, i) => (rank[a.yields] ??= i));
    this.rank = rank;
    this.ctx = {
      counters,
      limits,
      learn: (flow, evidence) => {
        if (addNameEvidence(flow.attribution, evidence, this.rank)) events.onName(flow, evidence);
      },
    };
  }

  onFlowStart(flow: InspectedFlow): void {
    const ins = new FlowInspection();
    flow.inspection = ins;
    for (const analyzer of this.atFlowStart) analyzer.onFlowStart?.(flow, this.ctx);
    for (const analyzer of this.byPort) {
      if (!analyzer.claims(flow)) continue;
      ins.session = analyzer.open(flow, this.ctx);
      ins.claimed = true;
      return;
    }
  }

  onPacket(flow: InspectedFlow, direction: Direction, p: Decoded): void {
    const ins = flow.inspection;
    if (ins === undefined || ins.done) return;
    const session = ins.session;
    if (session !== undefined && ins.claimed) return this.apply(ins, session.inspect(flow, direction, p, p.payload));
    if (flow.transport === 'tcp') this.onClientStream(flow, ins, direction, p);
    else if (flow.transport === 'udp' && direction === 'to_server') this.onClientDatagram(flow, ins, p);
  }

  /** At the end of a flow: say why it has no name (or why its name may not be the real one). */
  finish(flow: InspectedFlow): void {
    const a = flow.attribution;
    const session = flow.inspection?.session;
    if (a.host !== undefined) {
      const doubt = session?.unknownReason(true);
      if (doubt !== undefined) a.unknownReason = doubt;
      return;
    }
    a.unknownReason = a.encryptedDns ? 'encrypted_dns' : (session?.unknownReason(false) ?? 'no_handshake_seen');
  }

  isSettled(flow: InspectedFlow): boolean {
    return flow.inspection?.settled ?? true;
  }

  private onClientStream(flow: InspectedFlow, ins: FlowInspection, direction: Direction, p: Decoded): void {
    if (direction !== 'to_server') return;
    const stream = (ins.clientStream ??= new TcpStreamAssembler(this.limits.stream, this.counters));
    const bytes = stream.push(p.tcpSeq, p.tcpFlags, p.payload);
    if (!bytes || bytes.length === 0) {
      if (stream.overflowed) this.stop(ins);
      return;
    }
    const session = ins.session ?? this.recognise(flow, ins, this.byStream, bytes);
    if (session === undefined) return this.stop(ins);
    this.apply(ins, session.inspect(flow, direction, p, bytes));
  }

  private onClientDatagram(flow: InspectedFlow, ins: FlowInspection, p: Decoded): void {
    const session = ins.session ?? this.recognise(flow, ins, this.byDatagram, p.payload);
    if (session === undefined) return this.stop(ins);
    this.apply(ins, session.inspect(flow, 'to_server', p, p.payload));
  }

  /** The first analyzer, in registry order, that knows the flow's first payload starts following it. */
  private recognise(flow: Flow, ins: FlowInspection, candidates: readonly PayloadAnalyzer[], first: Uint8Array): AnalyzerSession | undefined {
    for (const analyzer of candidates) {
      if (analyzer.recognises(first)) return (ins.session = analyzer.open(flow, this.ctx));
    }
    return undefined;
  }

  private apply(ins: FlowInspection, verdict: InspectVerdict): void {
    if (verdict === 'more') return;
    if (verdict === 'done') return this.stop(ins);
    ins.settled = true;
  }

  private stop(ins: FlowInspection): void {
    ins.done = true;
    ins.settled = true;
    ins.clientStream = undefined;
    ins.session?.stop();
  }
}
