/**
 * Replay capture files through the pipeline: the engine behind `groundwatch
 * replay`. The CLI parses flags and calls this; tests call it directly.
 */
import { constants as osConstants } from 'node:os';
import { openCaptureFiles } from '../capture/open-files.js';
import { Counters } from '../counters.js';
import { linkTypeLabel, unsupportedLinkTypes } from '../decode/link-types.js';
import type { ErrorCode } from '../errors.js';
import { SEVERITY_ORDER, type Severity } from '../types.js';
import { Session, type SessionOptions } from './session.js';
import type { DeliveryReport } from '../delivery/delivery.js';
import { DEFAULT_DELIVER_TIMEOUT_MS } from './replay-defaults.js';
import { prestartStoreThread, replayStoreThread } from './store-open.js';
import { REPLAY_ADVICE, staleWarning } from '../enrich/staleness.js';

const FLUSH_EVERY_MS = 1000;

export interface ReplayOptions extends Omit<SessionOptions, 'mode'> {
  files: string[];
  failOn: Severity | 'never';
  batchSize?: number;
  /** Aborted (e.g. on SIGINT): reading stops after the current batch and the run is closed as usual. */
  signal?: AbortSignal;
  /** With --deliver: how long to wait at the end for destinations to acknowledge (ms). */
  deliverTimeoutMs?: number;
  /** Called about once a second while reading (the CLI shows it on a terminal). */
  onProgress?: (progress: ReplayProgress) => void;
}

/** Delivery asked for and not completed within the wait (and no exit 1 or 2 applies): see DELIVERY_INCOMPLETE. */
export const EXIT_DELIVERY_INCOMPLETE = 3;
export { DEFAULT_DELIVER_TIMEOUT_MS };

export interface ReplayProgress {
  packets: number;
  /** The file the latest packet came from. */
  file: string;
  /** Packets per second since the replay started. */
  rate: number;
  elapsedSec: number;
}

const PROGRESS_EVERY_MS = 1000;

/**
 * Exit status: 0 ok; 1 an alert reached --fail-on; 2 (before 1) when --fail-on is set and the
 * evidence is incomplete: an input was not read to its end (truncated, corrupt block or gzip
 * data, bad gzip CRC, trailing bytes) or packets were read but none could be decoded (an
 * unsupported link type). Each cause has printed its own `groundwatch: CODE:` warning line.
 */
export const EXIT_INCOMPLETE_INPUT = 2;
/** Warnings that mean an input's packets were not all read. */
const INCOMPLETE_INPUT_CODES: ReadonlySet<ErrorCode> = new Set(['CAPTURE_TRUNCATED', 'CAPTURE_CORRUPT']);

export interface ReplayResult {
  exitCode: number;
  /** Some input was not read to its end, or nothing read could be decoded. */
  incomplete: boolean;
  /** Set when opts.signal stopped the replay: its reason (e.g. 'SIGINT'). */
  interrupted?: string;
  session: Session;
  warnings: string[];
  /** What delivery achieved within its wait (absent without --deliver). */
  delivery?: DeliveryReport;
}

