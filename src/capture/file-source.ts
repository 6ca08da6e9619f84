/**
 * One capture file as a source of packet batches (one batch per content
 * chunk). Parsing is synchronous per chunk; the only awaits are at chunk
 * boundaries. A truncated or corrupt file keeps the packets before the damage,
 * counts it, and warns once.
 */
import type { RawPacket } from '../types.js';
import type { Counters } from '../counters.js';
import { GroundwatchError, type ErrorCode } from '../errors.js';
import type { CaptureFormat } from './format.js';
import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';
import type { ParserProblem, RecordParser } from './record-parser.js';
import { GzipDamage } from './gzip-damage.js';
import { StoredBytes } from './stored-bytes.js';

export interface CaptureFileInfo {
  path: string;
  size: number;
  sha256: string;
  format: CaptureFormat;
  compressed: boolean;
  packets: number;
  anomalies: number;
  linkTypes: number[];
}

/** What validation learned about a file before reading it. */
export interface CaptureFileSpec {
  path: string;
  size: number;
  format: CaptureFormat;
  compressed: boolean;
  /** Time of the first packet, when the file's first bytes held one. */
  firstTs?: { sec: number; nsec: number };
}

export interface ReadOptions {
  counters: Counters;
  onWarning?: (code: ErrorCode, message: string) => void;
  maxRecordBytes?: number | undefined;
  chunkBytes?: number | undefined;
}

export function createParser(format: CaptureFormat, counters: Counters, sourceIndex: number, maxRecordBytes?: number): PcapParser | PcapngParser {
  const opts = { counters, sourceIndex, maxRecordBytes };
  return format === 'pcap' ? new PcapParser(opts) : new PcapngParser(opts);
}

export function emptyInfo(spec: CaptureFileSpec): CaptureFileInfo {
  const { path, size, format, compressed } = spec;
  return { path, size, sha256: '', format, compressed, packets: 0, anomalies: 0, linkTypes: [] };
}

/** Packet batches of one file, in file order; fills `info` as it goes. */
export async function* readCaptureFile(spec: CaptureFileSpec, info: CaptureFileInfo, sourceIndex: number, opts: ReadOptions): AsyncGenerator<RawPacket[]> {
  const parser = createParser(spec.format, opts.counters, sourceIndex, opts.maxRecordBytes);
  const bytes = new StoredBytes(spec.path, spec.compressed, spec.size, opts.chunkBytes);
  try {
    try {
      for await (const chunk of bytes.content()) {
        const packets = parser.push(chunk);
        if (packets.length > 0) {
          info.packets += packets.length;
          opts.counters.inc('capture.packets', packets.length);
          yield packets;
        }
        if (parser.problem) break;
      }
    } catch (err) {
      if (!(err instanceof GzipDamage)) throw unreadable(spec.path, err);
      parser.stop(err.kind, err.message);
    }
    reportProblem(spec, parser, parser.finish(), opts);
    info.anomalies = parser.anomalies;
    info.linkTypes = linkTypesOf(parser);
    try {
      const digest = await bytes.finish();
      info.sha256 = digest.sha256;
      info.size = digest.hashed;
    } catch (err) {
      throw unreadable(spec.path, err);
    }
  } finally {
    bytes.abandon();
  }
  opts.counters.inc('capture.files');
}

function reportProblem(spec: CaptureFileSpec, parser: RecordParser, problem: ParserProblem | undefined, opts: ReadOptions): void {
  if (problem === undefined) return;
  if (parser instanceof PcapParser && !parser.hasHeader) {
    throw new GroundwatchError('CAPTURE_TRUNCATED', `${spec.path}: pcap file header is shorter than 24 bytes`);
  }
  const code: ErrorCode = problem.kind === 'truncated' ? 'CAPTURE_TRUNCATED' : 'CAPTURE_CORRUPT';
  opts.onWarning?.(code, `${spec.path}: ${problem.detail}; packets before it are kept, the rest of the file is skipped`);
}

function linkTypesOf(parser: PcapParser | PcapngParser): number[] {
  if (parser instanceof PcapParser) return parser.hasHeader ? [parser.linkType] : [];
  return [...parser.linkTypes];
}

export function unreadable(path: string, err: unknown): GroundwatchError {
  if (err instanceof GroundwatchError) return err;
  const reason = (err as NodeJS.ErrnoException | null)?.code ?? (err as Error | null)?.message ?? String(err);
  return new GroundwatchError('INPUT_UNREADABLE', `${path}: cannot read (${reason})`, { cause: err });
}
