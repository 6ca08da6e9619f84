/** Turns a validated rule spec into a CompiledRule with predicates (one per match key). */
import type { Severity } from '../types.js';
import { parseCidr, type ParsedCidr } from '../address/cidr.js';
import { isMac, normalizeMac } from '../address/mac.js';
import { parsePortSpec, type PortRange } from './normalize.js';
import {
  dnsQueryPredicate, encryptedDnsPredicate, namePredicate, nameSourcePredicate, nameUnknownPredicate,
} from './predicates-name.js';
import {
  asnPredicate, cidrPredicate, countryPredicate, devicePredicate, operatorCountryPredicate, portPredicate,
  specialPredicate, transportPredicate,
} from './predicates-net.js';
import { countryDisputedPredicate, registrantCountryPredicate } from './predicates-country-sources.js';
import { anyOf, noneOf, type Predicate } from './predicates.js';
import type { MatchSpec, RuleFile, RuleSpec } from './schema.js';
import type { CompiledRule } from './types.js';

export interface CompileOptions {
  hongKongMacaoAsChina: boolean;
}

export function compileRule(file: string, set: RuleFile, spec: RuleSpec, order: number, opts: CompileOptions): CompiledRule {
  const allowRule = spec.action === 'allow';
  return {
    id: spec.id,
    version: spec.version,
    name: spec.name,
    ruleset: set.ruleset,
    rulesetVersion: set.version,
    action: spec.action,
    severity: (allowRule ? 'info' : spec.severity) as Severity,
    category: allowRule ? (spec.category ?? 'policy') : spec.category!,
    purpose: spec.purpose,
    source: spec.source,
    confidence: spec.confidence,
    file,
    applies: spec.match.dns_query ? 'dns_query' : 'flow',
    allows: spec.allows,
    predicates: compileMatch(spec.match, opts),
    order,
  };
}

export function compileMatch(m: MatchSpec, opts: CompileOptions): Predicate[] {
  const preds: Predicate[] = [];
  if (m.dns_query) {
    const q = m.dns_query;
    preds.push(dnsQueryPredicate({ exact: q.name ?? [], suffix: q.name_suffix ?? [] }, q.type));
  }
  if (m.domain || m.domain_suffix) {
    preds.push(namePredicate({ exact: m.domain ?? [], suffix: m.domain_suffix ?? [] }, m.name_source));
  } else if (m.name_source) preds.push(nameSourcePredicate(m.name_source));
  if (m.cidr) preds.push(cidrPredicate(m.cidr.map(mustCidr)));
  if (m.asn) preds.push(asnPredicate(m.asn));
  if (m.operator_country) preds.push(operatorCountryPredicate(...withHkMo(m.operator_country, opts)));
  if (m.country) preds.push(countryPredicate(...withHkMo(m.country, opts)));
  if (m.registrant_country) preds.push(registrantCountryPredicate(...withHkMo(m.registrant_country, opts)));
  if (m.country_disputed) preds.push(countryDisputedPredicate(withHkMo(m.country_disputed, opts)[0]));
  if (m.special) preds.push(specialPredicate(m.special));
  if (m.transport) preds.push(transportPredicate(m.transport));
  if (m.port) preds.push(portPredicate(m.port.map((p) => parsePortSpec(p) as PortRange)));
  if (m.device) preds.push(devicePredicate(deviceSpec(m.device)));
  if (m.name_unknown) preds.push(nameUnknownPredicate(m.name_unknown));
  if (m.encrypted_dns) preds.push(encryptedDnsPredicate(m.encrypted_dns));
  if (m.any) preds.push(anyOf(m.any.map((alt) => compileMatch(alt, opts))));
  if (m.not) preds.push(noneOf(compileMatch(m.not, opts), describeMatch(m.not)));
  return preds;
}

/** Short text of a match for reasons: `country: CN; port: 53, 123`. */
export function describeMatch(m: MatchSpec): string {
  return Object.entries(m)
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join('; ');
}

function describeValue(value: unknown): string {
  if (!Array.isArray(value)) return typeof value === 'object' && value !== null ? `{${describeMatch(value as MatchSpec)}}` : String(value);
  const shown = value.slice(0, 4).map((v) => (typeof v === 'object' && v !== null ? `{${describeMatch(v as MatchSpec)}}` : String(v)));
  return value.length > 4 ? `${shown.join(', ')}, ... (${value.length} in all)` : shown.join(', ');
}

const HK_MO_NOTE = 'counted as CN: option hong_kong_macao_as_china is on';

function withHkMo(countries: string[], opts: CompileOptions): [string[], Map<string, string>] {
  const via = new Map<string, string>();
  if (!opts.hongKongMacaoAsChina || !countries.includes('CN')) return [countries, via];
  const out = [...countries];
  for (const extra of ['HK', 'MO']) {
    if (out.includes(extra)) continue;
    out.push(extra);
    via.set(extra, HK_MO_NOTE);
  }
  return [out, via];
}

function mustCidr(text: string): ParsedCidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`unreachable: schema accepted bad CIDR ${text}`);
  return c;
}

function deviceSpec(items: string[]): { cidrs: ParsedCidr[]; macs: string[] } {
  const macs = items.filter(isMac).map(normalizeMac);
  const cidrs = items.filter((s) => !isMac(s)).map(mustCidr);
  return { cidrs, macs };
}
