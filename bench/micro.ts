/**
 * Micro-benchmarks of the hot functions, each checking its own answer (a fast
 * wrong answer fails the bench). Prints one JSON array on its last line.
 *
 *   npx vite-node bench/micro.ts
 */
import dnsPacket from 'dns-packet';
import { parseClientHello } from '../src/attribution/tls/index.js';
import { parseDnsMessage } from '../src/attribution/dns/index.js';
import { QuicInitialTracker } from '../src/attribution/quic/index.js';
import { Counters } from '../src/counters.js';
import { decodeFrame } from '../src/decode/decode.js';
import { GeoResolver } from '../src/enrich/index.js';
import { communityId } from '../src/flow/community-id.js';
import { DEFAULT_FLOW_LIMITS, FlowTable } from '../src/flow/flow-table.js';
import { generateSyntheticRules, syntheticFlowFacts } from './bench-rules.js';
import { RuleEngine } from '../src/rules/engine.js';
import type { Decoded, RawPacket } from '../src/types.js';
import { V1_CLIENT_INITIAL } from '../test/attribution/quic/rfc-vectors.js';
import { buildClientHello, tlsRecords } from '../test/support/tls-client-hello-builder.js';
import { ACK, ETHERTYPE_IPV4, IPPROTO_TCP, PSH, ethernet, ipv4, tcp } from '../test/support/packet-builder.js';

interface Result {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  check: string;
}

const results: Result[] = [];

function bench(name: string, fn: (i: number) => unknown, check: (last: unknown) => string, minMs = 300): void {
  let last: unknown;
  for (let i = 0; i < 2000; i++) last = fn(i); // warm up
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(minMs) * 1_000_000n) {
    for (let i = 0; i < 1000; i++) last = fn(ops + i);
    ops += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  const verdict = check(last);
  const ns = Number(elapsed) / ops;
  results.push({ name, opsPerSec: 1e9 / ns, nsPerOp: ns, check: verdict });
}

function must(cond: boolean, what: string): string {
  if (!cond) throw new Error(`wrong result: ${what}`);
  return 'ok';
}

const hello = buildClientHello({ sni: 'flysafe-api.dji.com', alpn: ['h2'], keyShareBytes: 32 });
const frame = ethernet(
  ipv4(tcp({ src: '10.0.0.5', dst: '120.24.10.20' }, { srcPort: 50000, dstPort: 443, flags: PSH | ACK, seq: 1, ack: 1 }, tlsRecords(hello)), { src: '10.0.0.5', dst: '120.24.10.20', protocol: IPPROTO_TCP }),
  { etherType: ETHERTYPE_IPV4 },
);
const raw: RawPacket = { tsSec: 1_767_225_600, tsNsec: 0, linkType: 1, data: frame, wireLen: frame.length, interfaceId: 0, sourceIndex: 0 };
const counters = new Counters();

bench('decodeFrame (Ethernet/IPv4/TCP)', () => decodeFrame(raw, { counters }), (p) => must((p as Decoded).dstPort === 443 && (p as Decoded).dst === '120.24.10.20', 'decoded dst'));

const d0 = decodeFrame(raw, { counters })!;
// A plain object with the decoder's fields (the flow table reads no more than these).
const decoded: Decoded = {
  ts: d0.ts, tsSec: d0.tsSec, tsNsec: d0.tsNsec, ipVersion: 4, src: d0.src, dst: d0.dst, protocol: d0.protocol, transport: d0.transport,
  srcPort: d0.srcPort, dstPort: d0.dstPort, tcpFlags: d0.tcpFlags, tcpSeq: d0.tcpSeq, tcpAck: d0.tcpAck, payload: d0.payload, ipLen: d0.ipLen,
  truncated: false, ttl: d0.ttl,
};
const table = new FlowTable(DEFAULT_FLOW_LIMITS, counters, () => undefined);
const flowPackets: Decoded[] = Array.from({ length: 10_000 }, (_, i) => ({ ...decoded, srcPort: 10_000 + i }));
bench('FlowTable.track (10,000 live flows)', (i) => table.track(flowPackets[i % 10_000]!), () => must(table.size === 10_000, `table size ${table.size}`));

