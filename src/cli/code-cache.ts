/**
 * A V8 code cache for the CLI bundle (issue 18). Compiling the ~0.9 MB bundle was the largest
 * single cost of a tiny replay's start-up; with the code V8 compiled in an earlier run (functions
 * compiled lazily during that run included) a start deserialises instead of parsing.
 * Node 20 has no module.enableCompileCache, so the bundle is a script compiled through node:vm.
 *
 * The cache is an optimisation only: whatever the cache file holds (nothing, garbage, a truncated
 * file, another source's code, another Node's or other V8 flags' code) or wherever it lives
 * (read-only install, full disk), the script compiles as it would without it and nothing is
 * printed. V8 checks only the source's length and its own version and flags, and in a release
 * build it deserialises corrupt data without checking (a fatal crash, not a rejection), so the
 * file carries its own key (source hash, Node version, architecture) and a hash of its data.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** First line of a cache file: bumped when the layout below changes. */
const MAGIC = 'groundwatch-code-cache 1';
/** A header is three short lines; anything longer is not one. */
const MAX_HEADER_BYTES = 512;

export interface CompiledScript {
  /** The script's completion value (the bundle's: its wrapper function). */
  readonly value: unknown;
  /** V8 compiled the script from the cache file. */
  readonly fromCache: boolean;
  /**
   * Writes the cache file from what V8 has compiled by now (call it once the run has done its
   * work, so the functions it compiled lazily are in it), unless the run already used one.
   * Never throws, never prints: a cache that cannot be written is simply not written.
   */
  persist(): void;
}

const sha256 = (...parts: Array<Uint8Array | string>): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/** What a cache file must say to be used for this exact source text on this Node. */
export function cacheKey(...source: Array<Uint8Array | string>): string {
  return `${sha256(...source)} ${process.version} ${process.arch}`;
}

/** The cache file's bytes as `MAGIC\nkey\ndata-sha256\n` then the data. */
export function encodeCache(key: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${MAGIC}\n${key}\n${sha256(data)}\n`, 'latin1'), data]);
}

/** The cached data in `file` when it is whole and made for `key`; otherwise undefined. */
export function decodeCache(file: Buffer, key: string): Buffer | undefined {
  const lines: string[] = [];
  let at = 0;
  while (lines.length < 3) {
    const end = file.indexOf(0x0a, at);
    if (end < 0 || end > MAX_HEADER_BYTES) return undefined;
    lines.push(file.toString('latin1', at, end));
    at = end + 1;
  }
  const [magic, fileKey, dataHash] = lines;
  if (magic !== MAGIC || fileKey !== key) return undefined;
  const data = file.subarray(at);
  return data.length > 0 && sha256(data) === dataHash ? data : undefined;
}

function readCache(cachePath: string, key: string): Buffer | undefined {
  try {
    return decodeCache(readFileSync(cachePath), key);
  } catch {
    return undefined;
  }
}

/** Text put around the file's (a CommonJS module's function wrapper); part of what the cache is keyed on. */
export interface Wrap {
  before: string;
  after: string;
}

/**
 * Compiles the script in `sourcePath` (UTF-8), wrapped in `wrap`, with the code cache at
 * `cachePath` when that cache is valid for it, and runs it in this context.
 */
export function runWithCodeCache(sourcePath: string, cachePath: string, wrap: Wrap = { before: '', after: '' }): CompiledScript {
  const source = readFileSync(sourcePath);
  const key = cacheKey(wrap.before, source, wrap.after);
  const cachedData = readCache(cachePath, key);
  const text = `${wrap.before}${source.toString('utf8')}${wrap.after}`;
  const script = new Script(text, { filename: sourcePath, ...(cachedData ? { cachedData } : {}) });
  const fromCache = cachedData !== undefined && !script.cachedDataRejected;
  const value: unknown = script.runInThisContext();
  return { value, fromCache, persist: () => (fromCache ? undefined : writeCache(cachePath, key, script)) };
}

/** Temp file then rename: a reader sees the old file or the new one, never half of one. */
function writeCache(cachePath: string, key: string, script: Script): void {
  const temp = `${cachePath}.${process.pid}.tmp`;
  try {
    // Checked first: serialising the code costs a few milliseconds a read-only install need not pay.
    accessSync(dirname(cachePath), constants.W_OK);
    writeFileSync(temp, encodeCache(key, script.createCachedData()));
    renameSync(temp, cachePath);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      /* nothing more to do: the next run compiles without a cache, as this one did */
    }
  }
}
