/**
 * Indexes of rules by one anchor predicate each. A match gathers candidates
 * from the indexes (cost set by the facts: labels of a name, bits of an
 * address, one map probe per set) and only candidates are evaluated.
 */
import { CidrTrie } from './cidr-trie.js';
import type { MatchContext } from './context.js';
import type { IndexKey, Predicate } from './predicates.js';
import { SuffixTrie } from './suffix-trie.js';
import type { CompiledRule } from './types.js';

/** Preferred anchors first: the most selective keys. */
const ANCHOR_ORDER: IndexKey['kind'][] = ['qname', 'name', 'cidr', 'asn', 'operator_country', 'country', 'port'];

export class RuleIndex {
  private readonly names = new SuffixTrie<number>();
  private readonly qnames = new SuffixTrie<number>();
  private readonly cidrs = new CidrTrie<number>();
  private readonly asn = new Map<number, number[]>();
  private readonly country = new Map<string, number[]>();
  private readonly operatorCountry = new Map<string, number[]>();
  private readonly port = new Map<number, number[]>();
  /** Rules with no indexable key: always candidates (keep these few). */
  readonly unindexed: number[] = [];

  add(rule: CompiledRule, slot: number): void {
    const anchor = chooseAnchor(rule.predicates);
    if (!anchor) {
      this.unindexed.push(slot);
      return;
    }
    switch (anchor.kind) {
      case 'name':
      case 'qname': {
        const trie = anchor.kind === 'name' ? this.names : this.qnames;
        for (const n of anchor.exact) trie.add(n, slot, 'exact');
        for (const n of anchor.suffix) trie.add(n, slot, 'suffix');
        return;
      }
      case 'cidr':
        for (const c of anchor.cidrs) this.cidrs.add(c, slot);
        return;
      case 'asn':
        return addAll(this.asn, anchor.values, slot);
      case 'country':
        return addAll(this.country, anchor.values, slot);
      case 'operator_country':
        return addAll(this.operatorCountry, anchor.values, slot);
      case 'port':
        return addAll(this.port, anchor.values, slot);
    }
  }

  /** Candidate slots for a context, deduplicated, in ascending order. */
  candidates(ctx: MatchContext): number[] {
    const out = new Set<number>(this.unindexed);
    const push = (slot: number): void => void out.add(slot);
    for (const n of ctx.names) this.names.lookup(n.name, push);
    if (ctx.qname) this.qnames.lookup(ctx.qname, push);
    if (ctx.ip) this.cidrs.lookup(ctx.ip, push);
    const g = ctx.geo;
    if (g.asn !== undefined) this.asn.get(g.asn)?.forEach(push);
    if (g.countryIso) this.country.get(g.countryIso.toUpperCase())?.forEach(push);
    if (g.operatorCountry) this.operatorCountry.get(g.operatorCountry.toUpperCase())?.forEach(push);
    this.port.get(ctx.port)?.forEach(push);
    return [...out].sort((a, b) => a - b);
  }
}

function chooseAnchor(preds: Predicate[]): IndexKey | undefined {
  for (const kind of ANCHOR_ORDER) {
    const p = preds.find((x) => x.index?.kind === kind);
    if (p?.index) return p.index;
  }
  return undefined;
}

function addAll<K>(map: Map<K, number[]>, keys: K[], slot: number): void {
  for (const k of new Set(keys)) {
    const list = map.get(k);
    if (list) list.push(slot);
    else map.set(k, [slot]);
  }
}
