/**
 * The V8 code cache of the CLI bundle (src/cli/code-cache.ts) is an optimisation only: whatever
 * the cache file holds and wherever it lives, a run prints exactly what a run without any cache
 * prints. Each case runs the built CLI from a copy of dist/cli/ (the rest of the installation
 * linked), so that it can own the cache file; the expected output is that copy's run with no
 * cache file at all.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, decodeCache, encodeCache } from '../../src/cli/code-cache.js';
import { REPO_ROOT } from '../support/cli.js';

const REPLAY = ['replay', join(REPO_ROOT, 'fixtures/session-dji-mixed.pcap'), '--no-db', '--format', 'ndjson', '--events', 'all', '--fail-on', 'never', '--no-summary'];

/** Values that differ from run to run whatever the code: the run's id and the stats' wall-clock time. */
const stable = (text: string): string => text.replace(/"run_id":"[0-9a-f-]+"/g, '"run_id":"-"').replace(/"written_at":"[^"]+"/g, '"written_at":"-"');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('CLI bundle code cache', () => {
  let root: string;
  let cli: string;
  let bundle: string;
  let cache: string;
  let original: Buffer;
  let uncached: Run;

  const run = (): Run => {
    const r = spawnSync(process.execPath, [join(cli, 'main.js'), ...REPLAY], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: stable(r.stdout), stderr: r.stderr };
  };
  const leftovers = (): string[] => readdirSync(cli).filter((n) => n.endsWith('.tmp'));

  beforeAll(() => {
    // An installation of its own: dist/cli/ copied, everything else the bundle finds by path linked.
    root = mkdtempSync(join(tmpdir(), 'gw-code-cache-'));
    cli = join(root, 'dist', 'cli');
    mkdirSync(cli, { recursive: true });
    for (const name of ['main.js', 'cli-bundle.cjs']) copyFileSync(join(REPO_ROOT, 'dist/cli', name), join(cli, name));
    for (const name of readdirSync(join(REPO_ROOT, 'dist'))) if (name !== 'cli') symlinkSync(join(REPO_ROOT, 'dist', name), join(root, 'dist', name));
    for (const name of ['package.json', 'rules', 'geoip', 'native', 'node_modules']) symlinkSync(join(REPO_ROOT, name), join(root, name));
    bundle = join(cli, 'cli-bundle.cjs');
    cache = `${bundle}.v8-cache`;
    original = readFileSync(bundle);
    uncached = run();
    expect(uncached.status).toBe(0);
    expect(uncached.stdout.split('\n').length).toBeGreaterThan(20);
  });

  afterAll(() => {
    chmodSync(cli, 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  it('a run without a cache writes one, which the next run uses as it is', () => {
    expect(existsSync(cache)).toBe(true);
    const written = readFileSync(cache);
    const { mtimeMs } = statSync(cache);
    expect(run()).toEqual(uncached);
    expect(statSync(cache).mtimeMs).toBe(mtimeMs);
    expect(readFileSync(cache).equals(written)).toBe(true);
  });

  it.each([
    // V8 deserialises corrupt code without checking it (a fatal crash): the file's own hash must catch it.
    ['corrupt data behind an intact header', (valid: Buffer) => Buffer.from(valid.map((b, i) => (i > valid.length / 3 && i % 61 === 0 ? b ^ 0x5a : b)))],
    ['a truncated file', (valid: Buffer) => valid.subarray(0, Math.floor(valid.length / 2))],
    ['a file cut inside its header', (valid: Buffer) => valid.subarray(0, 40)],
    ['garbage', () => Buffer.from('not a code cache\n'.repeat(1000))],
    ['an empty file', () => Buffer.alloc(0)],
  ])('%s: the run prints what an uncached run prints, and the cache is rewritten usable', (_what, damage) => {
    rmSync(cache, { force: true });
    run();
    const valid = readFileSync(cache);
    const damaged = damage(valid);
    writeFileSync(cache, damaged);
    expect(run()).toEqual(uncached);
    const rewritten = readFileSync(cache);
    expect(rewritten.equals(damaged)).toBe(false);
    expect(run()).toEqual(uncached);
    expect(leftovers()).toEqual([]);
  });

  it('a cache made for another source of the same length is not used', () => {
    rmSync(cache, { force: true });
    run();
    const forOriginal = readFileSync(cache);
    // Same length, so V8's own check (the source's length) passes; only the file's key tells them apart.
    const changed = Buffer.from(original.toString('latin1').replaceAll('groundwatch.alert"', 'groundwatch.ALERT"'), 'latin1');
    expect(changed.length).toBe(original.length);
    expect(changed.equals(original)).toBe(false);
    try {
      writeFileSync(bundle, changed);
      rmSync(cache, { force: true });
      const expected = run();
      expect(expected.stdout).toContain('"dataset":"groundwatch.ALERT"');
      writeFileSync(cache, forOriginal);
      expect(run()).toEqual(expected);
    } finally {
      writeFileSync(bundle, original);
      rmSync(cache, { force: true });
    }
  });

  it('a cache that cannot be written: the run prints what an uncached run prints and leaves nothing behind', () => {
    rmSync(cache, { force: true });
    if (process.getuid?.() === 0) {
      // root writes anywhere: a directory where the file would go makes the write (the rename) fail.
      mkdirSync(cache);
    } else {
      chmodSync(cli, 0o555);
    }
    try {
      expect(run()).toEqual(uncached);
      expect(run()).toEqual(uncached);
      expect(leftovers()).toEqual([]);
    } finally {
      chmodSync(cli, 0o755);
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('code cache file format', () => {
  const data = Buffer.from('some cached code bytes');
  const key = cacheKey('source text');

  it('gives back the data for its own key only', () => {
    const file = encodeCache(key, data);
    expect(decodeCache(file, key)?.equals(data)).toBe(true);
    expect(decodeCache(file, cacheKey('other source text'))).toBeUndefined();
  });

  it('the key names the source, the Node version and the architecture', () => {
    expect(key).toContain(process.version);
    expect(key).toContain(process.arch);
    expect(cacheKey('a', 'b')).toBe(cacheKey('ab'));
    expect(cacheKey('a')).not.toBe(cacheKey('b'));
  });

  it('refuses a file whose data or header was changed or cut', () => {
    const file = encodeCache(key, data);
    const flipped = Buffer.from(file);
    flipped[flipped.length - 3]! ^= 1;
    expect(decodeCache(flipped, key)).toBeUndefined();
    expect(decodeCache(file.subarray(0, file.length - 1), key)).toBeUndefined();
    expect(decodeCache(file.subarray(0, 30), key)).toBeUndefined();
    expect(decodeCache(Buffer.concat([Buffer.from('x'), file]), key)).toBeUndefined();
    expect(decodeCache(encodeCache(key, Buffer.alloc(0)), key)).toBeUndefined();
    expect(decodeCache(Buffer.alloc(0), key)).toBeUndefined();
  });
});
