/**
 * Puts flows and DNS queries before the rules and turns hits into alerts, as
 * soon as the evidence is known. One alert per (flow, rule); repeats of the
 * same (device, destination, rule) inside the window are folded into the first.
 */
import type { DnsSeen } from '../attribution/dns/index.js';
import type { Counters } from '../counters.js';
import type { Flow } from '../flow/flow.js';
import type { AlertRecord, FoldedFlows } from '../records/ecs.js';
import type { RuleEngine } from '../rules/engine.js';
import { changingFactsFingerprint, flowFactsFromSnapshot } from '../rules/facts.js';
import type { DnsQueryFacts, RuleHit } from '../rules/types.js';
import type { FlowSnapshot, PacketOrigin } from '../types.js';
import type { RunProvenance } from '../records/provenance.js';
import { AlertSuppressor, buildAlertRecord, buildDnsQueryAlertRecord } from '../alerts/index.js';

export interface JudgeOutput {
  alert(record: AlertRecord): void;
  repeat(alertId: string, repeats: number, lastSeen: string, folded: FoldedFlows): void;
}

export class FlowJudge {
  /** Bumped by each rule reload, so a flow is judged again by the new rules. */
  private generation = 0;

  constructor(
    private engine: RuleEngine,
    private readonly suppressor: AlertSuppressor,
    private readonly out: JudgeOutput,
    private readonly counters: Counters,
    /** Run id and capture files stamped on every alert (records/provenance.ts). */
    private readonly provenance?: RunProvenance,
  ) {}

  /** Rules reloaded (SIGHUP): flows in progress are judged by the new rules from now on. */
  setEngine(engine: RuleEngine): void {
    this.engine = engine;
    this.generation++;
  }

  judgeFlow(flow: Flow, trigger: string): void {
    // The same facts under the same rules give the same hits, all already raised: most flows end as they were first judged.
    const fingerprint = `${this.generation}|${changingFactsFingerprint(flow)}`;
    if (flow.judgedFacts === fingerprint) return;
    flow.judgedFacts = fingerprint;
    const result = this.engine.matchFlow(flowFactsFromSnapshot(flow));
    if (result.allowedBy.length) this.counters.inc('alerts.allowed_by_rule', result.allowedBy.length);
    let snapshot: FlowSnapshot | undefined;
    for (const hit of result.alerts) {
      flow.alertedRules ??= new Set();
      if (flow.alertedRules.has(hit.rule.id)) continue;
      flow.alertedRules.add(hit.rule.id);
      snapshot ??= flow.snapshot();
      this.raise(buildAlertRecord(snapshot, hit, trigger, { tsSec: flow.lastTsSec, tsNsec: flow.lastTsNsec }, this.provenance), hit, flow.lastTs);
    }
  }

  /** `packet`: the query's packet in its capture file (replay), for the alert's provenance. */
  judgeDnsQuery(seen: DnsSeen, packet?: PacketOrigin): void {
    const { flow, message } = seen;
    for (const question of message.questions) {
      const facts: DnsQueryFacts = {
        device: { ip: flow.clientIp, ...(flow.clientMac ? { mac: flow.clientMac } : {}) },
        resolver: { ip: flow.serverIp, port: flow.serverPort, transport: flow.transport },
        resolverGeo: flow.geo,
        qname: question.name,
        qtype: question.type,
      };
      const origin = {
        flowUid: flow.uid,
        communityId: flow.communityId,
        clientPort: flow.clientPort,
        dnsId: message.id,
        startSeen: flow.startSeen,
        orientation: flow.orientation,
        ...(packet ? { packet } : {}),
      };
      for (const hit of this.engine.matchDnsQuery(facts).alerts) {
        this.raise(buildDnsQueryAlertRecord(origin, facts, hit, { tsSec: seen.packet.tsSec, tsNsec: seen.packet.tsNsec }, this.provenance), hit, seen.packet.ts);
      }
    }
  }

  private raise(record: AlertRecord, hit: RuleHit, ts: number): void {
    const verdict = this.suppressor.admit(record, ts);
    if (!verdict.emit) {
      this.counters.inc('alerts.suppressed_repeats');
      this.out.repeat(verdict.firstId, verdict.repeats, record['@timestamp'], verdict.folded);
      return;
    }
    this.counters.inc(`alerts.${hit.rule.severity}`);
    this.out.alert(record);
  }
}
