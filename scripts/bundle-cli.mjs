#!/usr/bin/env node
/**
 * Code step of `npm run build` after tsc: the `groundwatch` bin as two files (issue 18: a tiny
 * `replay --no-db` must start within 150 ms).
 *  - dist/cli/cli-bundle.cjs: tsc's dist/cli/entry.js and every module it can load, its pure-JS
 *    dependencies included. Loading the ~220 separate modules a replay needs was half of its
 *    start-up: each costs a resolution, a file read and a compilation, and a single minified file
 *    costs about a fifth of that. CommonJS, because it is compiled through node:vm with a V8 code
 *    cache (src/cli/code-cache.ts; scripts/build-code-cache.mjs writes the cache), and node:vm
 *    compiles scripts, not ES modules, on Node 20 without an experimental flag.
 *  - dist/cli/main.js: the launcher (dist/cli/launcher.js and code-cache.js, nothing else), which
 *    compiles and runs the bundle. tsc's main.js, the unbundled bin, is what it replaces.
 * Behaviour does not change:
 *  - lazy imports stay lazy (esbuild turns them into deferred initialisers within the file);
 *  - every module still sees its own `import.meta.url` (the URL its file in dist/ has), so the
 *    paths computed from it (rules/, geoip/, dist/data-cache/, native bindings, the capture
 *    worker) are those of the unbundled build;
 *  - the code is strict, as the ES modules it comes from were;
 *  - native code stays outside: better-sqlite3 and node-gyp-build are required from node_modules,
 *    the capture binding and better-sqlite3's compiled module are loaded by path as before; so do
 *    yaml and zod (see OFF_START_PATH) and Node's own modules, each when the first module
 *    importing it initialises (BUILTIN, requiredPackages).
 *  - dist/engine/store-worker.cjs: the store's writer thread (tsc's dist/engine/store-worker.js
 *    and what it imports), for the same reason.
 * The rest of dist/ stays as tsc wrote it: the capture worker (dist/daemon/capture-worker.js)
 * and the build scripts load those modules directly. Inputs are tsc's files, which this never
 * overwrites, so running it twice gives the same output.
 */
import { builtinModules } from 'node:module';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI_DIR = `${ROOT}dist/cli/`;
const ENTRY = `${CLI_DIR}entry.js`;
const BUNDLE = `${CLI_DIR}cli-bundle.cjs`;
const LAUNCHER = `${CLI_DIR}launcher.js`;
const BIN = `${CLI_DIR}main.js`;
const STORE_WORKER = `${ROOT}dist/engine/store-worker.js`;
const STORE_WORKER_BUNDLE = `${ROOT}dist/engine/store-worker.cjs`;
const MARKER = '/* groundwatch: bundled by scripts/bundle-cli.mjs */';
/** Loaded from node_modules at run time: native code, or code that finds native code by path. */
const NATIVE = ['better-sqlite3', 'node-gyp-build'];
/**
 * Also from node_modules, when first needed: the YAML parser and the schema library are two
 * thirds of the code and a run needs them only when a YAML file misses dist/data-cache/ or for
 * the monitor's configuration and report schemas; compiling them into every start cost more than
 * loading them the few times they are used.
 */
const OFF_START_PATH = ['yaml', 'zod'];

/**
 * Node's own modules load with require() when the first module importing them initialises, not
 * when the bundle starts: in a CommonJS bundle esbuild puts an external's require() where the
 * importing module initialises, so the Node modules a replay does not use (http, tls, ...) load
 * only with the lazily loaded command that uses them, as before bundling. A named import reads
 * the required module's property; no copy of the module object is made per importing module.
 */
const BUILTIN = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The packages outside the bundle are imported dynamically too (`await import('yaml')`), which in
 * a CommonJS file would stay an import(), one the node:vm script has no loader for. Each is
 * instead a small CommonJS module requiring it, which esbuild initialises with the module that
 * imports it (its initialiser, for an import()).
 */
