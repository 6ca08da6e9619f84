/**
 * tshark as an independent oracle for the pcap tests: it extracts the client's
 * payloads (so these tests do not depend on our own capture readers) and says
 * what it decodes from the ClientHellos, which our parser must agree with.
 */
import { hexBytes, tsharkFieldRows } from '../../../support/tshark.js';
import { PEER_PCAP_DIR } from '../../../support/fixture-paths.js';

export const PEER_PCAPS = PEER_PCAP_DIR;

export function peerPcap(name: string): string {
  return `${PEER_PCAPS}${name}`;
}

const rowCache = new Map<string, string[][]>();

/** tshark's field rows for a capture (memoised: tshark takes ~0.4 s a run). */
export function tsharkRows(file: string, fields: string[], filter?: string): string[][] {
  const key = JSON.stringify([file, fields, filter]);
  const cached = rowCache.get(key);
  if (cached) return cached;
  const rows = tsharkFieldRows(file, fields, filter ? { filter } : {});
  rowCache.set(key, rows);
  return rows;
}

/** UDP payloads sent by whoever sent the first UDP packet (the client in these captures). */
export function clientUdpPayloads(file: string): Uint8Array[] {
  const rows = tsharkRows(file, ['ip.src', 'ipv6.src', 'udp.srcport', 'udp.payload'], 'udp');
  const sender = (r: string[]): string => `${r[0] || r[1]}:${r[2]}`;
  const client = rows[0] ? sender(rows[0]) : '';
  return rows.filter((r) => sender(r) === client && r[3]).map((r) => hexBytes(r[3]!));
}

/** One tshark pass per capture serves both the payloads and the decoded ClientHellos. */
const TCP_FIELDS = [
  'tcp.stream',
  'ip.src',
  'ipv6.src',
  'tcp.srcport',
  'tcp.flags.syn',
  'tcp.flags.ack',
  'tcp.seq_raw',
  'tcp.payload',
  'tls.handshake.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str',
  'tls.handshake.extension.type',
  'tls.handshake.version',
  'tls.handshake.extensions.supported_version',
];

export interface ClientStream {
  stream: number;
  /** Client-to-server payload bytes in sequence order, retransmitted bytes dropped. */
  segments: Uint8Array[];
}

/** Per TCP stream, the segments sent by the side that sent the SYN (or the first payload). */
export function clientTcpStreams(file: string): ClientStream[] {
  const byStream = new Map<number, { client?: string; next?: number; segments: Uint8Array[] }>();
  for (const r of tsharkRows(file, TCP_FIELDS, 'tcp')) {
    const id = Number(r[0]);
    const sender = `${r[1] || r[2]}:${r[3]}`;
    const s = byStream.get(id) ?? { segments: [] };
    byStream.set(id, s);
    const isSyn = r[4] === '1' && r[5] === '0';
    if (isSyn) s.client = sender;
    if (!r[7]) continue;
    s.client ??= sender;
    if (sender !== s.client) continue;
    const seq = Number(r[6]);
    const bytes = hexBytes(r[7]);
    s.next ??= seq;
    const alreadySeen = s.next - seq; // > 0 for a retransmission
    if (alreadySeen >= bytes.length) continue;
    s.segments.push(alreadySeen > 0 ? bytes.subarray(alreadySeen) : bytes);
    s.next = Math.max(s.next, seq + bytes.length);
  }
  return [...byStream.entries()].map(([stream, s]) => ({ stream, segments: s.segments }));
}

export interface TsharkHello {
  stream: number;
  sni?: string;
  alpn: string[];
  extensionTypes: number[];
  legacyVersion: number;
  supportedVersions: number[];
}

/** What tshark decodes from each TCP ClientHello (first per stream). */
export function tsharkTcpClientHellos(file: string): TsharkHello[] {
  const rows = tsharkRows(file, TCP_FIELDS, 'tcp').filter((r) => r[8]?.split(',').includes('1'));
  const seen = new Set<number>();
  const hellos: TsharkHello[] = [];
  for (const r of rows) {
    const stream = Number(r[0]);
    if (seen.has(stream)) continue;
    seen.add(stream);
    const list = (s: string | undefined): string[] => (s ? s.split(',') : []);
    hellos.push({
      stream,
      ...(r[9] ? { sni: r[9] } : {}),
      alpn: list(r[10]),
      extensionTypes: list(r[11]).map(Number),
      legacyVersion: Number(r[12]),
      supportedVersions: list(r[13]).map(Number),
    });
  }
  return hellos;
}
