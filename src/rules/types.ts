/** The rule engine's public shapes: facts in, hits out. */
import type { AlertCategory } from '../records/ecs.js';
import type { GeoInfo, NameEvidence, NameSource, Severity, SpecialRange, Transport, UnknownNameReason } from '../types.js';
import type { Predicate } from './predicates.js';

export interface FlowFacts {
  device: { ip: string; mac?: string | undefined };
  destination: {
    ip: string;
    port: number;
    transport: Transport;
    domain?: string | undefined;
    nameSource?: NameSource | undefined;
    names: NameEvidence[];
    unknownName?: UnknownNameReason | undefined;
    /** The flow looks like encrypted DNS (Attribution.encryptedDns). */
    encryptedDns?: 'dot' | 'doq' | 'doh' | undefined;
  };
  geo: GeoInfo;
}

export interface DnsQueryFacts {
  device: { ip: string; mac?: string | undefined };
  resolver: { ip: string; port: number; transport: Transport };
  resolverGeo: GeoInfo;
  qname: string;
  qtype: string;
}

export type RuleAction = 'alert' | 'allow';

export interface CompiledRule {
  id: string;
  version: number;
  name: string;
  ruleset: string;
  rulesetVersion: string;
  action: RuleAction;
  /** Allow rules carry 'info' (they never raise an alert themselves). */
  severity: Severity;
  /** Allow rules carry 'policy'. */
  category: AlertCategory;
  purpose: string;
  source: string;
  confidence: 'H' | 'M' | 'L';
  file: string;
  /** 'flow' rules see FlowFacts; 'dns_query' rules (with a dns_query matcher) see DnsQueryFacts. */
  applies: 'flow' | 'dns_query';
  /** For allow rules: ids / `prefix.*` patterns of the alert rules they silence; undefined = all. */
  allows?: string[] | undefined;
  /** Conjunction: every predicate must hold. */
  predicates: Predicate[];
  /** Load order, used to keep hit order deterministic. */
  order: number;
}

export interface RuleSet {
  rules: CompiledRule[];
  /** Files actually loaded (files without `ruleset:` are skipped). */
  files: string[];
  /** `name@version` of each ruleset. */
  rulesets: { name: string; version: string; file: string; description: string }[];
}

export interface RuleHit {
  rule: CompiledRule;
  reasons: string[];
}

export interface MatchResult {
  /** Alert hits not silenced by an allow rule. */
  alerts: RuleHit[];
  /** Allow rules that matched (logged as the reason an alert did not fire). */
  allowedBy: RuleHit[];
  /** Alert hits that an allow rule silenced (kept for explain / audit). */
  suppressed: RuleHit[];
}

export type { SpecialRange };
