/**
 * A query filter the store cannot use (a time that is not ISO 8601, a negative
 * limit, an unknown severity). It names the filter, not a command-line flag:
 * the store is also read by code that has no flags; cli/ maps the filter to
 * its flag (see cli/store-filter-errors.ts).
 */
import { GroundwatchError } from '../errors.js';

export type FilterName = 'since' | 'until' | 'limit' | 'offset' | 'severity' | 'run';

export class InvalidFilterError extends GroundwatchError {
  constructor(
    readonly filter: FilterName,
    /** What was wrong, without the filter's name: "expected a whole number >= 0, got -1". */
    readonly detail: string,
  ) {
    super('USAGE', `${filter} filter: ${detail}`);
  }
}

export function isInvalidFilterError(err: unknown): err is InvalidFilterError {
  return err instanceof InvalidFilterError;
}
