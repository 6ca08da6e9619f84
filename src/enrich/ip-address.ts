import { isIP } from 'node:net';

/** An address as bytes: 4 for IPv4, 16 for IPv6. IPv4-mapped IPv6 is folded to IPv4. */
export interface ParsedIp {
  version: 4 | 6;
  bytes: Uint8Array;
  /** Text handed to MMDB readers: dotted quad for IPv4 (mapped ones included), else the input sans zone. */
  text: string;
}

/** Parses IPv4 / IPv6 text; undefined for anything else (never throws). */
export function parseIp(input: string): ParsedIp | undefined {
  const text = stripZone(input.trim());
  const kind = isIP(text);
  if (kind === 4) return { version: 4, bytes: parseIpv4(text), text };
  if (kind !== 6) return undefined;
  const bytes = parseIpv6(text);
  if (bytes === undefined) return undefined;
  if (isIpv4Mapped(bytes)) {
    const v4 = bytes.slice(12);
    return { version: 4, bytes: v4, text: v4.join('.') };
  }
  return { version: 6, bytes, text };
}

function stripZone(text: string): string {
  const pct = text.indexOf('%');
  return pct < 0 ? text : text.slice(0, pct);
}

function parseIpv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map((p) => Number(p)));
}

function parseIpv6(text: string): Uint8Array | undefined {
  let groups: number[] = [];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? splitGroups(halves[0]) : [];
  const tail = halves.length === 2 && halves[1] ? splitGroups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 0) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** Hex groups, with a trailing dotted quad expanded to two groups. */
function splitGroups(part: string): number[] | undefined {
  const out: number[] = [];
  for (const piece of part.split(':')) {
    if (piece.includes('.')) {
      const v4 = parseIpv4(piece);
      out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      const n = Number.parseInt(piece, 16);
      if (!Number.isFinite(n)) return undefined;
      out.push(n);
    }
  }
  return out;
}

function isIpv4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** True when the first `prefixLen` bits of `bytes` equal those of `net`. */
export function inPrefix(bytes: Uint8Array, net: Uint8Array, prefixLen: number): boolean {
  if (bytes.length !== net.length) return false;
  const whole = prefixLen >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== net[i]) return false;
  const rest = prefixLen & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((net[whole] ?? 0) & mask);
}
