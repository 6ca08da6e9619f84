/**
 * The `groundwatch` bin once built: scripts/bundle-cli.mjs bundles this file alone into
 * dist/cli/main.js, and everything else the CLI runs into dist/cli/cli-bundle.cjs, a CommonJS
 * module this runs through node:vm with a V8 code cache (code-cache.ts): start-up time, issue 18.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from './code-cache.js';
import { applyHeapPolicy } from './heap-policy.js';

/** Next to this file: import.meta.url is the bin's real path (Node resolves a symlinked bin). */
export const BUNDLE_PATH = fileURLToPath(new URL('./cli-bundle.cjs', import.meta.url));
/** Written by the build (scripts/build-code-cache.mjs), rewritten by a run that finds it unusable. */
export const CODE_CACHE_PATH = `${BUNDLE_PATH}.v8-cache`;
/** Node's own CommonJS wrapper, on the file's first line so that stack traces keep its line numbers. */
const WRAP = { before: '(function (exports, require, module, __filename, __dirname) { ', after: '\n})' };

type ModuleWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;
interface BundleExports {
  main(argv: string[]): Promise<number>;
}

// Before compiling: V8 rejects code cached under other flags, and the cache is written at the end
// of a run, under this one; a fresh process must be under it too when it reads the cache.
applyHeapPolicy();
const compiled = runWithCodeCache(BUNDLE_PATH, CODE_CACHE_PATH, WRAP);
const bundle = { exports: {} as BundleExports };
(compiled.value as ModuleWrapper)(bundle.exports, createRequire(BUNDLE_PATH), bundle, BUNDLE_PATH, dirname(BUNDLE_PATH));
const status = await bundle.exports.main(process.argv);
compiled.persist();
process.exitCode = status;
