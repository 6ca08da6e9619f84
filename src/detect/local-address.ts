/**
 * The local side of the network, for orienting flows whose start was not seen
 * (flow/orientation.ts): private (RFC 1918), shared CGNAT space (RFC 6598),
 * unique local IPv6 (RFC 4193) and link-local addresses. The ranges come from
 * the one special-range table (enrich/special-ranges.ts).
 */
import { specialRangeOf } from '../enrich/index.js';
import type { SpecialRange } from '../types.js';

const LOCAL_KINDS: ReadonlySet<SpecialRange> = new Set<SpecialRange>(['private', 'cgnat', 'ula', 'link_local']);

export function isLocalAddress(ip: string): boolean {
  const kind = specialRangeOf(ip);
  return kind !== undefined && LOCAL_KINDS.has(kind);
}
