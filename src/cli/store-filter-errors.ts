/**
 * The store names a bad filter ("limit"); the user typed a flag ("--limit").
 * Every filter of flows/alerts list is the flag of the same name.
 */
import { GroundwatchError } from '../errors.js';
import { isInvalidFilterError } from '../sinks/filter-error.js';

export function withFlagNames<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isInvalidFilterError(err)) {
      throw new GroundwatchError('USAGE', `--${err.filter}: ${err.detail}`, { cause: err });
    }
    throw err;
  }
}
