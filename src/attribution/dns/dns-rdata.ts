/**
 * RDATA as text: addresses from the raw bytes (canonical form), names via
 * dns-packet, every other type summarised so that nothing is silently dropped.
 */
import { formatIPv4, formatIPv6 } from '../../address/ip.js';
import { foldHostName } from '../../util/host-name.js';
import { decodeWireAnswerData, decodeWireName } from './dns-packet-api.js';
import { DnsFormatError, type WireRecord } from './dns-wire.js';

const NAME_TYPES = new Set([2, 5, 12, 39]); // NS, CNAME, PTR, DNAME
const MAX_SUMMARY_CHARS = 512;

/** Names in DNS messages take the project's one host-name form (util/host-name.ts); the root name becomes ''. */
export const normaliseDnsName = foldHostName;

export function rdataText(buf: Buffer, rr: WireRecord): string {
  if (rr.type === 1) {
    if (rr.rdlength !== 4) throw new DnsFormatError('bad_a_rdlength');
    return formatIPv4(buf, rr.rdataOffset);
  }
  if (rr.type === 28) {
    if (rr.rdlength !== 16) throw new DnsFormatError('bad_aaaa_rdlength');
    return formatIPv6(buf, rr.rdataOffset);
  }
  if (NAME_TYPES.has(rr.type)) return normaliseDnsName(decodeWireName(buf, rr.rdataOffset));
  return summariseOther(buf, rr);
}

function summariseOther(buf: Buffer, rr: WireRecord): string {
  let text: string;
  try {
    text = summarise(decodeWireAnswerData(buf, rr.offset));
  } catch {
    // dns-packet cannot read it: keep the bytes in RFC 3597 generic form
    text = `\\# ${rr.rdlength} ${hex(buf.subarray(rr.rdataOffset, rr.rdataOffset + rr.rdlength))}`;
  }
  return text.length > MAX_SUMMARY_CHARS ? text.slice(0, MAX_SUMMARY_CHARS) : text;
}

function summarise(value: unknown, depth = 0): string {
  if (depth > 4) return '';
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map((v) => summarise(v, depth + 1)).join(' ');
  if (typeof value === 'object') {
    return Object.values(value as Record<string, unknown>)
      .map((v) => summarise(v, depth + 1))
      .join(' ');
  }
  return '';
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
