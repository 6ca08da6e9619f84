import type { SpecialRange } from '../types.js';
import { inPrefix } from '../address/cidr.js';
import { parseAddress as parseIp, type ParsedAddress as ParsedIp } from '../address/ip.js';

interface RangeEntry {
  net: Uint8Array;
  len: number;
  kind: SpecialRange;
}

/**
 * Special-purpose blocks (RFC 6890 registry, RFC 1918, RFC 6598, RFC 4193, RFC 3849,
 * RFC 5737, RFC 9637). Most specific first: the first match wins.
 */
const IPV4_TABLE: ReadonlyArray<[string, number, SpecialRange]> = [
  ['0.0.0.0', 32, 'unspecified'],
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'reserved'], // "this network" (RFC 791)
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking (RFC 2544)
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // RFC 1112 future use
];

const IPV6_TABLE: ReadonlyArray<[string, number, SpecialRange]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 8, 'reserved'], // RFC 4291 reserved block (IPv4-compatible, etc.); mapped IPv4 is folded earlier
  ['100::', 64, 'reserved'], // discard-only (RFC 6666)
  ['2001:2::', 48, 'reserved'], // benchmarking (RFC 5180)
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'], // RFC 9637
  ['fc00::', 7, 'ula'],
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'reserved'], // deprecated site-local (RFC 3879)
  ['ff00::', 8, 'multicast'],
];

function compile(table: ReadonlyArray<[string, number, SpecialRange]>): RangeEntry[] {
  return table.map(([addr, len, kind]) => {
    const parsed = parseIp(addr);
    if (!parsed) throw new Error(`bad special range ${addr}`);
    return { net: addr === '::' || addr === '::1' ? ipv6Bytes(addr) : parsed.bytes, len, kind };
  });
}

/** '::' and '::1' must stay 16 bytes (parseIp keeps them IPv6 anyway; explicit for clarity). */
function ipv6Bytes(addr: string): Uint8Array {
  const b = new Uint8Array(16);
  if (addr === '::1') b[15] = 1;
  return b;
}

const V4 = compile(IPV4_TABLE);
const V6 = compile(IPV6_TABLE);

/** The special range an address falls in, or undefined for a globally routable one. */
export function classifySpecial(ip: ParsedIp): SpecialRange | undefined {
  const table = ip.version === 4 ? V4 : V6;
  for (const entry of table) if (inPrefix(ip.bytes, entry.net, entry.len)) return entry.kind;
  return undefined;
}

/** Convenience for callers holding text; undefined also for unparsable input. */
export function specialRangeOf(ip: string): SpecialRange | undefined {
  const parsed = parseIp(ip);
  return parsed ? classifySpecial(parsed) : undefined;
}
