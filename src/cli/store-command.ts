/** What every store-reading command shares: opening the store, flag parsing. */
import { GroundwatchError } from '../errors.js';
import { openStore, type StoreDb } from '../sinks/sqlite-store.js';
import { findStore } from './store-discovery.js';
import { withFlagNames } from './store-filter-errors.js';
import { wholeNumber } from './whole-number.js';

/** Review commands read and never write (readonly, fileMustExist): see sinks/sqlite-store.ts. */
export function withReadOnlyStore<T>(dbPath: string | undefined, fn: (db: StoreDb) => T): T {
  const db = openStore(findStore(dbPath).path, { readonly: true });
  try {
    return withFlagNames(() => fn(db));
  } finally {
    db.close();
  }
}

export function parseFormat<F extends string>(text: string, allowed: readonly F[]): F {
  if ((allowed as readonly string[]).includes(text)) return text as F;
  throw new GroundwatchError('USAGE', `--format: expected one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
}

export function parseWholeNumber(flag: string, text: string, max: number): number {
  const n = wholeNumber(text);
  if (n === undefined || n > max) {
    throw new GroundwatchError('USAGE', `${flag}: expected a whole number 0..${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** An AS number as typed or as printed: 37963, AS37963, as37963. */
export function parseAsn(text: string): number {
  const n = wholeNumber(text.replace(/^AS/i, ''));
  if (n === undefined || n > 4294967295) throw new GroundwatchError('USAGE', `--asn: expected an AS number (37963 or AS37963), got ${JSON.stringify(text)}`);
  return n;
}

export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
