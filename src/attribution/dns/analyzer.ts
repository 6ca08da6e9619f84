/**
 * DNS on port 53, over UDP or TCP: claimed by its port, every message parsed both ways. Its
 * answers name later flows (the DNS name cache); its own flows are not named.
 */
import type { Direction, Flow } from '../../flow/flow.js';
import { TcpStreamAssembler } from '../../flow/tcp-stream.js';
import type { Decoded, UnknownNameReason } from '../../types.js';
import { countAnomaly } from '../../counters.js';
import type { AnalyzerContext, AnalyzerSession, InspectVerdict, PortAnalyzer } from '../analyzer.js';
import { encryptedDnsByPort } from '../encrypted-dns.js';
import { parseDnsMessage } from './dns-message.js';
import type { DnsNameCache } from './dns-name-cache.js';
import { resolveAnswers } from './dns-resolve.js';
import type { DnsSeen } from './dns-seen.js';
import { DnsTcpFramer } from './dns-tcp-framer.js';

const DNS_PORT = 53;

export interface DnsAnalyzerDeps {
  /** Learns from answers; names later flows of the same client. */
  cache: DnsNameCache;
  /** Every message parsed (DNS records, query rules). */
  onDns(seen: DnsSeen): void;
}

class DnsSession implements AnalyzerSession {
  private toServerStream: TcpStreamAssembler | undefined;
  private toClientStream: TcpStreamAssembler | undefined;
  private toServerFramer: DnsTcpFramer | undefined;
  private toClientFramer: DnsTcpFramer | undefined;

  constructor(
    private readonly deps: DnsAnalyzerDeps,
    private readonly ctx: AnalyzerContext,
  ) {}

  /** A DNS flow's own name is never inspected, so it is settled from its first packet on. */
  inspect(flow: Flow, direction: Direction, p: Decoded, payload: Uint8Array): InspectVerdict {
    if (flow.transport === 'udp') this.onMessage(flow, direction, p, payload);
    else if (flow.transport === 'tcp') this.onSegment(flow, direction, p);
    return 'settled';
  }

  stop(): void {
    this.toServerStream = this.toClientStream = undefined;
    this.toServerFramer = this.toClientFramer = undefined;
  }

  unknownReason(named: boolean): UnknownNameReason | undefined {
    return named ? undefined : 'not_inspected';
  }

  private onSegment(flow: Flow, direction: Direction, p: Decoded): void {
    const toServer = direction === 'to_server';
    const stream = toServer ? (this.toServerStream ??= this.newStream()) : (this.toClientStream ??= this.newStream());
    const bytes = stream.push(p.tcpSeq, p.tcpFlags, p.payload);
    if (!bytes) return;
    const { counters } = this.ctx;
    const framer = toServer ? (this.toServerFramer ??= new DnsTcpFramer({ counters })) : (this.toClientFramer ??= new DnsTcpFramer({ counters }));
    for (const message of framer.push(bytes)) this.onMessage(flow, direction, p, message);
  }

  /** DNS over TCP is followed for the whole connection: its stream has no byte bound. */
  private newStream(): TcpStreamAssembler {
    return new TcpStreamAssembler({ ...this.ctx.limits.stream, maxBytes: Number.MAX_SAFE_INTEGER }, this.ctx.counters);
  }

  private onMessage(flow: Flow, direction: Direction, p: Decoded, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const { counters } = this.ctx;
    const r = parseDnsMessage(bytes);
    if (r.status !== 'found') {
      countAnomaly(counters, 'dns', r.status === 'invalid' ? r.reason : 'truncated');
      return;
    }
    const message = r.value;
    // The answers present are used all the same (tshark decodes them too); the shortfall is an anomaly.
    if (message.answersMissing > 0) counters.inc('anomaly.dns.answers_missing');
    counters.inc(message.isResponse ? 'dns.responses' : 'dns.queries');
    if (message.isResponse) {
      for (const resolution of resolveAnswers(message, counters)) this.deps.cache.learn(p.dst, resolution, p.ts, p.src);
    }
    this.deps.onDns({ flow, direction, message, packet: p });
  }
}

export function dnsAnalyzer(deps: DnsAnalyzerDeps): PortAnalyzer {
  return {
    name: 'dns',
    yields: 'dns',
    input: 'claimed_packets',
    claims: (flow) => flow.serverPort === DNS_PORT || flow.clientPort === DNS_PORT,
    /** Every flow: DNS over TLS or QUIC by its port, and the name an earlier answer gave this client for the server's address. */
    onFlowStart(flow, ctx) {
      const byPort = encryptedDnsByPort(flow.transport, flow.serverPort);
      if (byPort) flow.attribution.encryptedDns = byPort;
      const cached = deps.cache.lookup(flow.clientIp, flow.serverIp, flow.firstTs);
      if (cached) ctx.learn(flow, cached);
    },
    open: (_flow, ctx) => new DnsSession(deps, ctx),
  };
}
