/**
 * From a response to "which addresses did the client learn for the name it asked":
 * follow the CNAME chain (RFC 1034 section 3.6.2) through the ANSWER section to the
 * A/AAAA records owned by the chain's last name. The asked name is the one that
 * matters for attribution; the chain is kept as evidence.
 */
import type { AnomalyCounter } from '../../counters.js';
import type { DnsAnswer, DnsMessage } from './dns-message.js';

export interface DnsResolution {
  query: string;
  qtype: string;
  /** The asked name, each CNAME target in turn; the last is the owner of `addresses`. */
  chain: string[];
  addresses: { ip: string; ttl: number }[];
}

export const MAX_CNAME_DEPTH = 16;

/** `counters` receives `anomaly.dns.cname_depth_limit` for each chain cut at MAX_CNAME_DEPTH. */
export function resolveAnswers(msg: DnsMessage, counters?: AnomalyCounter): DnsResolution[] {
  const out: DnsResolution[] = [];
  const seen = new Set<string>();
  for (const q of msg.questions) {
    const key = `${q.name}\u0000${q.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const chain = followChain(q.name, msg.answers, counters);
    const owner = chain[chain.length - 1]!;
    const addresses = msg.answers
      .filter((a) => a.name === owner && (a.type === 'A' || a.type === 'AAAA'))
      .map((a) => ({ ip: a.data, ttl: a.ttl }));
    out.push({ query: q.name, qtype: q.type, chain, addresses });
  }
  return out;
}

/** Stops at MAX_CNAME_DEPTH links or when a target repeats (a CNAME loop). */
function followChain(start: string, answers: DnsAnswer[], counters: AnomalyCounter | undefined): string[] {
  const chain = [start];
  const visited = new Set(chain);
  // The first CNAME owned by the name, unless it loops back into the chain.
  const nextLink = (owner: string) => {
    const link = answers.find((a) => a.type === 'CNAME' && a.name === owner);
    return link && !visited.has(link.data) ? link : undefined;
  };
  let current = start;
  for (let depth = 0; depth < MAX_CNAME_DEPTH; depth++) {
    const link = nextLink(current);
    if (!link) return chain;
    chain.push(link.data);
    visited.add(link.data);
    current = link.data;
  }
  if (nextLink(current)) counters?.inc('anomaly.dns.cname_depth_limit');
  return chain;
}
