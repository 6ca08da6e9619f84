/**
 * From a response to "which addresses did the client learn for the name it asked":
 * follow the CNAME chain (RFC 1034 section 3.6.2) through the ANSWER section to the
 * A/AAAA records owned by the chain's last name. The asked name is the one that
 * matters for attribution; the chain is kept as evidence.
 */
import type { DnsAnswer, DnsMessage } from './dns-message.js';

export interface DnsResolution {
  query: string;
  qtype: string;
  /** The asked name, each CNAME target in turn; the last is the owner of `addresses`. */
  chain: string[];
  addresses: { ip: string; ttl: number }[];
}

export const MAX_CNAME_DEPTH = 16;

export function resolveAnswers(msg: DnsMessage): DnsResolution[] {
  const out: DnsResolution[] = [];
  const seen = new Set<string>();
  for (const q of msg.questions) {
    const key = `${q.name}\u0000${q.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const chain = followChain(q.name, msg.answers);
    const owner = chain[chain.length - 1]!;
    const addresses = msg.answers
      .filter((a) => a.name === owner && (a.type === 'A' || a.type === 'AAAA'))
      .map((a) => ({ ip: a.data, ttl: a.ttl }));
    out.push({ query: q.name, qtype: q.type, chain, addresses });
  }
  return out;
}

/** Stops at MAX_CNAME_DEPTH links or when a target repeats (a CNAME loop). */
function followChain(start: string, answers: DnsAnswer[]): string[] {
  const chain = [start];
  const visited = new Set(chain);
  let current = start;
  for (let depth = 0; depth < MAX_CNAME_DEPTH; depth++) {
    const link = answers.find((a) => a.type === 'CNAME' && a.name === current);
    if (!link || visited.has(link.data)) break;
    chain.push(link.data);
    visited.add(link.data);
    current = link.data;
  }
  return chain;
}
