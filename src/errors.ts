/**
 * The one catalogue of operational errors (fastify's lib/errors.js habit).
 * A GroundwatchError prints as one line `groundwatch: CODE: message` and the
 * CLI exits with its exitCode; anything else is a bug and prints a stack.
 */
import { neutralizeTerminalLine } from './util/terminal-text.js';

export const ERROR_CODES = {
  USAGE: 2,
  INPUT_NOT_FOUND: 2,
  INPUT_UNREADABLE: 2,
  INPUT_EMPTY: 2,
  INPUT_NOT_A_CAPTURE: 2,
  CAPTURE_TRUNCATED: 2,
  CAPTURE_CORRUPT: 2,
  /** Warnings (the run goes on): packets of a link type not decoded; packets read but none decoded. */
  LINK_TYPE_UNSUPPORTED: 2,
  NOTHING_DECODED: 2,
  /** A replay stopped by SIGINT (130) or SIGTERM (143): what was read is recorded. */
  INTERRUPTED: 130,
  CAPTURE_OPEN_FAILED: 2,
  CAPTURE_UNAVAILABLE: 2,
  CONFIG_INVALID: 2,
  RULES_INVALID: 2,
  GEOIP_DB_UNREADABLE: 2,
  GEOIP_DB_MISSING: 2,
  DB_OPEN_FAILED: 2,
  DB_SCHEMA_TOO_NEW: 2,
  NOT_FOUND: 2,
  SINK_FAILED: 2,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

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
