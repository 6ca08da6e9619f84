/**
 * Learns each flow's name from what its packets show (TLS SNI, QUIC SNI, HTTP
 * Host) and from DNS answers seen earlier, and says why when no name can be
 * learned. Analyzers report what they saw; rules/ decides what it means.
 */
import { countAnomaly, type Counters } from '../counters.js';
import type { Direction, Flow } from '../flow/flow.js';
import { TcpStreamAssembler, type TcpStreamLimits } from '../flow/tcp-stream.js';
import type { Decoded, NameEvidence } from '../types.js';
import { DnsNameCache, DnsTcpFramer, parseDnsMessage, resolveAnswers, type DnsMessage } from './dns/index.js';
import { encryptedDnsByPort, looksLikeDoh } from './encrypted-dns.js';
import { looksLikeHttpRequest, parseHttpRequestHead } from './http/index.js';
import { newInspection, type Inspection } from './inspection.js';
import { addNameEvidence } from './names.js';
import { looksLikeQuicInitial, QUIC_REASONS_COUNTED_HERE, QuicInitialTracker } from './quic/index.js';
import { looksLikeTls, TLS_REASONS_COUNTED_HERE, TlsClientHelloAssembler, type ClientHelloInfo } from './tls/index.js';

export interface DnsSeen {
  flow: Flow;
  direction: Direction;
  message: DnsMessage;
  packet: Decoded;
}

export interface AttributorEvents {
  /** The flow's chosen name changed (rules may now match). */
  onName(flow: Flow, evidence: NameEvidence): void;
  onDns(seen: DnsSeen): void;
}

export interface AttributorLimits {
  stream: TcpStreamLimits;
  maxHttpHeadBytes: number;
  /** Client datagrams of a UDP flow inspected for a QUIC Initial before giving up. */
  maxQuicDatagrams: number;
}

const DNS_PORT = 53;

export class Attributor {
  constructor(
    private readonly dnsCache: DnsNameCache,
    private readonly limits: AttributorLimits,
    private readonly counters: Counters,
    private readonly events: AttributorEvents,
  ) {}

  onFlowStart(flow: Flow): void {
    const ins = newInspection();
    flow.inspection = ins;
    const byPort = encryptedDnsByPort(flow.transport, flow.serverPort);
    if (byPort) flow.attribution.encryptedDns = byPort;
    if (flow.serverPort === DNS_PORT || flow.clientPort === DNS_PORT) ins.mode = 'dns';
    const cached = this.dnsCache.lookup(flow.clientIp, flow.serverIp, flow.firstTs);
    if (cached) this.learn(flow, cached);
  }

  onPacket(flow: Flow, direction: Direction, p: Decoded): void {
    const ins = flow.inspection as Inspection;
    if (ins.mode === 'done') return;
    if (ins.mode === 'dns') return this.onDnsPacket(flow, ins, direction, p);
    if (flow.transport === 'tcp') this.onTcp(flow, ins, direction, p);
    else if (flow.transport === 'udp' && direction === 'to_server') this.onUdp(flow, ins, p);
  }

  /** At the end of a flow: say why it has no name, when it has none. */
  finish(flow: Flow): void {
    const a = flow.attribution;
    const ins = flow.inspection as Inspection | undefined;
    if (a.tls?.ech) a.unknownReason = 'tls_ech';
    if (a.host !== undefined) return;
    if (a.encryptedDns) a.unknownReason = 'encrypted_dns';
    else if (ins?.mode === 'dns') a.unknownReason = 'not_inspected';
    else if (ins?.sawTlsWithoutSni) a.unknownReason = 'tls_no_sni';
    else if (ins?.sawQuicWithoutSni) a.unknownReason = 'quic_no_sni';
    else a.unknownReason = 'no_handshake_seen';
  }

  isSettled(flow: Flow): boolean {
    return (flow.inspection as Inspection | undefined)?.settled ?? true;
  }

  private onTcp(flow: Flow, ins: Inspection, direction: Direction, p: Decoded): void {
    if (direction !== 'to_server') return;
    ins.clientStream ??= new TcpStreamAssembler(this.limits.stream, this.counters);
    const bytes = ins.clientStream.push(p.tcpSeq, p.tcpFlags, p.payload);
    if (!bytes || bytes.length === 0) {
      if (ins.clientStream.overflowed) this.stop(ins);
      return;
    }
    if (ins.mode === 'undecided') ins.mode = looksLikeTls(bytes) ? 'tls' : looksLikeHttpRequest(bytes) ? 'http' : 'done';
    if (ins.mode === 'tls') this.onTlsBytes(flow, ins, bytes);
    else if (ins.mode === 'http') this.onHttpBytes(flow, ins, bytes);
    else this.stop(ins);
  }

  private onTlsBytes(flow: Flow, ins: Inspection, bytes: Uint8Array): void {
    ins.tls ??= new TlsClientHelloAssembler({ maxBytes: this.limits.stream.maxBytes, counters: this.counters });
    const r = ins.tls.push(bytes);
    if (r.status === 'need_more') return;
    this.stop(ins);
    if (r.status === 'invalid') {
      this.countInvalid('tls', r.reason, TLS_REASONS_COUNTED_HERE);
      return;
    }
    this.onClientHello(flow, ins, r.value, 'tls_sni', flow.lastTs);
  }

