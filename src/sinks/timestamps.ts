/**
 * Stored time columns use one canonical form, YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ
 * (what isoFromSecNsec writes), so text comparison orders them by time.
 * User filters accept a date ("2021-09-01", UTC midnight) or a timestamp with
 * optional fraction and zone ("2021-09-01T12:00:00.5+02:00"; no zone = UTC).
 */
import { isoFromSecNsec } from '../records/time.js';
import { InvalidFilterError, type FilterName } from './filter-error.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Canonical form of an ISO 8601 time, or undefined if it is not one. */
export function canonicalIso(text: string): string | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  const epochSec = ms / 1000 - zoneOffsetSeconds(zone);
  return isoFromSecNsec(epochSec, Number(frac.padEnd(9, '0')));
}

/** Canonical form for storage; keeps the original text if it is not ISO (never loses data). */
export function storedTime(text: string | undefined): string | null {
  if (text === undefined) return null;
  return canonicalIso(text) ?? text;
}

/** Parses a since/until filter value or throws an InvalidFilterError (code USAGE) naming the filter. */
export function parseTimeFilter(filter: FilterName, text: string): string {
  const iso = canonicalIso(text);
  if (iso === undefined) {
    throw new InvalidFilterError(filter, `expected a date (2021-09-01) or ISO 8601 timestamp, got ${JSON.stringify(text)}`);
  }
  return iso;
}

function zoneOffsetSeconds(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
}
