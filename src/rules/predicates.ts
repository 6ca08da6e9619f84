/**
 * A predicate is one key of a rule's `match`: it answers null (does not hold)
 * or the human-readable reasons it holds. Indexable predicates also say how
 * the engine may index them, so only candidate rules are evaluated.
 */
import type { MatchContext } from './context.js';
import type { ParsedCidr } from '../address/cidr.js';

export type IndexKey =
  | { kind: 'name'; exact: string[]; suffix: string[] }
  | { kind: 'qname'; exact: string[]; suffix: string[] }
  | { kind: 'cidr'; cidrs: ParsedCidr[] }
  | { kind: 'asn'; values: number[] }
  | { kind: 'country'; values: string[] }
  | { kind: 'operator_country'; values: string[] }
  | { kind: 'port'; values: number[] };

export interface Predicate {
  /** The match key it came from (domain_suffix, cidr, ...), for explain output. */
  key: string;
  index?: IndexKey | undefined;
  test(ctx: MatchContext): string[] | null;
}

/** Counts predicate evaluations so cost per match can be measured (see bench/bench-rules.ts). */
export interface EvalCounter {
  evaluations: number;
}

/** Every predicate must hold; reasons are concatenated. */
export function testAll(preds: readonly Predicate[], ctx: MatchContext, counter?: EvalCounter): string[] | null {
  const reasons: string[] = [];
  for (const p of preds) {
    if (counter) counter.evaluations++;
    const r = p.test(ctx);
    if (!r) return null;
    reasons.push(...r);
  }
  return reasons;
}

export function anyOf(alternatives: Predicate[][]): Predicate {
  return {
    key: 'any',
    test(ctx) {
      const reasons: string[] = [];
      for (const alt of alternatives) {
        const r = testAll(alt, ctx);
        if (r) reasons.push(...r);
      }
      return reasons.length > 0 ? reasons : null;
    },
  };
}

export function noneOf(inner: Predicate[], describe: string): Predicate {
  return {
    key: 'not',
    test(ctx) {
      return testAll(inner, ctx) ? null : [`${peerIp(ctx)} is outside the rule's exception (${describe})`];
    },
  };
}

export function geoDbNote(db: { type: string; buildDate: string } | undefined): string {
  return db ? ` (${db.type} built ${db.buildDate})` : '';
}

export function peerIp(ctx: MatchContext): string {
  return `${ctx.peer}.ip ${ctx.ipText}`;
}