const OUTSIDE = new Set([...NATIVE, ...OFF_START_PATH]);
const requiredPackages = {
  name: 'required-packages',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (OUTSIDE.has(args.path) && args.namespace !== 'required-package' ? { path: args.path, namespace: 'required-package' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'required-package' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onResolve({ filter: /.*/, namespace: 'required-package' }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * commander requires child_process when it loads, for executable subcommands (a subcommand run
 * as its own program), which groundwatch has none of; child_process and what it loads (net,
 * dgram, ...) were ~10 ms of every start. commander gets the module on first use instead.
 */
const deferredChildProcess = {
  name: 'deferred-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'deferred-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'deferred-child-process' }, () => ({
      contents: 'let m; module.exports = new Proxy({}, { get: (_, key) => Reflect.get((m ??= require("node:child_process")), key) });',
      loader: 'js',
    }));
  },
};

/**
 * Each dist module's import.meta.url, as the URL of its own file relative to the bundle's
 * (a CommonJS file has no import.meta; the banner gives the bundle's URL).
 */
const ownModuleUrl = (bundle) => ({
  name: 'own-module-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!args.path.startsWith(`${ROOT}dist${sep}`) || !text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(bundle), args.path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, __groundwatchBundleUrl).href`), loader: 'js' };
    });
  },
});

/**
 * The top-level commands as help lists them, from tsc's program with every command registered:
 * the bundle prints `groundwatch --help` without loading the command modules (src/cli/command-listing.ts).
 */
const { buildProgram } = await import(`${CLI_DIR}program.js`);
const { listingOf } = await import(`${CLI_DIR}command-listing.js`);
const commandListing = listingOf(await buildProgram());

/** What the CLI bundle and the store writer's bundle share. */
const COMMONJS_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ES modules are strict; as CommonJS the same code must be too. The bundle's own URL is what
  // each module's import.meta.url is computed from (ownModuleUrl).
  banner: { js: `"use strict";${MARKER}\nconst __groundwatchBundleUrl = require('node:url').pathToFileURL(__filename).href;` },
  // Whitespace and syntax only: names stay readable in stack traces. ASCII output: V8 decodes an
  // all-ASCII source as one-byte text, several times faster than a source with one other character.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'eof',
  sourcemap: 'linked',
  logLevel: 'warning',
};

await build({
  entryPoints: [ENTRY],
  outfile: BUNDLE,
  ...COMMONJS_BUNDLE,
  // A dependency's import.meta.url (none today) is the bundle's, as it was in the ES module bundle.
  define: { 'import.meta.url': '__groundwatchBundleUrl', GROUNDWATCH_COMMAND_LISTING: JSON.stringify(commandListing) },
  external: BUILTIN,
  plugins: [requiredPackages, deferredChildProcess, ownModuleUrl(BUNDLE)],
});
// The node:vm script has no loader for import(): every import() must have become a bundled
// initialiser or a require(); one left would fail only when its command runs.
const dynamicImport = /\bimport\s*\(/.exec(readFileSync(BUNDLE, 'utf8'));
if (dynamicImport) throw new Error(`${BUNDLE}: an import() is left in the bundle at offset ${dynamicImport.index}`);

await build({
  entryPoints: [LAUNCHER],
  outfile: BIN,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: `#!/usr/bin/env node\n${MARKER}` },
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  logLevel: 'warning',
});
// The store's writer thread (src/engine/store-thread.ts) as one file too: loading its ~40 modules
// one by one was most of its start-up, which a replay with a store waits for. A plain CommonJS file
// run by the worker itself (no node:vm), so better-sqlite3 and Node's modules are simply required.
await build({
  entryPoints: [STORE_WORKER],
  outfile: STORE_WORKER_BUNDLE,
  ...COMMONJS_BUNDLE,
  define: { 'import.meta.url': '__groundwatchBundleUrl' },
  external: [...BUILTIN, ...OUTSIDE],
  plugins: [ownModuleUrl(STORE_WORKER_BUNDLE)],
});

// tsc's map of the unbundled main.js no longer describes it.
rmSync(`${BIN}.map`, { force: true });
chmodSync(BIN, 0o755);
process.stdout.write('groundwatch: bundled dist/cli/cli-bundle.cjs, its launcher dist/cli/main.js and the store writer dist/engine/store-worker.cjs\n');
