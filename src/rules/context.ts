/**
 * The normalised view of one flow or DNS query that predicates read. Built
 * once per match call so names are normalised and addresses parsed once.
 */
import type { GeoInfo, NameSource, Transport, UnknownNameReason } from '../types.js';
import { parseIp, type ParsedIp } from '../address/cidr.js';
import { normalizeMac } from '../address/mac.js';
import { hasInvisibleChars, normalizeName } from './normalize.js';
import type { DnsQueryFacts, FlowFacts } from './types.js';

export interface NameCandidate {
  name: string;
  /** Undefined when the caller gave a domain without saying how it was learned. */
  source?: NameSource | undefined;
  /** How the name was learned, for reasons: 'tls_sni', 'dns query for x', 'dns CNAME chain'. */
  via: string;
}

export interface MatchContext {
  kind: 'flow' | 'dns_query';
  /** Word used in reasons for the remote side. */
  peer: 'destination' | 'resolver';
  ipText: string;
  ip?: ParsedIp | undefined;
  port: number;
  transport: Transport;
  names: NameCandidate[];
  qname?: string | undefined;
  /** Said in reasons when the query name carried invisible characters that matching ignored. */
  qnameNote?: string | undefined;
  qtype?: string | undefined;
  geo: GeoInfo;
  deviceIpText: string;
  deviceIp?: ParsedIp | undefined;
  deviceMac?: string | undefined;
  unknownName?: UnknownNameReason | undefined;
  encryptedDns?: 'dot' | 'doq' | 'doh' | undefined;
}

export function flowContext(f: FlowFacts): MatchContext {
  const d = f.destination;
  return {
    kind: 'flow',
    peer: 'destination',
    ipText: d.ip,
    ip: parseIp(d.ip),
    port: d.port,
    transport: d.transport,
    names: flowNames(f),
    geo: f.geo,
    ...device(f.device),
    unknownName: d.unknownName,
    encryptedDns: d.encryptedDns,
  };
}

export function dnsQueryContext(q: DnsQueryFacts): MatchContext {
  return {
    kind: 'dns_query',
    peer: 'resolver',
    ipText: q.resolver.ip,
    ip: parseIp(q.resolver.ip),
    port: q.resolver.port,
    transport: q.resolver.transport,
    names: [],
    qname: normalizeName(q.qname),
    ...(hasInvisibleChars(q.qname) ? { qnameNote: INVISIBLE_IGNORED } : {}),
    qtype: q.qtype.toUpperCase(),
    geo: q.resolverGeo,
    ...device(q.device),
  };
}

/** The flag on a match made after dropping control or format characters from the name (see normalizeName). */
export const INVISIBLE_IGNORED = 'control or format characters in the name ignored for matching';

/** Longest DNS name (RFC 1035 §3.1 in text form); anything longer is hostile or broken. */
const MAX_NAME = 253;

/** Keeps suffix matching meaningful and its cost bounded for over-long names (SNI is not length-checked by TLS). */
function boundedName(name: string): { name: string; cut: boolean } {
  if (name.length <= MAX_NAME) return { name, cut: false };
  const tail = name.slice(-MAX_NAME);
  const dot = tail.indexOf('.');
  return { name: dot >= 0 ? tail.slice(dot + 1) : tail, cut: true };
}

function device(d: { ip: string; mac?: string | undefined }): Pick<MatchContext, 'deviceIpText' | 'deviceIp' | 'deviceMac'> {
  return { deviceIpText: d.ip, deviceIp: parseIp(d.ip), deviceMac: d.mac ? normalizeMac(d.mac) : undefined };
}

/** Every name the flow is known by, each with how it was learned; duplicates folded. */
function flowNames(f: FlowFacts): NameCandidate[] {
  const out: NameCandidate[] = [];
  const seen = new Set<string>();
  const add = (host: string | undefined, source: NameSource | undefined, how: string): void => {
    if (!host) return;
    const { name, cut } = boundedName(normalizeName(host));
    let via = cut ? `${how}; longer than ${MAX_NAME} characters, matched on its last labels` : how;
    if (hasInvisibleChars(host)) via = `${via}; ${INVISIBLE_IGNORED}`;
    const key = `${name}\u0000${source ?? ''}`;
    if (name === '' || seen.has(key)) return;
    seen.add(key);
    out.push({ name, source, via });
  };
  const d = f.destination;
  if (d.domain && d.nameSource) add(d.domain, d.nameSource, `learned from ${d.nameSource}`);
  for (const ev of d.names) {
    add(ev.host, ev.source, `learned from ${ev.source}`);
    if (ev.dnsQuery) add(ev.dnsQuery, 'dns', `learned from dns query for ${normalizeName(ev.dnsQuery)}`);
    for (const c of ev.dnsChain ?? []) add(c, 'dns', 'learned from dns CNAME chain');
  }
  if (d.domain && !d.nameSource) add(d.domain, undefined, 'source not recorded');
  return out;
}
