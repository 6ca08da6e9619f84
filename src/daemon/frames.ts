/**
 * The byte stream from the capture worker (child process) to the daemon:
 * frames of [magic u16 'GW', type u8, 0 u8, payload length u32 LE, payload].
 * Packets are binary; the rare control frames carry JSON.
 */
import type { ErrorCode } from '../errors.js';

export const FRAME_MAGIC = 0x4757;
export const FRAME_HEADER_BYTES = 8;
/** A payload larger than this is a corrupt stream, not a packet. */
export const MAX_FRAME_PAYLOAD = 1 << 20;

export const FrameType = { packet: 1, opened: 2, stats: 3, error: 4 } as const;
export type FrameTypeName = keyof typeof FrameType;

export interface OpenedInfo {
  linkType: number;
  interfaceName: string;
  /** libpcap's activation warning (e.g. promiscuous mode not supported). */
  warning?: string;
}
/** libpcap's counters for one worker's capture, from 0 at its start (pcap_stats, 32-bit: they wrap). */
export interface WorkerStats {
  /** ps_recv: packets that passed the filter, including those the kernel then dropped. */
  received: number;
  /** ps_drop (plus any lost for room in the worker): packets that never reached the daemon. */
  dropped: number;
  /** ps_ifdrop: the interface's own drops. */
  ifDropped: number;
  /** Packets cut to the snaplen. */
  truncated: number;
  /**
   * Packets libpcap had received but the worker never delivered because it
   * stopped first (still in the kernel ring when the drain deadline passed):
   * ps_recv - ps_drop - delivered, in the worker's last stats frame.
   */
  discarded: number;
}
export interface WorkerError {
  /** A catalogued code (src/errors.ts): the worker sends its GroundwatchError's, the daemon adds CAPTURE_FAILED. */
  code: ErrorCode;
  message: string;
}

export type Frame =
  | { type: 'packet'; tsSec: number; tsNsec: number; wireLen: number; data: Uint8Array }
  | { type: 'opened'; info: OpenedInfo }
  | { type: 'stats'; stats: WorkerStats }
  | { type: 'error'; error: WorkerError };

export const PACKET_META_BYTES = 12;
/** Bytes a packet frame adds to the captured bytes (the C binding writes the same layout). */
export const PACKET_FRAME_OVERHEAD = FRAME_HEADER_BYTES + PACKET_META_BYTES;

function header(type: number, payloadLength: number): Buffer {
  const h = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  h.writeUInt16LE(FRAME_MAGIC, 0);
  h.writeUInt8(type, 2);
  h.writeUInt8(0, 3);
  h.writeUInt32LE(payloadLength, 4);
  return h;
}

export function encodePacketFrame(tsSec: number, tsNsec: number, wireLen: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + PACKET_META_BYTES + data.length);
  header(FrameType.packet, PACKET_META_BYTES + data.length).copy(out, 0);
  out.writeUInt32LE(tsSec >>> 0, 8);
  out.writeUInt32LE(tsNsec >>> 0, 12);
  out.writeUInt32LE(wireLen >>> 0, 16);
  out.set(data, FRAME_HEADER_BYTES + PACKET_META_BYTES);
  return out;
}

export function encodeJsonFrame(type: Exclude<FrameTypeName, 'packet'>, body: OpenedInfo | WorkerStats | WorkerError): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  return Buffer.concat([header(FrameType[type], json.length), json]);
}

/** How many frames are in `bytes` (whole frames only, as the binding writes them). */
export function countFrames(bytes: Uint8Array): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let off = 0; off + FRAME_HEADER_BYTES <= view.length; off += FRAME_HEADER_BYTES + view.readUInt32LE(off + 4)) n++;
  return n;
}

/** Incremental decoder: feed chunks, get whole frames; a corrupt stream is reported, never thrown. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  corrupt = false;

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let off = 0;
    while (!this.corrupt && this.pending.length - off >= FRAME_HEADER_BYTES) {
      const len = this.pending.readUInt32LE(off + 4);
      if (this.pending.readUInt16LE(off) !== FRAME_MAGIC || len > MAX_FRAME_PAYLOAD) {
        this.corrupt = true;
        break;
      }
      if (this.pending.length - off < FRAME_HEADER_BYTES + len) break;
      const frame = decodeFrame(this.pending.readUInt8(off + 2), this.pending.subarray(off + FRAME_HEADER_BYTES, off + FRAME_HEADER_BYTES + len));
      if (frame === undefined) this.corrupt = true;
      else frames.push(frame);
      off += FRAME_HEADER_BYTES + len;
    }
    this.pending = this.corrupt ? Buffer.alloc(0) : this.pending.subarray(off);
    return frames;
  }
}

function decodeFrame(type: number, payload: Buffer): Frame | undefined {
  if (type === FrameType.packet) {
    if (payload.length < PACKET_META_BYTES) return undefined;
    return {
      type: 'packet',
      tsSec: payload.readUInt32LE(0),
      tsNsec: payload.readUInt32LE(4),
      wireLen: payload.readUInt32LE(8),
      data: payload.subarray(PACKET_META_BYTES),
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (type === FrameType.opened) return { type: 'opened', info: body as OpenedInfo };
  if (type === FrameType.stats) return { type: 'stats', stats: body as WorkerStats };
  if (type === FrameType.error) return { type: 'error', error: body as WorkerError };
  return undefined;
}
