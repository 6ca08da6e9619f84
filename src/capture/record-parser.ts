/**
 * The push-parser frame shared by the pcap and pcapng readers: fed chunks of
 * any size, it cuts them into length-prefixed records without copying, and
 * copies only the record that straddles two chunks. A subclass says how long a
 * record is and what a record means; this class owns buffering, limits and
 * the one-problem-per-file stop. A record longer than the limit is never
 * buffered: its bytes are streamed past and counted, so memory stays bounded
 * whatever lengths a file claims.
 */
import type { RawPacket } from '../types.js';
import type { AnomalyCounter, AnomalyName } from '../counters.js';
import { Cursor, isOutOfBounds } from '../decode/cursor.js';

export type ProblemKind = 'truncated' | 'corrupt';

export interface ParserProblem {
  kind: ProblemKind;
  detail: string;
}

export interface RecordParserOptions {
  counters: AnomalyCounter;
  /** Index of the input the packets come from (RawPacket.sourceIndex). */
  sourceIndex?: number;
  /** Longest record read; a longer one is skipped unread (anomaly.capture.oversized_record). Bounds the one straddle buffer. */
  maxRecordBytes?: number | undefined;
}

/** libpcap's MAXIMUM_SNAPLEN: no capture tool writes a longer packet, and libpcap refuses to read one. */
export const MAX_PACKET_BYTES = 262_144;
/** Room for a record's header and (pcapng) options around a full-snaplen packet. */
const RECORD_OVERHEAD_BYTES = 64 * 1024;
export const DEFAULT_MAX_RECORD_BYTES = MAX_PACKET_BYTES + RECORD_OVERHEAD_BYTES;
const ANOMALY_BY_KIND: Record<ProblemKind, AnomalyName> = {
  truncated: 'anomaly.capture.truncated_record',
  corrupt: 'anomaly.capture.corrupt_block',
};
const OVERSIZED_ANOMALY = 'anomaly.capture.oversized_record';
/** Larger than any record header either format needs before it knows a length. */
const HEADER_SCRATCH_BYTES = 64;

export abstract class RecordParser {
  /** Set once reading must stop; later pushes are ignored. */
  problem: ParserProblem | undefined;
  /** Anomalies this parser counted (for the file's provenance). */
  anomalies = 0;
  /** Stored bytes consumed as whole records so far (for messages). */
  offset = 0;
  /** Packets handed out so far: the next one is number packetsRead + 1, as tshark numbers frames. */
  protected packetsRead = 0;
  protected readonly counters: AnomalyCounter;
  protected readonly sourceIndex: number;
  private readonly maxRecordBytes: number;
  private cur = new Cursor(new Uint8Array(0));
  private readonly headerScratch = new Uint8Array(HEADER_SCRATCH_BYTES);
  /** The straddling record: header bytes in headerScratch until its length is known. */
  private straddle: Uint8Array | undefined;
  private straddleLength = 0;
  private straddleFill = 0;
  /** Bytes of an oversized record still to stream past. */
  private skipRemaining = 0;
  private skipLength = 0;