  private onClientHello(flow: Flow, ins: Inspection, hello: ClientHelloInfo, source: 'tls_sni' | 'quic_sni', ts: number): void {
    const a = flow.attribution;
    const facts = { version: hello.version, alpn: hello.alpn, ...(hello.sni !== undefined ? { sni: hello.sni } : {}) };
    if (source === 'tls_sni') a.tls = { ...facts, ech: hello.hasEch };
    else a.quic = { ...facts, version: a.quic?.version ?? hello.version };
    if (looksLikeDoh(flow.serverIp, flow.serverPort, hello.sni?.toLowerCase())) a.encryptedDns = 'doh';
    if (hello.sni === undefined || hello.sni === '') {
      if (source === 'tls_sni') ins.sawTlsWithoutSni = true;
      else ins.sawQuicWithoutSni = true;
      return;
    }
    this.counters.inc(`names.${source}`);
    this.learn(flow, { host: hello.sni, source, ts });
  }

  private onHttpBytes(flow: Flow, ins: Inspection, bytes: Uint8Array): void {
    (ins.http ??= []).push(bytes);
    ins.httpBytes = (ins.httpBytes ?? 0) + bytes.length;
    const head = ins.http.length === 1 ? ins.http[0]! : Buffer.concat(ins.http);
    ins.http = [head];
    const r = parseHttpRequestHead(head);
    if (r.status === 'need_more' && ins.httpBytes < this.limits.maxHttpHeadBytes) return;
    this.stop(ins);
    ins.http = undefined;
    if (r.status !== 'found') {
      countAnomaly(this.counters, 'http', r.status === 'invalid' ? r.reason : 'too_large');
      return;
    }
    flow.attribution.http = { method: r.value.method, ...(r.value.host !== undefined ? { host: r.value.host } : {}) };
    if (r.value.host !== undefined && !r.value.hostIsIpLiteral) {
      this.counters.inc('names.http_host');
      this.learn(flow, { host: r.value.host, source: 'http_host', ts: flow.lastTs });
    }
  }

  private onUdp(flow: Flow, ins: Inspection, p: Decoded): void {
    if (ins.mode === 'undecided') {
      if (!looksLikeQuicInitial(p.payload)) return this.stop(ins);
      ins.mode = 'quic';
    }
    ins.quic ??= new QuicInitialTracker({ counters: this.counters });
    ins.quicDatagrams = (ins.quicDatagrams ?? 0) + 1;
    const r = ins.quic.pushClientDatagram(p.payload);
    // A datagram that fails to decrypt (e.g. keys of an unseen Retry) does not end the search; later Initials may.
    if (r.status === 'invalid' && !ins.quic.done) {
      this.countInvalid('quic', r.reason, QUIC_REASONS_COUNTED_HERE);
      if (ins.quicDatagrams >= this.limits.maxQuicDatagrams) this.stop(ins);
      return;
    }
    if (r.status === 'need_more') {
      if (ins.quicDatagrams >= this.limits.maxQuicDatagrams) {
        this.counters.inc('anomaly.quic.gave_up');
        this.stop(ins);
      }
      return;
    }
    this.stop(ins);
    if (r.status === 'invalid') {
      this.countInvalid('quic', r.reason, QUIC_REASONS_COUNTED_HERE);
      return;
    }
    flow.attribution.quic = { version: r.value.version };
    this.onClientHello(flow, ins, r.value.clientHello, 'quic_sni', p.ts);
  }

  private onDnsPacket(flow: Flow, ins: Inspection, direction: Direction, p: Decoded): void {
    ins.settled = true;
    if (flow.transport === 'udp') return this.onDnsMessage(flow, direction, p, p.payload);
    if (flow.transport !== 'tcp') return;
    const side = direction === 'to_server' ? 'clientStream' : 'serverStream';
    const stream = (ins[side] ??= new TcpStreamAssembler({ ...this.limits.stream, maxBytes: Number.MAX_SAFE_INTEGER }, this.counters));
    const bytes = stream.push(p.tcpSeq, p.tcpFlags, p.payload);
    if (!bytes) return;
    const framer = direction === 'to_server' ? (ins.dnsToServer ??= new DnsTcpFramer({ counters: this.counters })) : (ins.dnsToClient ??= new DnsTcpFramer({ counters: this.counters }));
    for (const msg of framer.push(bytes)) this.onDnsMessage(flow, direction, p, msg);
  }

  private onDnsMessage(flow: Flow, direction: Direction, p: Decoded, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const r = parseDnsMessage(bytes);
    if (r.status !== 'found') {
      countAnomaly(this.counters, 'dns', r.status === 'invalid' ? r.reason : 'truncated');
      return;
    }
    const message = r.value;
    // The answers present are used all the same (tshark decodes them too); the shortfall is an anomaly.
    if (message.answersMissing > 0) this.counters.inc('anomaly.dns.answers_missing');
    this.counters.inc(message.isResponse ? 'dns.responses' : 'dns.queries');
    if (message.isResponse) {
      for (const resolution of resolveAnswers(message, this.counters)) this.dnsCache.learn(p.dst, resolution, p.ts, p.src);
    }
    this.events.onDns({ flow, direction, message, packet: p });
  }

  /** Limit hits are counted by the parsers themselves; everything else is counted here, once. */
  private countInvalid(stage: string, reason: string, countedThere: ReadonlySet<string>): void {
    if (!countedThere.has(reason)) countAnomaly(this.counters, stage, reason);
  }

  private learn(flow: Flow, evidence: NameEvidence): void {
    if (addNameEvidence(flow.attribution, evidence)) this.events.onName(flow, evidence);
  }

  private stop(ins: Inspection): void {
    ins.mode = 'done';
    ins.settled = true;
    ins.clientStream = undefined;
    ins.tls = undefined;
    ins.quic = undefined;
  }
}
