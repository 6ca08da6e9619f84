/**
 * The rule engine: compiled rules behind indexes, matched against one flow
 * or one DNS query. Returns every matching rule with every reason, and
 * applies allow rules (see rules/README.md, "Allow rules").
 */
import { dnsQueryContext, flowContext, type MatchContext } from './context.js';
import { testAll, type EvalCounter } from './predicates.js';
import { RuleIndex } from './rule-index.js';
import type { CompiledRule, DnsQueryFacts, FlowFacts, MatchResult, RuleHit, RuleSet } from './types.js';

export class RuleEngine {
  readonly rules: CompiledRule[];
  /** Predicate evaluations so far (all matches); the bench and tests read it. */
  readonly counter: EvalCounter = { evaluations: 0 };
  private readonly flowIndex = new RuleIndex();
  private readonly dnsIndex = new RuleIndex();

  constructor(ruleSet: RuleSet) {
    this.rules = ruleSet.rules;
    this.rules.forEach((r, slot) => (r.applies === 'flow' ? this.flowIndex : this.dnsIndex).add(r, slot));
  }

  matchFlow(f: FlowFacts): MatchResult {
    return this.run(this.flowIndex, flowContext(f));
  }

  matchDnsQuery(q: DnsQueryFacts): MatchResult {
    return this.run(this.dnsIndex, dnsQueryContext(q));
  }

  private run(index: RuleIndex, ctx: MatchContext): MatchResult {
    const hits: RuleHit[] = [];
    for (const slot of index.candidates(ctx)) {
      const rule = this.rules[slot];
      if (!rule) continue;
      const reasons = testAll(rule.predicates, ctx, this.counter);
      if (reasons) hits.push({ rule, reasons });
    }
    return applyAllows(hits);
  }
}

/**
 * Allow rules silence the alert hits of the same flow whose rule id they
 * name (exactly, or by `prefix.*`), or every alert hit when they name none.
 */
export function applyAllows(hits: RuleHit[]): MatchResult {
  const allowedBy = hits.filter((h) => h.rule.action === 'allow');
  const alerts: RuleHit[] = [];
  const suppressed: RuleHit[] = [];
  for (const h of hits) {
    if (h.rule.action !== 'alert') continue;
    const silenced = allowedBy.some((a) => allowCovers(a.rule.allows, h.rule.id));
    (silenced ? suppressed : alerts).push(h);
  }
  return { alerts, allowedBy, suppressed };
}

export function allowCovers(allows: string[] | undefined, ruleId: string): boolean {
  if (!allows) return true;
  return allows.some((a) => (a.endsWith('.*') ? ruleId.startsWith(a.slice(0, -1)) : a === ruleId));
}
