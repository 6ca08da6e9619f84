/**
 * The one catalogue of operational errors (fastify's lib/errors.js habit).
 * A GroundwatchError prints as one line `groundwatch: CODE: message` and the
 * CLI exits with its exitCode; anything else is a bug and prints a stack.
 */
import { neutralizeTerminalLine } from './util/terminal-text.js';

export interface ErrorDefinition {
  /** The process exit status when this error ends a command. */
  exitCode: number;
  /** One line for docs/errors.md: what went wrong and whether the run goes on. */
  meaning: string;
}

/**
 * Every code groundwatch prints or raises. docs/errors.md lists this table (written by
 * scripts/write-errors-doc.mjs, checked by test/errors-catalogue.test.ts, which also fails on
 * a code used in src/ and not declared here). Exit status 1 is reserved for policy violations
 * (an alert at --fail-on), 70 for internal errors (bugs, printed with a stack).
 */
export const ERROR_CATALOGUE = {
  USAGE: { exitCode: 2, meaning: 'Bad command line or option value (also: the monitor cannot switch to the --user given).' },
  INPUT_NOT_FOUND: { exitCode: 2, meaning: 'No capture file given, a path that does not exist, or a directory with no capture files.' },
  INPUT_UNREADABLE: { exitCode: 2, meaning: 'A capture input cannot be read: permissions, not a regular file, or a directory that cannot be listed.' },
  INPUT_EMPTY: { exitCode: 2, meaning: 'A capture file (or its gzip content) is empty; inside a directory it is skipped instead.' },
  INPUT_NOT_A_CAPTURE: { exitCode: 2, meaning: 'A file is not pcap or pcapng (gzip-compressed or not); inside a directory it is skipped instead.' },
  CAPTURE_TRUNCATED: {
    exitCode: 2,
    meaning: 'A capture file ends mid-header (fatal) or mid-record (a warning: packets before it are kept, the rest of that file is skipped).',
  },
  CAPTURE_CORRUPT: {
    exitCode: 2,
    meaning: 'A capture file has a malformed block or record, or its gzip data is damaged (bad CRC-32 or length, trailing bytes): a warning, packets before it are kept, the rest of that file is skipped.',
  },
  LINK_TYPE_UNSUPPORTED: {
    exitCode: 2,
    meaning: 'A warning: packets of a link type groundwatch does not decode (802.11, radiotap, ...) were counted, not assessed; a --fail-on replay exits 2.',
  },
  NOTHING_DECODED: { exitCode: 2, meaning: 'A warning: packets were read but none could be decoded as IP, so nothing was assessed; a --fail-on replay exits 2.' },
  INTERRUPTED: { exitCode: 130, meaning: 'A replay stopped by SIGINT (exit 130) or SIGTERM (exit 143): what was read is recorded and the run is closed.' },
  CAPTURE_OPEN_FAILED: { exitCode: 2, meaning: 'Live capture cannot start on the interface (no such interface, no permission, libpcap error).' },
  CAPTURE_UNAVAILABLE: { exitCode: 2, meaning: "Live capture needs libpcap and groundwatch's libpcap binding, and they are not installed or built." },
  CAPTURE_FAILED: {
    exitCode: 2,
    meaning: 'The capture worker failed after capture started (its last error line, or a corrupt frame stream): the monitor keeps running, records a capture gap and retries.',
  },
  CONFIG_INVALID: { exitCode: 2, meaning: 'The monitor config file cannot be read, is not YAML, or has an invalid key or value (file:line given).' },
  RULES_INVALID: {
    exitCode: 2,
    meaning: 'A rule pack or operators file cannot be read or is invalid; on a monitor reload a warning, and the previous rules stay.',
  },
  GEOIP_DB_UNREADABLE: {
    exitCode: 2,
    meaning: 'A GeoIP .mmdb database is corrupt or unreadable; on a monitor reload a warning, and the previous databases stay.',
  },
  GEOIP_DB_MISSING: { exitCode: 2, meaning: 'The --geoip directory holds no usable .mmdb database.' },
  DB_OPEN_FAILED: { exitCode: 2, meaning: 'The SQLite store cannot be opened, or is too old a schema to read without migrating it.' },
  DB_NOT_FOUND: { exitCode: 2, meaning: 'No store given and none found: the line names every place tried (--db, $GROUNDWATCH_DB, ./groundwatch.db, the config file\'s db, the state directory).' },
  DB_READ_ONLY: { exitCode: 2, meaning: 'A command that writes the store (alerts ack) was refused: the store is read-only for this user (analysts read; the service user acknowledges).' },
  DB_SCHEMA_TOO_NEW: { exitCode: 2, meaning: 'The SQLite store was written by a newer groundwatch; upgrade groundwatch to read it.' },
  BUNDLE_OUT_NOT_EMPTY: { exitCode: 2, meaning: 'alerts export: the --out directory exists and is not empty, or cannot be created (a bundle is never mixed with other files).' },
  BUNDLE_INVALID: { exitCode: 2, meaning: 'verify --bundle: the path is not an evidence bundle (no readable manifest.json, unknown format, a file name outside the bundle).' },
  EVIDENCE_CORRUPT: {
    exitCode: 2,
    meaning: 'alerts export: a stored block of packet slices (table evidence_blocks) is damaged: it does not inflate, or its lengths do not add up. The line names the row; no bundle is written.',
  },
  NOT_FOUND: { exitCode: 2, meaning: 'The alert, flow or run id asked for (alerts show, alerts ack, alerts export, flows show, runs show, --run, report --run) is not in the store.' },
  OUTPUT_WRITE_FAILED: { exitCode: 2, meaning: 'A report file asked for (--junit) cannot be written: the path is a directory, or not writable. A missing directory is created.' },
  AMBIGUOUS_ID: { exitCode: 2, meaning: 'An id prefix (alerts show 69ab, flows show, runs show, --run) matches more than one alert, flow or run: give more characters.' },
  STORE_WORKER_FAILED: {
    exitCode: 2,
    meaning: "The store's writer thread died (an internal error): the run goes on without the store (one SINK_FAILED warning) and ends with this error; rows it had not committed are lost, those it had are kept.",
  },
  SINK_FAILED: { exitCode: 2, meaning: 'An output (store, NDJSON file, stdout) failed to write a record: a warning once per sink, the other outputs go on.' },
  DELIVERY_DISABLED: {
    exitCode: 3,
    meaning: 'A warning, once per run: a destination refused for good (HTTP 410); nothing more is sent to it in this run and its pending messages are kept as disabled in the outbox.',
  },
  DELIVERY_INCOMPLETE: {
    exitCode: 3,
    meaning: 'replay --deliver / outbox flush: messages were still undelivered when the wait ended (they stay in the outbox; with --no-db they are lost). Exit 3 unless an exit 1 or 2 applies.',
  },
  KEY_INVALID: {
    exitCode: 2,
    meaning: 'A checkpoint key cannot be used: no key in --key-dir, a private key readable by others or malformed, or a --key that is not a signed-note verifier key.',
  },
  KEY_EXISTS: { exitCode: 2, meaning: '`keys init` found a key already in the directory and refuses to overwrite it.' },
  CHECKPOINT_INVALID: { exitCode: 2, meaning: 'A checkpoint file given to `verify --checkpoint` cannot be read or is not a checkpoint (signed note).' },
  REPORT_WRITE_FAILED: { exitCode: 2, meaning: 'The report file (report --out, replay --report) cannot be written: missing directory, permissions, disk full.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Exit status per code. */
export const ERROR_CODES: { readonly [C in ErrorCode]: number } = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, def]) => [code, def.exitCode]),
) as { readonly [C in ErrorCode]: number };

export class GroundwatchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GroundwatchError';
    this.code = code;
    this.exitCode = ERROR_CODES[code];
  }

  /** The one line a user sees: messages quote file names and other input, so it is neutralised. */
  toLine(): string {
    return `groundwatch: ${this.code}: ${neutralizeTerminalLine(oneLine(this.message))}`;
  }
}

export function isGroundwatchError(err: unknown): err is GroundwatchError {
  return err instanceof GroundwatchError;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}
