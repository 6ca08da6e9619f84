#!/usr/bin/env node
/**
 * Last code step of `npm run build`: replaces tsc's dist/cli/main.js (the `groundwatch` bin) by
 * one file holding it and every module it can load, its pure-JS dependencies included (issue 18:
 * a tiny `replay --no-db` must start within 150 ms). Loading the ~220 separate modules a replay
 * needs was half of its start-up: each costs a resolution, a file read and a compilation, and a
 * single minified file costs about a fifth of that. Behaviour does not change:
 *  - lazy imports stay lazy (esbuild turns them into deferred initialisers within the file);
 *  - every module still sees its own `import.meta.url` (the URL its file in dist/ has), so the
 *    paths computed from it (rules/, geoip/, dist/data-cache/, native bindings, the capture
 *    worker) are those of the unbundled build;
 *  - native code stays outside: better-sqlite3 and node-gyp-build are required from node_modules,
 *    the capture binding and better-sqlite3's compiled module are loaded by path as before; so do
 *    yaml and zod (see OFF_START_PATH) and Node's own modules, each when the first module
 *    importing it initialises (lazyExternals).
 * The rest of dist/ stays as tsc wrote it: the capture worker (dist/daemon/capture-worker.js)
 * and the build scripts load those modules directly.
 * Input is tsc's output, so this runs after tsc and only then (a second run would bundle the bundle):
 * it refuses a dist/cli/main.js it wrote itself.
 */
import { builtinModules } from 'node:module';
import { chmodSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = `${ROOT}dist/cli/main.js`;
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

if (readFileSync(ENTRY, 'utf8').includes(MARKER)) {
  process.stderr.write('groundwatch: dist/cli/main.js is already bundled; run tsc (npm run build) first\n');
  process.exit(1);
}

/** Loaded with require() when the first module importing it initialises, not when the bundle starts. */
const LAZY = new Set([...NATIVE, ...OFF_START_PATH, ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * An ES module bundle imports its externals at its top, all of them, at start: every Node module
 * any command uses (http, tls, child_process, ...) would load for a replay that needs none of
 * them. Each external is instead a small CommonJS module requiring it, which esbuild initialises
 * with the module that imports it: when a lazily loaded command loads, as before bundling.
 */
const lazyExternals = {
  name: 'lazy-externals',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (LAZY.has(args.path) && args.namespace !== 'lazy-external' ? { path: args.path, namespace: 'lazy-external' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onResolve({ filter: /.*/, namespace: 'lazy-external' }, (args) => ({ path: args.path, external: true }));
  },
};

/** Each dist module's import.meta.url, as the URL of its own file relative to the bundle's. */
const ownModuleUrl = {
  name: 'own-module-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!args.path.startsWith(`${ROOT}dist${sep}`) || !text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(ENTRY), args.path).split(sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [ENTRY],
  outfile: ENTRY,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies call require() for Node's own modules; an ES module has no require.
  banner: { js: `${MARKER}\nimport { createRequire as __groundwatchRequire } from 'node:module';\nconst require = __groundwatchRequire(import.meta.url);` },
  plugins: [lazyExternals, ownModuleUrl],
  // Whitespace and syntax only: names stay readable in stack traces. ASCII output: V8 decodes an
  // all-ASCII source as one-byte text, several times faster than a source with one other character.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'eof',
  sourcemap: 'linked',
  logLevel: 'warning',
});
chmodSync(ENTRY, 0o755);
process.stdout.write('groundwatch: bundled dist/cli/main.js\n');
