/** Normal forms for names, MAC addresses and port specs, shared by loader and matcher. */
import { domainToASCII } from 'node:url';

/**
 * Lower case, trailing dot removed, IDNA to ASCII (punycode). Returns '' for a
 * name that cannot be converted (domainToASCII answers '' for invalid input).
 */
export function normalizeName(name: string): string {
  let n = name.trim().toLowerCase();
  while (n.endsWith('.')) n = n.slice(0, -1);
  if (n === '') return '';
  // domainToASCII rejects some hostnames that occur on the wire (e.g. '_' labels); keep those as-is.
  if (/^[a-z0-9._-]+$/.test(n)) return n;
  return domainToASCII(n);
}

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

export function isMac(text: string): boolean {
  return MAC_RE.test(text.trim());
}

export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ':');
}

export interface PortRange {
  lo: number;
  hi: number;
}

/** 443 or "8000-8100". */
export function parsePortSpec(spec: number | string): PortRange | undefined {
  if (typeof spec === 'number') return validRange(spec, spec);
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(spec);
  if (!m) return undefined;
  const lo = Number(m[1]);
  return validRange(lo, m[2] === undefined ? lo : Number(m[2]));
}

function validRange(lo: number, hi: number): PortRange | undefined {
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) return undefined;
  if (lo < 0 || hi > 65535 || lo > hi) return undefined;
  return { lo, hi };
}

/** Parent suffixes of a name, the name itself first: a.b.c -> a.b.c, b.c, c. */
export function suffixesOf(name: string): string[] {
  const out = [name];
  let i = name.indexOf('.');
  while (i >= 0) {
    out.push(name.slice(i + 1));
    i = name.indexOf('.', i + 1);
  }
  return out;
}
