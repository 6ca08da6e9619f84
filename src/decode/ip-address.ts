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

/** Address text to bytes (4 or 16), or undefined when it is not an address. */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.includes(':')) return parseIPv6(text);
  return parseIPv4(text);
}

function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseIPv6(text: string): Uint8Array | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const out = new Uint8Array(16);
  let tail: number[] = [];
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return undefined;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const rest = dbl >= 0 ? s.slice(dbl + 2) : '';
  const headWords = wordsOf(head);
  const tailWords = wordsOf(rest);
  if (!headWords || !tailWords) return undefined;
  tail = tailWords;
  const total = headWords.length + tail.length;
  if (dbl < 0 && total !== 8) return undefined;
  if (dbl >= 0 && total > 7) return undefined;
  const words = [...headWords, ...new Array<number>(8 - total).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

function wordsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const words: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (i === pieces.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (!v4) return undefined;
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

export function formatMac(b: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[off + i]!;
    s += (v < 16 ? '0' : '') + v.toString(16);
    if (i < 5) s += ':';
  }
  return s;
}
