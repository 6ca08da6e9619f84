/**
 * What one concurrent flow really costs: distinct flows pushed through a whole
 * replay session (decode, flow table, GeoIP, attribution, judgement pending),
 * none ended, then heap (after a full GC) and RSS compared with before. The
 * flow table alone costs much less than this; the bounds in
 * src/config/memory-budget.ts are sized from this figure, so the bench fails
 * when the real cost outgrows the estimate.
 *
 * One transport per process, so the second measurement does not start on
 * pages the first one left behind:
 *
 *   NODE_OPTIONS=--expose-gc npx vite-node bench/flow-memory.ts udp|tcp|tls [flows]
 */
import { memoryUsage } from 'node:process';
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import { FLOW_HEAP_BYTES, FLOW_RSS_BYTES } from '../src/config/memory-budget.js';
import { Session } from '../src/engine/session.js';
import type { RawPacket } from '../src/types.js';
import { floodFrame } from '../test/support/flow-flood.js';
import { ACK, ETHERTYPE_IPV4, IPPROTO_TCP, PSH, SYN, ethernet, ipv4, tcp } from '../test/support/packet-builder.js';
import { buildClientHello, tlsRecords } from '../test/support/tls-client-hello-builder.js';

/** udp and tcp: one packet per flow (UDP 8 bytes, a TCP SYN); tls: a SYN then a ClientHello naming the flow's own server. */
type Mode = 'udp' | 'tcp' | 'tls';

function framesOf(i: number, mode: Mode): Uint8Array[] {
  if (mode !== 'tls') return [floodFrame(i, mode)];
  const ep = { src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dst: `52.84.${(i >> 8) & 255}.${i & 255}` };
  const port = 1024 + (i % 60_000);
  const frame = (flags: number, seq: number, payload?: Uint8Array) =>
    ethernet(ipv4(tcp(ep, { srcPort: port, dstPort: 443, flags, seq }, payload), { ...ep, protocol: IPPROTO_TCP }), { etherType: ETHERTYPE_IPV4 });
  const hello = tlsRecords(buildClientHello({ sni: `d${i}.drone-telemetry.example`, alpn: ['h2'], keyShareBytes: 32 }));
  return [frame(SYN, 0), frame(PSH | ACK, 1, hello)];
}

interface FlowMemoryResult {
  name: string;
  opsPerSec: number;
  nsPerOp: number;
  check: string;
  heapBytesPerFlow: number;
  rssBytesPerFlow: number;
}

const BATCH = 1024;

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with NODE_OPTIONS=--expose-gc: the per-flow figure needs a full collection');
  gc();
  gc();
}

async function measureFlowMemory(flows: number, mode: Mode): Promise<FlowMemoryResult> {
  const session = await Session.open({
    mode: 'replay',
    dbPath: null,
    stdoutFormat: 'none',
    events: 'alerts',
    stdout: process.stdout,
    warn: () => undefined,
    limits: { ...DEFAULT_LIMITS, flows: { ...DEFAULT_LIMITS.flows, maxFlows: flows } },
  });
  fullGc();
  const before = memoryUsage();
  const start = process.hrtime.bigint();
  for (let base = 0; base < flows; base += BATCH) {
    const batch: RawPacket[] = [];
    for (let i = base; i < Math.min(flows, base + BATCH); i++) {
      // All within half a second of packet time: no flow reaches a timeout.
      const tsNsec = Math.floor((i / flows) * 5e8);
      for (const data of framesOf(i, mode)) batch.push({ tsSec: 1_700_000_000, tsNsec, linkType: 1, data, wireLen: data.length, interfaceId: 0, sourceIndex: 0 });
    }
    session.pipeline.processBatch(batch);
  }
  const ns = Number(process.hrtime.bigint() - start) / flows;
  fullGc();
  const after = memoryUsage();
  const open = session.pipeline.flows.size;
  const heapBytesPerFlow = (after.heapUsed + after.external - before.heapUsed - before.external) / open;
  const rssBytesPerFlow = (after.rss - before.rss) / open;
  const fits = heapBytesPerFlow <= FLOW_HEAP_BYTES && rssBytesPerFlow <= FLOW_RSS_BYTES;
  const check = `${open === flows ? 'ok' : `only ${open} of ${flows} open`}; ${fits ? 'within' : 'OVER'} the estimate (${FLOW_HEAP_BYTES} B heap, ${FLOW_RSS_BYTES} B RSS)`;
  if (open !== flows || !fits) throw new Error(`wrong result: ${check}: ${heapBytesPerFlow.toFixed(0)} B heap, ${rssBytesPerFlow.toFixed(0)} B RSS per flow`);
  return {
    name: `${flows.toLocaleString('en-US')} concurrent ${mode.toUpperCase()} flows, whole pipeline (${(heapBytesPerFlow / 1024).toFixed(2)} KiB heap, ${(rssBytesPerFlow / 1024).toFixed(2)} KiB RSS per flow)`,
    opsPerSec: 1e9 / ns,
    nsPerOp: ns,
    check,
    heapBytesPerFlow,
    rssBytesPerFlow,
  };
}

const [transportArg, flowsArg] = process.argv.slice(2);
const mode: Mode = transportArg === 'tcp' || transportArg === 'tls' ? transportArg : 'udp';
process.stdout.write(`${JSON.stringify([await measureFlowMemory(Number(flowsArg ?? 200_000), mode)])}\n`);
