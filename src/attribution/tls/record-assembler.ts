/**
 * Collects the ClientHello from the client-to-server TCP byte stream (given in
 * order; TCP reordering happens upstream). Handles a ClientHello fragmented over
 * several TLS records and records split over any number of segments
 * (RFC 8446 5.1 allows both).
 */
import type { AnomalyCounter } from '../../counters.js';
import { NEED_MORE, invalid, type ParseResult } from '../../parse-result.js';
import { handshakeMessageLength, parseClientHello, type ClientHelloInfo } from './client-hello.js';
import { GrowableBytes } from './growable-bytes.js';

const RECORD_HEADER_LEN = 5;
const CONTENT_TYPE_HANDSHAKE = 22;
/** TLSCiphertext limit (2^14 + 2048); a plaintext record may not be larger. */
const MAX_RECORD_LEN = 16384 + 2048;
export const DEFAULT_MAX_CLIENT_HELLO_BYTES = 64 * 1024;

/** invalid reasons already counted here as `anomaly.tls.<reason>`; the caller counts the others. */
export const TLS_REASONS_COUNTED_HERE: ReadonlySet<string> = new Set(['too_large']);

export interface TlsAssemblerOptions {
  /** Most handshake bytes kept while waiting for the ClientHello to complete. */
  maxBytes?: number;
  /** Receives `anomaly.tls.too_large` when maxBytes is hit. */
  counters?: AnomalyCounter;
}

/** First bytes of a TLS handshake record: 0x16 0x03 0x00..0x04. */
export function looksLikeTls(firstBytes: Uint8Array): boolean {
  return (
    firstBytes.length >= 3 && firstBytes[0] === CONTENT_TYPE_HANDSHAKE && firstBytes[1] === 3 && firstBytes[2]! <= 4
  );
}

export class TlsClientHelloAssembler {
  private readonly maxBytes: number;
  private readonly counters: AnomalyCounter | undefined;
  private readonly header = new Uint8Array(RECORD_HEADER_LEN);
  private headerFill = 0;
  private bodyRemaining = 0;
  private recordsSeen = 0;
  private readonly handshake = new GrowableBytes();
  private result: ParseResult<ClientHelloInfo> = NEED_MORE;

  constructor(options: TlsAssemblerOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_CLIENT_HELLO_BYTES;
    this.counters = options.counters;
  }

  /** True once found or invalid: later pushes return the same answer. */
  get done(): boolean {
    return this.result.status !== 'need_more';
  }

  push(bytes: Uint8Array): ParseResult<ClientHelloInfo> {
    let i = 0;
    while (!this.done && i < bytes.length) {
      if (this.bodyRemaining === 0) {
        this.header[this.headerFill++] = bytes[i++]!;
        if (this.headerFill === RECORD_HEADER_LEN) this.startRecord();
      } else {
        const take = Math.min(this.bodyRemaining, bytes.length - i);
        this.handshake.append(bytes.subarray(i, i + take));
        i += take;
        this.bodyRemaining -= take;
        this.checkHandshake();
      }
    }
    return this.result;
  }

  private startRecord(): void {
    this.headerFill = 0;
    const h = this.header;
    const first = this.recordsSeen++ === 0;
    if (h[0] !== CONTENT_TYPE_HANDSHAKE || h[1] !== 3) {
      this.result = invalid(first ? 'not_tls' : 'unexpected_record');
      return;
    }
    const length = (h[3]! << 8) | h[4]!;
    if (length > MAX_RECORD_LEN) this.result = invalid('record_too_long');
    else this.bodyRemaining = length;
  }

  /** Decide as soon as the handshake header or the whole message is in. */
  private checkHandshake(): void {
    const bytes = this.handshake.view();
    const total = handshakeMessageLength(bytes);
    if (total !== undefined && total > this.maxBytes) {
      this.counters?.inc('anomaly.tls.too_large');
      this.result = invalid('too_large');
      return;
    }
    if (bytes.length === 0 || (total !== undefined && bytes.length < total)) return;
    // parseClientHello answers need_more until the header is in, invalid on a wrong type.
    this.result = parseClientHello(bytes);
  }
}
