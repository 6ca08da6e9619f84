/**
 * Names for DNS header codes and RR types (IANA "Domain Name System (DNS) Parameters").
 * Unknown values print in RFC 3597 style (TYPE65534) so nothing is ever dropped.
 */
const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT',
  17: 'RP', 18: 'AFSDB', 24: 'SIG', 25: 'KEY', 28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR',
  36: 'KX', 37: 'CERT', 39: 'DNAME', 41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY',
  46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA',
  59: 'CDS', 60: 'CDNSKEY', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 249: 'TKEY', 250: 'TSIG',
  251: 'IXFR', 252: 'AXFR', 255: 'ANY', 256: 'URI', 257: 'CAA',
};

const TYPE_NUMBERS: Record<string, number> = Object.fromEntries(
  Object.entries(TYPE_NAMES).map(([num, name]) => [name, Number(num)]),
);

const OPCODE_NAMES: Record<number, string> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS', 4: 'NOTIFY', 5: 'UPDATE', 6: 'DSO' };

const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED',
  6: 'YXDOMAIN', 7: 'YXRRSET', 8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE',
};

export function dnsTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}

/** Inverse of dnsTypeName (accepts the TYPEnnn form too); undefined for unknown text. */
export function dnsTypeNumber(name: string): number | undefined {
  const known = TYPE_NUMBERS[name.toUpperCase()];
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/i.exec(name);
  if (!generic) return undefined;
  const n = Number(generic[1]);
  return n <= 0xffff ? n : undefined;
}

export function dnsOpcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `OPCODE${opcode}`;
}

export function dnsRcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}
