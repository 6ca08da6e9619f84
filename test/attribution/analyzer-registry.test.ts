/**
 * A protocol is added by registering its analyzer: the attributor uses one it has never heard
 * of. The test analyzer reads SOCKS5 (RFC 1928): the client's greeting (VER 5, NMETHODS,
 * METHODS), then its request (VER 5, CMD, RSV 0, ATYP, DST.ADDR, DST.PORT); with ATYP 3
 * (DOMAINNAME) the destination's name is in the request. The bytes below are written from the
 * RFC's section 3 and 4 layouts, and the names expected are the ones written into them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { AnalyzerContext, AnalyzerSession, InspectVerdict, PayloadAnalyzer } from '../../src/attribution/analyzer.js';
import { Attributor } from '../../src/attribution/attributor.js';
import { DnsNameCache } from '../../src/attribution/dns/index.js';
import type { FlowInspection } from '../../src/attribution/flow-inspection.js';
import { builtInAnalyzers } from '../../src/attribution/registry.js';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import { Counters } from '../../src/counters.js';
import { decodeFrame } from '../../src/decode/decode.js';
import type { Direction, Flow } from '../../src/flow/flow.js';
import { FlowTable } from '../../src/flow/flow-table.js';
import type { Decoded, NameEvidence, UnknownNameReason } from '../../src/types.js';
import { ACK, ETHERTYPE_IPV4, IPPROTO_TCP, PSH, SYN, ascii, concat, ethernet, ipv4, tcp } from '../support/packet-builder.js';

const SOCKS_VERSION = 5;
const ATYP_IPV4 = 1;
const ATYP_DOMAINNAME = 3;

/** Test-only analyzer: nothing in src/ knows SOCKS. */
class SocksSession implements AnalyzerSession {
  private buffered: Uint8Array = new Uint8Array(0);
  private sawAddressOnly = false;

  constructor(private readonly ctx: AnalyzerContext) {}

  inspect(flow: Flow, _direction: Direction, p: Decoded, bytes: Uint8Array): InspectVerdict {
    this.buffered = concat(this.buffered, bytes);
    const b = this.buffered;
    const request = 2 + b[1]!; // after the greeting: VER, NMETHODS, METHODS
    if (b.length < request + 5) return 'more';
    const atyp = b[request + 3]!;
    if (atyp === ATYP_IPV4) {
      this.sawAddressOnly = true;
      return 'done';
    }
    if (atyp !== ATYP_DOMAINNAME) return 'done';
    const length = b[request + 4]!;
    if (b.length < request + 5 + length) return 'more';
    const host = Buffer.from(b.subarray(request + 5, request + 5 + length)).toString('latin1');
    // The name vocabulary is closed (types.ts, rules, telemetry); a host the client sent in clear is the nearest.
    this.ctx.learn(flow, { host, source: 'http_host', ts: p.ts });
    return 'done';
  }

  stop(): void {
    this.buffered = new Uint8Array(0);
  }

  unknownReason(named: boolean): UnknownNameReason | undefined {
    return !named && this.sawAddressOnly ? 'not_inspected' : undefined;
  }
}

const socksAnalyzer: PayloadAnalyzer = {
  name: 'socks5',
  yields: 'http_host',
  input: 'client_stream',
  recognises: (first) => first.length >= 3 && first[0] === SOCKS_VERSION && first[1]! >= 1,
  open: (_flow, ctx) => new SocksSession(ctx),
};

const CLIENT = '10.0.0.5';
const PROXY = '198.51.100.7';

function segment(seq: number, flags: number, payload: Uint8Array, ts: number): Decoded {
  const ep = { src: CLIENT, dst: PROXY };
  const frame = ethernet(ipv4(tcp(ep, { srcPort: 50_000, dstPort: 1080, flags, seq, ack: 1 }, payload), { ...ep, protocol: IPPROTO_TCP }), { etherType: ETHERTYPE_IPV4 });
  const p = decodeFrame({ tsSec: ts, tsNsec: 0, linkType: 1, data: frame, wireLen: frame.length, interfaceId: 0, sourceIndex: 0 }, { counters: new Counters() });
  if (p === undefined) throw new Error('test frame did not decode');
  return p;
}

const greeting = Uint8Array.of(SOCKS_VERSION, 1, 0); // one method: no authentication
const byName = (name: string) => concat(Uint8Array.of(SOCKS_VERSION, 1, 0, ATYP_DOMAINNAME, name.length), ascii(name), Uint8Array.of(0x01, 0xbb));
const byAddress = Uint8Array.of(SOCKS_VERSION, 1, 0, ATYP_IPV4, 203, 0, 113, 9, 0x01, 0xbb);

/** Replays SYN, greeting, request through a FlowTable and an Attributor given these analyzers. */
function replay(withSocks: boolean, request: Uint8Array) {
  const counters = new Counters();
  const named: NameEvidence[] = [];
  const ended: Flow<FlowInspection>[] = [];
  const analyzers = builtInAnalyzers({ cache: new DnsNameCache({ counters }), onDns: () => undefined });
  const attributor = new Attributor(withSocks ? [...analyzers, socksAnalyzer] : analyzers, DEFAULT_LIMITS.attribution, counters, {
    onName: (_flow, evidence) => named.push(evidence),
  });
  const flows = new FlowTable<FlowInspection>(DEFAULT_LIMITS.flows, counters, (flow) => ended.push(flow));
  const settled: boolean[] = [];
  const packets = [segment(100, SYN, new Uint8Array(0), 1), segment(101, PSH | ACK, greeting, 2), segment(101 + greeting.length, PSH | ACK, request, 3)];
  for (const p of packets) {
    const { flow, direction, isNew } = flows.track(p);
    if (isNew) attributor.onFlowStart(flow);
    attributor.onPacket(flow, direction, p);
    settled.push(attributor.isSettled(flow));
  }
  flows.endSome('end_of_input', 10);
  const flow = ended[0]!;
  attributor.finish(flow);
  return { attribution: flow.attribution, named, settled };
}

describe('analyzers come from the registry, not from the attributor', () => {
  it('a test-only analyzer added to the list names a flow the built-in ones cannot', () => {
    const r = replay(true, byName('Proxied.Example.org'));
    expect(r.attribution.host).toBe('proxied.example.org');
    expect(r.attribution.source).toBe('http_host');
    expect(r.attribution.unknownReason).toBeUndefined();
    // The event carries the evidence as sent; the flow's name is folded (RFC 4343).
    expect(r.named.map((e) => e.host)).toEqual(['Proxied.Example.org']);
    // Settled once the request is read, not on the greeting alone.
    expect(r.settled).toEqual([false, false, true]);
  });

  it('without it the same flow has no name and no handshake', () => {
    const r = replay(false, byName('proxied.example.org'));
    expect(r.attribution.host).toBeUndefined();
    expect(r.attribution.unknownReason).toBe('no_handshake_seen');
    // No built-in analyzer knows the first bytes: the flow is settled on them.
    expect(r.settled).toEqual([false, true, true]);
  });

  it("the analyzer's own reason is the flow's when it learned no name", () => {
    const r = replay(true, byAddress);
    expect(r.attribution.host).toBeUndefined();
    expect(r.attribution.unknownReason).toBe('not_inspected');
  });

  it('the attributor imports no protocol folder', () => {
    const file = resolve(__dirname, '../../src/attribution/attributor.ts');
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    expect(imports.length).toBeGreaterThan(3);
    expect(imports.filter((i) => /^\.\/(dns|http|quic|tls)\//.test(i) || /encrypted-dns/.test(i))).toEqual([]);
  });
});