export async function runReplay(opts: ReplayOptions): Promise<ReplayResult> {
  const warnings: string[] = [];
  let incomplete = false;
  let interrupted: string | undefined;
  const warn = (line: string) => {
    warnings.push(line);
    opts.warn(line);
  };
  // Inputs are checked before anything is opened or written: bad input costs nothing already recorded.
  const counters = new Counters();
  const storeThread = opts.dbPath ? (opts.storeThread ?? (await replayStoreThread(opts.files))) : undefined;
  if (opts.dbPath) await prestartStoreThread({ ...opts, ...(storeThread ? { storeThread } : {}) });
  const input = await openCaptureFiles(opts.files, {
    counters,
    onWarning: (code: ErrorCode, message: string) => {
      if (INCOMPLETE_INPUT_CODES.has(code)) incomplete = true;
      warn(`groundwatch: ${code}: ${message}`);
    },
    batchSize: opts.batchSize ?? 512,
  });
  const session = await Session.open({ ...opts, ...(storeThread ? { storeThread } : {}), mode: 'replay', counters, warn });
  session.provenance.files = input.files.map((f) => f.path);
  // Said once, before any packet: about the data judging this replay, not about its input (no warnings entry,
  // so it neither counts as an input problem in JUnit nor changes the exit status).
  const stale = staleWarning(session.geo.databases(), session.geoipMaxAgeDays, REPLAY_ADVICE);
  if (stale) opts.warn(stale);
  try {
    let lastFlush = Date.now();
    const started = Date.now();
    let lastProgress = started;
    for await (const batch of input.batches()) {
      if (opts.signal?.aborted) {
        interrupted = String(opts.signal.reason ?? 'abort');
        warn(`groundwatch: INTERRUPTED: replay stopped (${interrupted}) after ${counters.get('packets.received')} packets; what was read is recorded`);
        break;
      }
      session.pipeline.processBatch(batch);
      if (opts.onProgress && Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        const elapsedSec = (lastProgress - started) / 1000;
        const packets = counters.get('packets.received');
        const last = batch[batch.length - 1];
        opts.onProgress({ packets, file: input.files[last?.sourceIndex ?? 0]?.path ?? '', rate: packets / elapsedSec, elapsedSec });
      }
      // Flushed at least every second as well as when buffers fill: a killed replay loses at most the last second.
      if (Date.now() - lastFlush >= FLUSH_EVERY_MS) {
        await session.sinks.flush();
        lastFlush = Date.now();
      } else {
        await session.maybeFlush();
      }
    }
    if (interrupted === undefined && reportUndecoded(counters, warn)) incomplete = true;
  } finally {
    session.run.sources = input.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, format: f.format, compressed: f.compressed }));
    // Interrupted: no wait for acknowledgements (the user asked to stop); what is queued stays in the outbox.
    await session.close({ deliveryWaitMs: interrupted !== undefined ? 0 : (opts.deliverTimeoutMs ?? DEFAULT_DELIVER_TIMEOUT_MS) });
  }
  // The final checkpoint is queued as the store closes, after close()'s wait: it gets what is left of it.
  const delivery = await session.finishDelivery(session.remainingDeliveryWaitMs());
  if (delivery && delivery.undelivered > 0) warn(undeliveredLine(delivery));
  const withDelivery = delivery ? { delivery } : {};
  if (interrupted !== undefined) return { exitCode: interruptedExitCode(interrupted), incomplete: true, interrupted, session, warnings, ...withDelivery };
  const policyExit = opts.failOn === 'never' ? 0 : incomplete ? EXIT_INCOMPLETE_INPUT : session.collector.reaches(opts.failOn) ? 1 : 0;
  // Undelivered alerts must not pass CI silently: exit 3 when nothing weightier (1, 2) applies, --fail-on never included.
  const exitCode = policyExit === 0 && delivery && delivery.undelivered > 0 ? EXIT_DELIVERY_INCOMPLETE : policyExit;
  return { exitCode, incomplete, session, warnings, ...withDelivery };
}

/** The shell's convention for a run ended by a signal: 128 + its number (130 SIGINT, 143 SIGTERM). */
function interruptedExitCode(reason: string): number {
  const signo = (osConstants.signals as Record<string, number | undefined>)[reason];
  return signo === undefined ? 130 : 128 + signo;
}

/** One line per unsupported link type, and one if nothing read could be decoded; true in that last case. */
function reportUndecoded(counters: Counters, warn: (line: string) => void): boolean {
  for (const [linkType, packets] of unsupportedLinkTypes(counters.toJSON())) {
    warn(`groundwatch: LINK_TYPE_UNSUPPORTED: ${packets} packets of link type ${linkTypeLabel(linkType)} were not decoded (groundwatch decodes Ethernet, Linux cooked, raw IP and BSD loopback)`);
  }
  const read = counters.get('packets.received');
  if (read === 0 || counters.get('packets.decoded') > 0) return false;
  warn(`groundwatch: NOTHING_DECODED: none of the ${read} packets read could be decoded as IP; nothing was assessed`);
  return true;
}

export function isSeverityOrNever(value: string): value is Severity | 'never' {
  return value === 'never' || (SEVERITY_ORDER as readonly string[]).includes(value);
}

function undeliveredLine(d: DeliveryReport): string {
  const where = d.destinations.filter((x) => x.undelivered > 0).map((x) => `${x.label} ${x.undelivered}${x.disabled ? ' (disabled)' : ''}`).join(', ');
  const fate = d.durable ? 'they stay in the outbox: `groundwatch outbox flush` delivers them' : 'with --no-db there is no outbox: they are lost';
  return `groundwatch: DELIVERY_INCOMPLETE: ${d.undelivered} messages not delivered after ${(d.waitedMs / 1000).toFixed(1)} s (${where}); ${fate}`;
}
