/**
 * The age past which GeoIP data is warned about, for `monitor` and `replay`:
 * the flag (or, for the monitor, the config file's geoip_max_age_days), else
 * $GROUNDWATCH_GEOIP_MAX_AGE_DAYS, else 35 days. The variable lets a CI job
 * that replays with knowingly old data say so once instead of on every command.
 */
import { DEFAULT_GEOIP_MAX_AGE_DAYS, MAX_GEOIP_MAX_AGE_DAYS } from '../enrich/staleness.js';
import { GroundwatchError } from '../errors.js';
import { wholeNumber } from './whole-number.js';

export const GEOIP_MAX_AGE_ENV = 'GROUNDWATCH_GEOIP_MAX_AGE_DAYS';

/** `given` (already a number: config file or parsed flag) wins, then the environment, then the default. */
export function resolveGeoipMaxAgeDays(given: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (given !== undefined) return given;
  const fromEnv = env[GEOIP_MAX_AGE_ENV];
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_GEOIP_MAX_AGE_DAYS;
  return parseGeoipMaxAgeDays(`$${GEOIP_MAX_AGE_ENV}`, fromEnv);
}

/** A whole number of days, 1 to 3650 (the config key's range). */
export function parseGeoipMaxAgeDays(name: string, text: string): number {
  const n = wholeNumber(text);
  if (n === undefined || n < 1 || n > MAX_GEOIP_MAX_AGE_DAYS) {
    throw new GroundwatchError('USAGE', `${name} must be a whole number of days from 1 to ${MAX_GEOIP_MAX_AGE_DAYS} (got ${JSON.stringify(text)})`);
  }
  return n;
}
