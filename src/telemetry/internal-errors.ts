/**
 * Unexpected exceptions inside a stage. Production survives them (the stage
 * counts `anomaly.<stage>.internal_error` and drops the one packet or
 * message), but a bug must not hide behind that counter: every one is also
 * noted here, process-wide, so the test suite can fail on it
 * (test/support/internal-errors.setup.ts asserts none after each test).
 */

export interface InternalError {
  stage: string;
  error: unknown;
}

const noted: InternalError[] = [];
/** Enough to show what went wrong; a flood of the same bug must not grow memory without bound. */
const MAX_NOTED = 32;

export function noteInternalError(stage: string, error: unknown): void {
  if (noted.length < MAX_NOTED) noted.push({ stage, error });
}

/** The internal errors noted since the last call, then forgets them. */
export function takeInternalErrors(): InternalError[] {
  return noted.splice(0, noted.length);
}

/**
 * Whether an exception is a programming error rather than a library's report of
 * bad input (dns-packet throws plain `Error`s; Buffer reads past the end throw
 * RangeError, which is bad input too).
 */
export function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof ReferenceError || err instanceof SyntaxError;
}