bench('parseClientHello', () => parseClientHello(hello), (r) => must((r as { status: string; value?: { sni?: string } }).value?.sni === 'flysafe-api.dji.com', 'sni'));

const dnsAnswer = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'flysafe-api.dji.com' }], answers: [{ type: 'CNAME', name: 'flysafe-api.dji.com', data: 'flysafe.cdn.example' }, { type: 'A', name: 'flysafe.cdn.example', ttl: 60, data: '120.24.10.20' }] });
bench('parseDnsMessage (CNAME + A)', () => parseDnsMessage(dnsAnswer), (r) => must((r as { value?: { answers: { data: string }[] } }).value?.answers[1]?.data === '120.24.10.20', 'A data'));

bench('QUIC v1 Initial decrypt + ClientHello (RFC 9001 A.2)', () => new QuicInitialTracker().pushClientDatagram(V1_CLIENT_INITIAL.packet), (r) => must((r as { value?: { clientHello: { sni?: string } } }).value?.clientHello.sni === 'example.com', 'RFC 9001 SNI'), 400);

bench('communityId (TCP v4)', () => communityId('1.2.3.4', '5.6.7.8', 1122, 3344, 6), (r) => must(r === '1:wCb3OG7yAFWelaUydu0D+125CLM=', 'spec vector'));

for (const n of [10, 10_000]) {
  const engine = new RuleEngine(generateSyntheticRules(n));
  const facts = Array.from({ length: 10 }, (_, k) => syntheticFlowFacts((k * 7919) % n));
  bench(`rules match, ${n.toLocaleString('en-US')} rules`, (i) => engine.matchFlow(facts[i % 10]!), (r) => must((r as { alerts: unknown[] }).alerts.length === 1, 'exactly one hit'));
}

const geo = await GeoResolver.open({ searchSystemDirs: false });
const addresses = Array.from({ length: 50_000 }, (_, i) => `${1 + (i % 223)}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 256}`);
bench('GeoResolver.lookup (50,000 distinct, cache misses)', (i) => geo.lookup(addresses[i % 50_000]!), () => must(geo.lookup('120.24.10.20').countryIso === 'CN' && geo.lookup('120.24.10.20').operatorCountry === 'CN', '120.24.10.20 CN / operator CN'));
bench('GeoResolver.lookup (cached)', () => geo.lookup('8.8.8.8'), (r) => must((r as { asn?: number }).asn === 15169, 'AS15169'));

// One million concurrent flows inside the configured bound, evictions counted. This is the flow
// table alone: what a flow costs through the whole pipeline is bench/flow-memory.ts.
{
  const bounded = new Counters();
  const limit = 1_000_000;
  const big = new FlowTable({ ...DEFAULT_FLOW_LIMITS, maxFlows: limit }, bounded, () => undefined);
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  const total = 1_200_000;
  for (let i = 0; i < total; i++) {
    big.track({ ...decoded, src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, srcPort: 1024 + (i % 50_000) });
  }
  const ns = Number(process.hrtime.bigint() - start) / total;
  global.gc?.();
  const perFlow = (process.memoryUsage().heapUsed - before) / big.size;
  const evicted = bounded.get('flow.evicted');
  results.push({
    name: `1M concurrent flows, flow table alone (${(perFlow / 1024).toFixed(2)} KiB/flow heap)`,
    opsPerSec: 1e9 / ns,
    nsPerOp: ns,
    check: must(big.size === limit && evicted === total - limit, `size ${big.size}, evicted ${evicted}`) + ` (${evicted.toLocaleString('en-US')} evicted)`,
  });
}

process.stdout.write(`${JSON.stringify(results)}\n`);
