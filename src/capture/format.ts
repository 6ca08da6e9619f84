/**
 * Capture file formats recognised by their first bytes (never by extension).
 * Magic values are from the pcap draft (draft-ietf-opsawg-pcap), the pcapng
 * draft (draft-ietf-opsawg-pcapng) and RFC 1952 for gzip.
 */
export type CaptureFormat = 'pcap' | 'pcapng';
export type SniffedFormat = CaptureFormat | 'gzip';

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
/** Alexey Kuznetzov's patched libpcap: 8 extra bytes per record header. */
export const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;
export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Bytes needed to tell the formats apart. */
export const SNIFF_BYTES = 4;

const PCAP_MAGICS = [PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO, PCAP_MAGIC_KUZNETZOV];

function readU32(b: Uint8Array, littleEndian: boolean): number {
  return littleEndian
    ? ((b[3]! << 24) >>> 0) + ((b[2]! << 16) | (b[1]! << 8) | b[0]!)
    : ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
}

/** What the first bytes of a file say it is, or undefined when nothing we read. */
export function sniffFormat(head: Uint8Array): SniffedFormat | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length < SNIFF_BYTES) return undefined;
  const be = readU32(head, false);
  const le = readU32(head, true);
  if (be === PCAPNG_SHB_TYPE) return 'pcapng';
  if (PCAP_MAGICS.includes(be) || PCAP_MAGICS.includes(le)) return 'pcap';
  return undefined;
}

/** Minimum bytes a well-formed file of the format starts with (its header). */
export function minimumHeaderBytes(format: CaptureFormat): number {
  return format === 'pcap' ? 24 : 28;
}
