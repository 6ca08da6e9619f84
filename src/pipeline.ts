/**
 * The one place that wires the stages in order, per packet:
 *   decode -> flow table -> geo (new flows) -> attribution -> judge (rules, alerts) -> sinks
 * Attribution runs the analyzers of src/attribution/registry.ts (TLS, QUIC, HTTP, DNS).
 * Everything runs on packet time; the daemon drives `tick` from its clock.
 */
import { Attributor, type InspectedFlow } from './attribution/attributor.js';
import { DnsNameCache, type DnsSeen } from './attribution/dns/index.js';
import type { FlowInspection } from './attribution/flow-inspection.js';
import { builtInAnalyzers } from './attribution/registry.js';
import type { Counters } from './counters.js';
import { decodeFrame, type FragmentReassembler } from './decode/decode.js';
import type { DeviceSelector } from './detect/devices.js';
import type { FlowJudge } from './detect/judge.js';
import type { Flow } from './flow/flow.js';
import { FlowTable } from './flow/flow-table.js';
import { HeapPressure } from './util/heap-pressure.js';
import type { PipelineLimits } from './config/limits.js';
import { buildDnsRecord } from './records/dns-record.js';
import type { Dataset, FlowEndReason, GroundwatchRecord } from './records/ecs.js';
import { buildFlowRecord } from './records/flow-record.js';
import type { GeoLookup, PacketOrigin, RawPacket } from './types.js';
import type { RunProvenance } from './records/provenance.js';
import { OtherIpConversations } from './flow/other-conversations.js';
import { recordCoverage } from './detect/coverage.js';
import { isLocalAddress } from './detect/local-address.js';
import type { PacketKeeper } from './evidence/recorder.js';

export interface PipelineDeps {
  counters: Counters;
  limits: PipelineLimits;
  geo: GeoLookup;
  judge: FlowJudge;
  devices: DeviceSelector;
  reassembler: FragmentReassembler & { expire(now: number): void };
  write(record: GroundwatchRecord): void;
  /** False: nothing takes records of this dataset, so they are not built (absent: all are taken). */
  accepts?(dataset: Dataset): boolean;
  runId?: string;
  /** Keeps packets of judged flows as evidence candidates (evidence/recorder.ts). */
  packets?: PacketKeeper;
  /** Run id and capture files, stamped on every flow and DNS record. */
  provenance?: RunProvenance;
}

/** How often (packet time) idle flows and fragments are swept. */
const SWEEP_SECONDS = 1;
/** Part of the open flows ended when the heap nears V8's limit, and the fewest kept. */
const SHED_FRACTION = 0.25;
const SHED_MIN_FLOWS = 1000;

export class Pipeline {
  readonly flows: FlowTable<FlowInspection>;
  readonly otherConversations: OtherIpConversations;
  private readonly attributor: Attributor;
  private readonly pendingJudgement = new Set<Flow>();
  private lastSweep = -Infinity;
  private readonly heapPressure = new HeapPressure();
  /** Latest packet time seen: the pipeline's clock. */
  now = 0;
  /** The packet being processed: a new flow's first packet, a DNS message's packet. */
  private origin: PacketOrigin | undefined;
  /** Where the packet being processed is in its file; its PacketOrigin is made only when a flow starts or a DNS message is seen on it. */
  private originSource = 0;
  private originPacket: number | undefined;
  /** Some sink takes flow / DNS records: building one costs more than the rest of a flow's end. */
  private readonly writesFlows: boolean;
  private readonly writesDns: boolean;

  constructor(private readonly deps: PipelineDeps) {
    const { counters, limits } = deps;
    this.writesFlows = deps.accepts?.('groundwatch.flow') ?? true;
    this.writesDns = deps.accepts?.('groundwatch.dns') ?? true;
    this.flows = new FlowTable<FlowInspection>(limits.flows, counters, (flow, reason) => this.onFlowEnd(flow, reason), {
      devices: deps.devices,
      isLocalAddress,
    });
    this.otherConversations = new OtherIpConversations(limits.otherConversations, counters);
    const dnsCache = new DnsNameCache({ ...limits.dnsCache, counters });
    const analyzers = builtInAnalyzers({ cache: dnsCache, onDns: (seen) => this.onDns(seen) });
    this.attributor = new Attributor(analyzers, limits.attribution, counters, {
      onName: (flow, evidence) => {
        if (flow.evaluated) deps.judge.judgeFlow(flow, evidence.source);
      },
    });
  }

