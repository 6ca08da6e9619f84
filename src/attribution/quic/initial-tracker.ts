/**
 * Per-flow reader of the client's QUIC Initial packets: opens them, gathers
 * the CRYPTO stream and answers with the ClientHello once it is complete.
 * Bounded by CRYPTO bytes, fragments and the number of Initial packets looked at.
 */
import type { AnomalyCounter } from '../../counters.js';
import { NEED_MORE, found, invalid, type ParseResult } from '../../parse-result.js';
import { handshakeMessageLength, parseClientHello, type ClientHelloInfo } from '../tls/client-hello.js';
import { CryptoReassembler } from './crypto-reassembler.js';
import { parseInitialFrames } from './frames.js';
import { InitialKeyRing } from './key-ring.js';
import { parseLongHeader, type LongHeader } from './long-header.js';
import { openInitialPacket, type OpenedPacket } from './packet-protection.js';
import type { QuicVersionParams } from './versions.js';

export interface QuicInitialInfo {
  /** Readable version ('QUICv1', 'QUICv2', 'draft-29'). */
  version: string;
  versionNumber: number;
  clientHello: ClientHelloInfo;
}

export interface QuicTrackerOptions {
  /** Receives anomaly.quic.* when a bound is hit. */
  counters?: AnomalyCounter;
  maxCryptoBytes?: number;
  maxFragments?: number;
  /** Client Initial packets examined before giving up on an incomplete ClientHello. */
  maxInitialPackets?: number;
}

export const QUIC_TRACKER_DEFAULTS = { maxCryptoBytes: 64 * 1024, maxFragments: 32, maxInitialPackets: 32 } as const;

/**
 * invalid reasons this class has already counted as `anomaly.quic.<reason>` (bound hits);
 * the caller counts the others (decrypt_failed, not_quic_initial, malformed_client_hello, ...).
 */
export const QUIC_REASONS_COUNTED_HERE: ReadonlySet<string> = new Set([
  'crypto_too_large',
  'crypto_fragment_limit',
  'crypto_gap_limit',
  'packet_limit',
]);

/** Header problems worth naming when the first datagram of a flow holds no readable Initial. */
const FIRST_HEADER_REASONS = new Set(['truncated_header', 'bad_cid_length']);

interface DatagramOutcome {
  sawInitial: boolean;
  /** Why the first packet's header could not be read, if it could not. */
  firstHeaderError?: string;
  opened: number;
  failed: number;
  fatal?: string;
}

export class QuicInitialTracker {
  private readonly counters: AnomalyCounter | undefined;
  private readonly maxCryptoBytes: number;
  private readonly maxInitialPackets: number;
  private readonly crypto: CryptoReassembler;
  private readonly keys = new InitialKeyRing();
  private initialPackets = 0;
  private version: QuicVersionParams | undefined;
  private result: ParseResult<QuicInitialInfo> = NEED_MORE;

  constructor(options: QuicTrackerOptions = {}) {
    this.counters = options.counters;
    this.maxCryptoBytes = options.maxCryptoBytes ?? QUIC_TRACKER_DEFAULTS.maxCryptoBytes;
    this.maxInitialPackets = options.maxInitialPackets ?? QUIC_TRACKER_DEFAULTS.maxInitialPackets;
    this.crypto = new CryptoReassembler(this.maxCryptoBytes, options.maxFragments ?? QUIC_TRACKER_DEFAULTS.maxFragments);
  }

  /** True once found or given up: later datagrams get the same answer. */
  get done(): boolean {
    return this.result.status !== 'need_more';
  }

  /**
   * Feed each client-to-server UDP payload in capture order. Answers found,
   * need_more, or invalid. invalid('decrypt_failed') concerns this datagram only
   * (the tracker stays open for later Initials); every other invalid is final.
   */
  pushClientDatagram(udpPayload: Uint8Array): ParseResult<QuicInitialInfo> {
    if (this.done) return this.result;
    const outcome = this.walkDatagram(udpPayload);
    if (outcome.fatal) return this.finish(invalid(outcome.fatal));
    if (!outcome.sawInitial && this.initialPackets === 0) {
      const named = outcome.firstHeaderError && FIRST_HEADER_REASONS.has(outcome.firstHeaderError);
      return this.finish(invalid(named ? outcome.firstHeaderError! : 'not_quic_initial'));
    }
    const complete = this.tryClientHello();
    if (complete) return this.finish(complete);
    if (this.initialPackets >= this.maxInitialPackets) return this.finish(this.limitHit());
    return outcome.failed > 0 && outcome.opened === 0 ? invalid('decrypt_failed') : NEED_MORE;
  }

  private finish(result: ParseResult<QuicInitialInfo>): ParseResult<QuicInitialInfo> {
    this.result = result;
    return result;
  }

  private walkDatagram(datagram: Uint8Array): DatagramOutcome {
    const outcome: DatagramOutcome = { sawInitial: false, opened: 0, failed: 0 };
    let pos = 0;
    // Coalesced packets (RFC 9000 12.2): only Initials matter, others are skipped by length.
    while (pos < datagram.length && !outcome.fatal) {
      const header = parseLongHeader(datagram, pos);
      if (header.status === 'invalid' && pos === 0) outcome.firstHeaderError = header.reason;
      if (header.status !== 'found') break; // short header, padding, Retry or unknown: nothing more to read
      pos = header.value.end;
      if (header.value.kind !== 'initial') continue;
      outcome.sawInitial = true;
      this.initialPackets++;
      this.readInitial(datagram, header.value, outcome);
      if (this.initialPackets >= this.maxInitialPackets) break;
    }
    return outcome;
  }

  private readInitial(datagram: Uint8Array, header: LongHeader, outcome: DatagramOutcome): void {
    const opened = this.open(datagram, header);
    if (!opened) {
      outcome.failed++;
      return;
    }
    outcome.opened++;
    this.version ??= header.version;
    for (const frame of parseInitialFrames(opened.payload).crypto) {
      const inserted = this.crypto.insert(frame.offset, frame.data);
      if (inserted === 'ok') continue;
      const what = inserted === 'too_large' ? 'crypto_too_large' : 'crypto_fragment_limit';
      this.counters?.inc(`anomaly.quic.${what}`);
      outcome.fatal = what;
      return;
    }
  }

  private open(datagram: Uint8Array, header: LongHeader): OpenedPacket | undefined {
    for (const candidate of this.keys.candidates(header)) {
      const opened = openInitialPacket(datagram, header, candidate.keys);
      if (opened.status !== 'found') continue;
      this.keys.confirm(candidate.dcid);
      return opened.value;
    }
    return undefined;
  }

  private tryClientHello(): ParseResult<QuicInitialInfo> | undefined {
    const stream = this.crypto.contiguous();
    const total = handshakeMessageLength(stream);
    if (total !== undefined && total > this.maxCryptoBytes) {
      this.counters?.inc('anomaly.quic.crypto_too_large');
      return invalid('crypto_too_large');
    }
    const parsed = parseClientHello(stream.subarray(0, total ?? stream.length));
    if (parsed.status === 'need_more') return undefined;
    if (parsed.status === 'invalid') return parsed;
    const version = this.version!;
    return found({ version: version.name, versionNumber: version.version, clientHello: parsed.value });
  }

  private limitHit(): ParseResult<QuicInitialInfo> {
    const what = this.crypto.hasGap ? 'crypto_gap_limit' : 'packet_limit';
    this.counters?.inc(`anomaly.quic.${what}`);
    return invalid(what);
  }
}
