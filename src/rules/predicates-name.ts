/** Predicates on names: domain / domain_suffix / name_source, dns_query, name_unknown, encrypted_dns. */
import type { NameSource, UnknownNameReason } from '../types.js';
import type { MatchContext, NameCandidate } from './context.js';
import { suffixesOf } from './normalize.js';
import type { Predicate } from './predicates.js';

export interface NameSets {
  exact: string[];
  suffix: string[];
}

function nameMatch(name: string, exact: Set<string>, suffix: Set<string>): string | undefined {
  if (exact.has(name)) return `is ${name} exactly`;
  for (const s of suffixesOf(name)) if (suffix.has(s)) return s === name ? `is ${s}` : `is under ${s}`;
  return undefined;
}

export function namePredicate(sets: NameSets, sources: NameSource[] | undefined): Predicate {
  const exact = new Set(sets.exact);
  const suffix = new Set(sets.suffix);
  const allowed = sources ? new Set(sources) : undefined;
  const usable = (c: NameCandidate): boolean => !allowed || (c.source !== undefined && allowed.has(c.source));
  return {
    key: sets.suffix.length > 0 ? 'domain_suffix' : 'domain',
    index: { kind: 'name', exact: sets.exact, suffix: sets.suffix },
    test(ctx) {
      const reasons: string[] = [];
      for (const c of ctx.names) {
        if (!usable(c)) continue;
        const how = nameMatch(c.name, exact, suffix);
        if (how) reasons.push(`${ctx.peer}.domain ${c.name} ${how} (${c.via})`);
      }
      return reasons.length > 0 ? reasons : null;
    },
  };
}

/** name_source without a domain key: some name was learned this way. */
export function nameSourcePredicate(sources: NameSource[]): Predicate {
  const allowed = new Set(sources);
  return {
    key: 'name_source',
    test(ctx) {
      const hits = ctx.names.filter((c) => c.source !== undefined && allowed.has(c.source));
      return hits.length > 0 ? hits.map((c) => `${ctx.peer}.domain ${c.name} was ${c.via}`) : null;
    },
  };
}

export function dnsQueryPredicate(sets: NameSets, types: string[] | undefined): Predicate {
  const exact = new Set(sets.exact);
  const suffix = new Set(sets.suffix);
  const typeSet = types ? new Set(types.map((t) => t.toUpperCase())) : undefined;
  const anyName = sets.exact.length === 0 && sets.suffix.length === 0;
  return {
    key: 'dns_query',
    index: anyName ? undefined : { kind: 'qname', exact: sets.exact, suffix: sets.suffix },
    test(ctx) {
      if (ctx.qname === undefined) return null;
      if (typeSet && !typeSet.has(ctx.qtype ?? '')) return null;
      const how = anyName ? 'was asked' : nameMatch(ctx.qname, exact, suffix);
      if (!how) return null;
      const note = ctx.qnameNote ? `; ${ctx.qnameNote}` : '';
      return [`dns.question.name ${ctx.qname} ${how} (type ${ctx.qtype ?? '?'}${note}) sent to resolver ${ctx.ipText}:${ctx.port}/${ctx.transport}`];
    },
  };
}

export function nameUnknownPredicate(reasons: true | UnknownNameReason[]): Predicate {
  const set = reasons === true ? undefined : new Set(reasons);
  return {
    key: 'name_unknown',
    test(ctx: MatchContext) {
      if (set) {
        if (!ctx.unknownName || !set.has(ctx.unknownName)) return null;
      } else if (!ctx.unknownName && ctx.names.length > 0) return null;
      return [`no name was learned for ${ctx.peer}.ip ${ctx.ipText} (${ctx.unknownName ?? 'no name evidence'})`];
    },
  };
}

export function encryptedDnsPredicate(kinds: true | ('dot' | 'doq' | 'doh')[]): Predicate {
  const set = kinds === true ? undefined : new Set(kinds);
  return {
    key: 'encrypted_dns',
    test(ctx) {
      const kind = ctx.encryptedDns ?? (ctx.unknownName === 'encrypted_dns' ? 'unspecified' : undefined);
      if (!kind) return null;
      if (set && !set.has(kind as 'dot')) return null;
      return [`flow to ${ctx.peer}.ip ${ctx.ipText}:${ctx.port} looks like encrypted DNS (${kind}): names behind it cannot be seen`];
    },
  };
}
