/**
 * The canonical form of a logged entry: JSON as RFC 8785 (JSON Canonicalization
 * Scheme) writes it, for the values our rows hold (strings, finite numbers,
 * booleans, null, arrays, objects): object members sorted by the UTF-16 code
 * units of their names, no insignificant whitespace, strings and numbers
 * exactly as ECMAScript's JSON.stringify serialises them (which is what JCS
 * specifies), UTF-8 bytes. Keep it stable: every leaf hash depends on it.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {}

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalJsonError('JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    // Default sort compares UTF-16 code units, as RFC 8785 3.2.3 requires.
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
  }
  throw new CanonicalJsonError(`not a JSON value: ${typeof value}`);
}

export function canonicalBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
