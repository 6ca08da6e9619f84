/** Normal forms for names and port specs, shared by loader and matcher (MAC addresses: address/mac.ts). */
import { domainToASCII } from 'node:url';
import { foldHostName } from '../util/host-name.js';

/**
 * What the terminal neutraliser makes visible (src/cli/output-format.ts): C0/C1
 * controls and DEL, format characters (bidi overrides, zero-width), line and
 * paragraph separators. They are never part of a hostname yet occur on the
 * wire (hostile SNI, Host, DNS labels); matching ignores them, so a name
 * cannot hide from a domain rule behind one, and reasons say they were ignored.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const HAS_INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const PLAIN_NAME = /^[a-z0-9._-]+$/;
const PLAIN_LABEL = /^[a-z0-9_-]*$/;

/** True when normalizeName drops characters of this name (see INVISIBLE). */
export function hasInvisibleChars(name: string): boolean {
  return HAS_INVISIBLE.test(name);
}

/**
 * Invisible characters dropped, lower case, trailing dot removed, IDNA to
 * ASCII (punycode). A name domainToASCII refuses as a whole (a space, a '%')
 * is converted label by label, refused labels kept as they are, so its
 * parent domains still match. Returns '' only for a name with nothing left.
 */
export function normalizeName(name: string): string {
  const n = foldHostName((HAS_INVISIBLE.test(name) ? name.replace(INVISIBLE, '') : name).trim());
  if (n === '') return '';
  // domainToASCII rejects some hostnames that occur on the wire (e.g. '_' labels); keep those as-is.
  if (PLAIN_NAME.test(n)) return n;
  return domainToASCII(n) || n.split('.').map(labelToASCII).join('.');
}

function labelToASCII(label: string): string {
  if (PLAIN_LABEL.test(label)) return label;
  return domainToASCII(label) || label;
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
