#!/usr/bin/env node
/**
 * Last step of `npm run build`: writes dist/cli/cli-bundle.cjs.v8-cache, the V8 code cache the
 * launcher compiles the CLI bundle with (src/cli/code-cache.ts), by running a tiny replay: the
 * launcher writes the cache at the end of a run that had none, with the code of every function
 * that run compiled, so the start-up path of a replay is in it. A second run must then use it
 * and leave it alone; a cache rewritten by every run (V8 refusing it) fails the build, since the
 * CLI would still work, only slowly, and nobody would notice.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${ROOT}dist/cli/main.js`;
const CACHE = `${ROOT}dist/cli/cli-bundle.cjs.v8-cache`;
const REPLAY = ['replay', `${ROOT}fixtures/session-dji-mixed.pcap`, '--no-db', '--format', 'ndjson', '--fail-on', 'never', '--no-summary'];

function replay() {
  const r = spawnSync(process.execPath, [BIN, ...REPLAY], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`groundwatch: code cache run failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
}

rmSync(CACHE, { force: true });
replay();
const written = readFileSync(CACHE);
const { mtimeMs } = statSync(CACHE);
replay();
if (statSync(CACHE).mtimeMs !== mtimeMs || !readFileSync(CACHE).equals(written)) {
  throw new Error(`groundwatch: ${CACHE} was rewritten by the run after the one that wrote it: V8 does not accept it`);
}
process.stdout.write(`groundwatch: wrote the V8 code cache dist/cli/cli-bundle.cjs.v8-cache (${written.length} bytes)\n`);
