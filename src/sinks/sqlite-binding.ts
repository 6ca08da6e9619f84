/**
 * Where better-sqlite3's compiled module is. A checkout or `npm ci` builds it inside
 * node_modules/better-sqlite3/build; the package `npm pack` makes carries a copy in
 * native/sqlite/ instead, because npm packs a bundled dependency by its own `files` list,
 * which leaves the build out (scripts/prebuild-native.mjs copies it). Undefined: let
 * better-sqlite3 find its own build as usual.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGED = fileURLToPath(new URL('../../native/sqlite/better_sqlite3.node', import.meta.url));

let cached: string | undefined | null = null;

export function packagedSqliteBinding(): string | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  try {
    const own = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');
    if (!existsSync(own) && existsSync(PACKAGED)) cached = PACKAGED;
  } catch {
    if (existsSync(PACKAGED)) cached = PACKAGED;
  }
  return cached;
}