  protected constructor(opts: RecordParserOptions) {
    this.counters = opts.counters;
    this.sourceIndex = opts.sourceIndex ?? 0;
    this.maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /** Bytes needed at the start of the next record before its length is known. */
  protected abstract headerBytes(): number;
  /** Total length of the record at cur.pos (>= headerBytes() available); call stop() and return -1 when bad. */
  protected abstract recordLength(cur: Cursor): number;
  /** Handle one whole record spanning cur.pos..cur.end; call stop() and return false when bad. */
  protected abstract record(cur: Cursor, out: RawPacket[]): boolean;

  /** Parse a chunk; packets found are appended to `out` (returned for convenience). */
  push(chunk: Uint8Array, out: RawPacket[] = []): RawPacket[] {
    if (this.problem) return out;
    let off = 0;
    while (off < chunk.length && !this.problem) {
      if (this.skipRemaining > 0) off = this.skip(chunk, off);
      else if (this.straddleFill > 0) off += this.continueStraddle(chunk.subarray(off), out);
      else {
        off = this.parseRun(chunk, off, out);
        if (off < chunk.length && this.skipRemaining === 0 && !this.problem) {
          this.startStraddle(chunk, off);
          off = chunk.length;
        }
      }
    }
    return out;
  }

  /** Input ended: a half record left over is a truncated record. */
  finish(): ParserProblem | undefined {
    if (!this.problem && this.skipRemaining > 0) {
      this.stop('truncated', `last record at offset ${this.offset - this.skipLength} cut short: ${this.skipLength - this.skipRemaining} of ${this.skipLength} bytes`);
    } else if (!this.problem && this.straddleFill > 0) {
      const expected = this.straddleLength > 0 ? `${this.straddleLength}` : `at least ${this.headerBytes()}`;
      this.stop('truncated', `last record at offset ${this.offset} cut short: ${this.straddleFill} of ${expected} bytes`);
    }
    return this.problem;
  }

  /** Stop reading for good; the first problem is the one reported. */
  stop(kind: ProblemKind, detail: string): void {
    if (this.problem) return;
    this.problem = { kind, detail };
    this.anomaly(ANOMALY_BY_KIND[kind]);
    this.straddle = undefined;
    this.straddleFill = 0;
  }

  protected anomaly(name: AnomalyName): void {
    this.anomalies++;
    this.counters.inc(name);
  }

  private parseRun(chunk: Uint8Array, start: number, out: RawPacket[]): number {
    let off = start;
    const end = chunk.length;
    for (;;) {
      if (end - off < this.headerBytes()) return off;
      const len = this.checkedLength(chunk, off);
      if (len < 0) return end;
      if (this.skipRemaining > 0) return off;
      if (end - off < len) return off;
      if (!this.handle(chunk, off, len, out)) return end;
      off += len;
    }
  }

  private startStraddle(chunk: Uint8Array, off: number): void {
    this.straddleLength = 0;
    this.straddleFill = 0;
    this.continueStraddle(chunk.subarray(off), []);
  }

  /** Feed the straddling record; returns how much of `chunk` it took. */
  private continueStraddle(chunk: Uint8Array, out: RawPacket[]): number {
    let off = 0;
    if (this.straddleLength === 0) {
      const header = this.headerBytes();
      const take = Math.min(header - this.straddleFill, chunk.length);
      this.headerScratch.set(chunk.subarray(0, take), this.straddleFill);
      this.straddleFill += take;
      off = take;
      if (this.straddleFill < header) return chunk.length;
      const len = this.checkedLength(this.headerScratch, 0);
      if (len < 0) return chunk.length;
      if (this.skipRemaining > 0) {
        // The header bytes already taken are part of the skipped record.
        this.skipRemaining -= this.straddleFill;
        this.straddleFill = 0;
        return off;
      }
      this.straddle = new Uint8Array(len);
      this.straddle.set(this.headerScratch.subarray(0, this.straddleFill));
      this.straddleLength = len;
    }
    const record = this.straddle!;
    const take = Math.min(this.straddleLength - this.straddleFill, chunk.length - off);
    record.set(chunk.subarray(off, off + take), this.straddleFill);
    this.straddleFill += take;
    off += take;
    if (this.straddleFill < this.straddleLength) return chunk.length;
    this.straddle = undefined;
    this.straddleFill = 0;
    this.straddleLength = 0;
    this.handle(record, 0, record.length, out);
    return off;
  }

  private checkedLength(buf: Uint8Array, off: number): number {
    const cur = this.cursorAt(buf, off, buf.length);
    let len: number;
    try {
      len = this.recordLength(cur);
    } catch (err) {
      if (!isOutOfBounds(err)) throw err;
      this.stop('corrupt', `unreadable record header at offset ${this.offset}`);
      return -1;
    }
    if (len < 0) return -1;
    if (len > this.maxRecordBytes) {
      if (!this.maySkip(buf, off)) {
        this.counters.inc('capture.limit.max_record_bytes');
        this.stop('corrupt', `record at offset ${this.offset} claims ${len} bytes (limit ${this.maxRecordBytes})`);
        return -1;
      }
      this.anomaly(OVERSIZED_ANOMALY);
      this.offset += len;
      this.skipRemaining = len;
      this.skipLength = len;
    }
    return len;
  }

  /** Whether an oversized record at buf[off] can be skipped; one the rest of the file depends on cannot. */
  protected maySkip(_buf: Uint8Array, _off: number): boolean {
    return true;
  }

  /** Stream past an oversized record's bytes without keeping them; returns the new offset in chunk. */
  private skip(chunk: Uint8Array, off: number): number {
    const take = Math.min(this.skipRemaining, chunk.length - off);
    this.skipRemaining -= take;
    return off + take;
  }

  private handle(buf: Uint8Array, off: number, len: number, out: RawPacket[]): boolean {
    const cur = this.cursorAt(buf, off, off + len);
    let ok: boolean;
    try {
      ok = this.record(cur, out);
    } catch (err) {
      if (!isOutOfBounds(err)) throw err;
      this.stop('corrupt', `record at offset ${this.offset} is shorter than its fields`);
      return false;
    }
    if (ok) this.offset += len;
    return ok;
  }

  private cursorAt(buf: Uint8Array, pos: number, end: number): Cursor {
    if (this.cur.buf !== buf) this.cur = new Cursor(buf);
    this.cur.pos = pos;
    this.cur.end = end;
    return this.cur;
  }
}

/** One shape for every packet object, so the hot path stays monomorphic. */
export function rawPacket(
  tsSec: number,
  tsNsec: number,
  linkType: number,
  data: Uint8Array,
  wireLen: number,
  interfaceId: number,
  sourceIndex: number,
  packetNumber: number,
): RawPacket {
  return { tsSec, tsNsec, linkType, data, wireLen, interfaceId, sourceIndex, packetNumber };
}