  processBatch(packets: RawPacket[]): void {
    for (let i = 0; i < packets.length; i++) this.processPacket(packets[i]!);
    // The bounds are sized from measured costs; this is the safety net when flows cost more than measured.
    if (this.heapPressure.take()) this.flows.shed(SHED_FRACTION, SHED_MIN_FLOWS);
  }

  processPacket(raw: RawPacket): void {
    const { counters } = this.deps;
    counters.inc('packets.received');
    this.origin = undefined;
    this.originSource = raw.sourceIndex;
    this.originPacket = raw.packetNumber;
    const p = decodeFrame(raw, { counters, reassembler: this.deps.reassembler });
    if (p === undefined) return;
    counters.inc('packets.decoded');
    if (p.ts > this.now) this.now = p.ts;
    if (this.now - this.lastSweep >= SWEEP_SECONDS) this.tick(this.now);
    if (p.transport !== 'tcp' && p.transport !== 'udp') {
      this.otherConversations.add(p);
      return;
    }
    const { flow, direction, isNew } = this.flows.track(p);
    if (isNew) {
      const origin = this.packetOrigin();
      if (origin) flow.origin = origin;
      this.onFlowStart(flow);
    }
    if (!flow.judged) return;
    this.deps.packets?.onPacket(flow, direction, raw, p.ts);
    this.attributor.onPacket(flow, direction, p);
    if (!flow.evaluated && (this.attributor.isSettled(flow) || p.ts - flow.firstTs >= this.deps.limits.nameWaitSeconds)) {
      this.judgeNow(flow, flow.attribution.source ?? 'first_packet');
    }
  }

  /** Sweeps timeouts; flows still waiting for a name are judged once the wait is over. */
  tick(now: number): void {
    this.lastSweep = now;
    this.flows.expire(now);
    this.deps.reassembler.expire(now);
    for (const flow of this.pendingJudgement) {
      if (now - flow.firstTs >= this.deps.limits.nameWaitSeconds) this.judgeNow(flow, flow.attribution.source ?? 'first_packet');
    }
  }

  /** End of input (or shutdown): open flows are written, `max` at a time so the caller can flush between rounds; returns how many are left. */
  finishSome(reason: FlowEndReason, max: number): number {
    return this.flows.endSome(reason, max);
  }

  /** The packet being processed as a PacketOrigin (one object per packet, made on first use). */
  private packetOrigin(): PacketOrigin | undefined {
    // A packet without a number (live capture) has no origin.
    if (this.origin === undefined && this.originPacket !== undefined) this.origin = { sourceIndex: this.originSource, packetNumber: this.originPacket };
    return this.origin;
  }

  private onFlowStart(flow: InspectedFlow): void {
    flow.judged = this.deps.devices.matches(flow.clientIp, flow.clientMac);
    if (!flow.judged) {
      this.deps.counters.inc('flow.not_judged');
      return;
    }
    flow.geo = this.deps.geo.lookup(flow.serverIp);
    this.attributor.onFlowStart(flow);
    this.pendingJudgement.add(flow);
  }

  private judgeNow(flow: Flow, trigger: string): void {
    flow.evaluated = true;
    this.pendingJudgement.delete(flow);
    this.deps.judge.judgeFlow(flow, trigger);
  }

  private onFlowEnd(flow: InspectedFlow, reason: FlowEndReason): void {
    this.pendingJudgement.delete(flow);
    if (!flow.judged) return;
    this.attributor.finish(flow);
    // A flow judged before its name question was answered is judged again with the final facts.
    this.deps.judge.judgeFlow(flow, flow.evaluated ? 'flow_end' : (flow.attribution.source ?? 'flow_end'));
    flow.evaluated = true;
    recordCoverage(this.deps.counters, flow);
    if (this.writesFlows) this.deps.write(buildFlowRecord(flow, reason, this.deps.provenance));
  }

  private onDns(seen: DnsSeen): void {
    const origin = this.packetOrigin();
    if (this.writesDns) this.deps.write(buildDnsRecord(seen, this.deps.provenance, origin));
    if (!seen.message.isResponse && seen.direction === 'to_server') this.deps.judge.judgeDnsQuery(seen, origin);
  }
}
