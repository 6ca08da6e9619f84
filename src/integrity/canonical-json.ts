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
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** Appends to one list of parts (the recursive map/join form cost several times more per record). */
function write(value: JsonValue, out: string[]): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalJsonError('JSON has no NaN or Infinity');
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i] as JsonValue, out);
    }
    out.push(']');
  } else if (typeof value === 'object') {
    // Default sort compares UTF-16 code units, as RFC 8785 3.2.3 requires.
    const keys = Object.keys(value).sort();
    out.push('{');
    let first = true;
    for (const k of keys) {
      const v = value[k];
      if (v === undefined) throw new CanonicalJsonError(`member ${JSON.stringify(k)} is undefined`);
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      write(v, out);
    }
    out.push('}');
  } else {
    throw new CanonicalJsonError(`not a JSON value: ${typeof value}`);
  }
}

export function canonicalBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
