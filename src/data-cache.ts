/**
 * Parsed and validated forms of the shipped YAML files (rule packs,
 * operators), written at build time by scripts/build-data-cache.mjs into
 * dist/data-cache/ and keyed by the SHA-256 of the YAML text. A run whose
 * YAML matches skips the YAML parser and the schema library altogether
 * (together about a third of start-up, which a CI job replaying many small
 * captures pays every time); an edited file simply misses and is parsed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** dist/data-cache/ next to the compiled module; from src/ (tests) it does not exist and every lookup misses. */
export const CACHE_DIR = new URL('./data-cache/', import.meta.url);

export type CacheKind = 'rules' | 'operators';

export interface CacheEntry<T> {
  sha256: string;
  value: T;
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function cacheFileName(kind: CacheKind, sourcePath: string): string {
  return `${kind}-${basename(sourcePath)}.json`;
}

/** The cached value for this exact source text, or undefined. */
export function cachedValue<T>(kind: CacheKind, sourcePath: string, text: string, dir: URL = CACHE_DIR): T | undefined {
  let entry: CacheEntry<T>;
  try {
    entry = JSON.parse(readFileSync(new URL(cacheFileName(kind, sourcePath), dir), 'utf8')) as CacheEntry<T>;
  } catch {
    return undefined;
  }
  return entry.sha256 === sha256Text(text) ? entry.value : undefined;
}
