/** Canonical address text: dotted quad for IPv4, RFC 5952 compressed lower-case for IPv6. */
export function formatIPv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatIPv6(b: Uint8Array, off: number): string {
  const words: number[] = new Array(8);
  for (let i = 0; i < 8; i++) words[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += words[i]!.toString(16);
    if (i < 7) out += ':';
  }
  return out;
}

/**
 * The one address parser (decoder, rules, GeoIP, devices). Strict like
 * inet_pton: dotted quads without leading zeros, at most one '::', hex groups
 * of 1-4 digits, an embedded dotted quad only at the end. A zone (%eth0) is
 * ignored. Hand-written: rules and flow ids parse addresses on the hot path.
 */
/** What node:net's isIPv6 accepts after '%'. */
const ZONE_ID = /^[0-9a-zA-Z.:-]+$/;

export function parseIp(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) {
    // A zone belongs to IPv6 only and names something (node:net and inet_pton alike refuse '::%').
    const s = text.slice(0, zone);
    return s.includes(':') && ZONE_ID.test(text.slice(zone + 1)) ? parseIPv6(s) : undefined;
  }
  const s = text;
  if (s.includes(':')) return parseIPv6(s);
  const out = new Uint8Array(4);
  return parseIPv4Into(s, 0, s.length, out, 0) ? out : undefined;
}

/** An address with its family; IPv4-mapped IPv6 (::ffff:a.b.c.d) is folded to IPv4 so one rule or lookup covers both spellings. */
export interface ParsedAddress {
  version: 4 | 6;
  bytes: Uint8Array;
  /** Dotted quad for IPv4 (mapped ones included), else the trimmed input without its zone. */
  text: string;
}

export function parseAddress(input: string): ParsedAddress | undefined {
  const trimmed = input.trim();
  const bytes = parseIp(trimmed);
  if (bytes === undefined) return undefined;
  if (bytes.length === 4) return { version: 4, bytes, text: trimmed };
  if (isV4Mapped(bytes)) {
    const v4 = bytes.slice(12);
    return { version: 4, bytes: v4, text: formatIPv4(v4, 0) };
  }
  const zone = trimmed.indexOf('%');
  return { version: 6, bytes, text: zone >= 0 ? trimmed.slice(0, zone) : trimmed };
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses text[start, end) as a dotted quad into out[at..at+3]. */
function parseIPv4Into(text: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 46; // a virtual '.' closes the last part
    if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
      continue;
    }
    if (c !== 46 || digits === 0 || part > 3) return false;
    out[at + part++] = value;
    value = 0;
    digits = 0;
  }
  return part === 4;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const rest = dbl >= 0 ? s.slice(dbl + 2) : '';
  const headWords = wordsOf(head);
  const tailWords = wordsOf(rest);
  if (!headWords || !tailWords) return undefined;
  const total = headWords.length + tailWords.length;
  if (dbl < 0 && total !== 8) return undefined;
  if (dbl >= 0 && total > 7) return undefined;
  const out = new Uint8Array(16);
  const put = (w: number, i: number) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  };
  headWords.forEach(put);
  tailWords.forEach((w, i) => put(w, 8 - tailWords.length + i));
  return out;
}

function wordsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const words: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (i === pieces.length - 1 && p.includes('.')) {
      const v4 = new Uint8Array(4);
      if (!parseIPv4Into(p, 0, p.length, v4, 0)) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
    words.push(parseInt(p, 16));
  }
  return words;
}

/** Canonical form of any address text (so '2001:DB8:0::1' and '2001:db8::1' compare equal). */
export function canonicalIp(text: string): string | undefined {
  const b = parseIp(text);
  if (!b) return undefined;
  return b.length === 4 ? formatIPv4(b, 0) : formatIPv6(b, 0);
}
