/** Predicates on addresses and networks: cidr, asn, country, operator_country, special, transport, port, device. */
import type { SpecialRange, Transport } from '../types.js';
import { cidrContains, type ParsedCidr } from '../address/cidr.js';
import { CidrTrie } from './cidr-trie.js';
import type { PortRange } from './normalize.js';
import { geoDbNote, peerIp, type Predicate } from './predicates.js';

/** Up to this many prefixes a linear scan beats walking a trie (and building one). */
const LINEAR_CIDR_SCAN_MAX = 8;
/**
 * Lookups answered by the linear scan before the trie is built: building it costs about as much
 * as a few hundred scans, which a short replay never recovers (start-up time).
 */
export const CIDR_TRIE_AFTER_TESTS = 256;

export function cidrPredicate(cidrs: ParsedCidr[], trieAfterTests = CIDR_TRIE_AFTER_TESTS): Predicate {
  // A pack lists dozens of prefixes in one predicate and every flow is tested against it: a
  // bit trie answers in at most 32 / 128 steps instead of one prefix test per entry.
  let trie: CidrTrie<number> | undefined;
  let scans = 0;
  const hits: number[] = [];
  const collect = (index: number) => hits.push(index);
  return {
    key: 'cidr',
    index: { kind: 'cidr', cidrs },
    test(ctx) {
      const ip = ctx.ip;
      if (!ip) return null;
      if (trie === undefined && (cidrs.length <= LINEAR_CIDR_SCAN_MAX || scans++ < trieAfterTests)) {
        let reasons: string[] | null = null;
        for (const c of cidrs) if (cidrContains(c, ip)) (reasons ??= []).push(`${peerIp(ctx)} is in ${c.text}`);
        return reasons;
      }
      if (trie === undefined) {
        trie = new CidrTrie<number>();
        cidrs.forEach((c, i) => trie!.add(c, i));
      }
      hits.length = 0;
      trie.lookup(ip, collect);
      if (hits.length === 0) return null;
      // Reasons in the order the rule lists its prefixes (the trie yields shortest first).
      if (hits.length > 1) hits.sort((a, b) => a - b);
      return hits.map((i) => `${peerIp(ctx)} is in ${cidrs[i]!.text}`);
    },
  };
}

export function asnPredicate(asns: number[]): Predicate {
  const set = new Set(asns);
  return {
    key: 'asn',
    index: { kind: 'asn', values: asns },
    test(ctx) {
      const { asn, asOrg, asnDb } = ctx.geo;
      if (asn === undefined || !set.has(asn)) return null;
      return [`${peerIp(ctx)} is announced by AS${asn}${asOrg ? ` (${asOrg})` : ''}${geoDbNote(asnDb)}`];
    },
  };
}

/** `viaOption` maps an extra country (HK, MO) to the option that made it count as another (CN). */
export function countryPredicate(countries: string[], viaOption: Map<string, string>): Predicate {
  const set = new Set(countries);
  return {
    key: 'country',
    index: { kind: 'country', values: countries },
    test(ctx) {
      const c = ctx.geo.countryIso?.toUpperCase();
      if (!c || !set.has(c)) return null;
      const note = viaOption.get(c);
      return [`${peerIp(ctx)} is located in ${c}${note ? ` (${note})` : ''}${geoDbNote(ctx.geo.countryDb)}`];
    },
  };
}

export function operatorCountryPredicate(countries: string[], viaOption: Map<string, string>): Predicate {
  const set = new Set(countries);
  return {
    key: 'operator_country',
    index: { kind: 'operator_country', values: countries },
    test(ctx) {
      const c = ctx.geo.operatorCountry?.toUpperCase();
      if (!c || !set.has(c)) return null;
      const { asn, operatorName, asOrg } = ctx.geo;
      const who = operatorName ?? asOrg ?? 'an operator';
      const note = viaOption.get(c);
      const as = asn !== undefined ? `AS${asn}` : `the network of ${ctx.ipText}`;
      return [`${as} is operated by ${who} (${c})${note ? ` (${note})` : ''}${geoDbNote(ctx.geo.asnDb)}`];
    },
  };
}

export function specialPredicate(ranges: SpecialRange[]): Predicate {
  const set = new Set(ranges);
  return {
    key: 'special',
    test(ctx) {
      const s = ctx.geo.special;
      return s && set.has(s) ? [`${peerIp(ctx)} is in a ${s} range`] : null;
    },
  };
}

export function transportPredicate(transports: Transport[]): Predicate {
  const set = new Set(transports);
  return {
    key: 'transport',
    test: (ctx) => (set.has(ctx.transport) ? [`network.transport is ${ctx.transport}`] : null),
  };
}

export function portPredicate(ranges: PortRange[]): Predicate {
  const singles = ranges.every((r) => r.lo === r.hi);
  return {
    key: 'port',
    index: singles ? { kind: 'port', values: ranges.map((r) => r.lo) } : undefined,
    test(ctx) {
      const r = ranges.find((x) => ctx.port >= x.lo && ctx.port <= x.hi);
      if (!r) return null;
      const spec = r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`;
      return [`${ctx.peer}.port ${ctx.port} is in ${spec}`];
    },
  };
}

export interface DeviceSpec {
  cidrs: ParsedCidr[];
  macs: string[];
}

export function devicePredicate(spec: DeviceSpec): Predicate {
  const macs = new Set(spec.macs);
  return {
    key: 'device',
    test(ctx) {
      if (ctx.deviceMac && macs.has(ctx.deviceMac)) return [`device mac ${ctx.deviceMac} is listed`];
      const ip = ctx.deviceIp;
      const c = ip ? spec.cidrs.find((x) => cidrContains(x, ip)) : undefined;
      return c ? [`device ${ctx.deviceIpText} is in ${c.text}`] : null;
    },
  };
}
