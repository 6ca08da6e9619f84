#!/usr/bin/env node
/**
 * Builds the libpcap binding for this platform into native/pcap/prebuilds/<platform>-<arch>/
 * (prebuildify's layout, which node-gyp-build loads), so the package `npm pack` makes works
 * where it is installed without a compiler and without install scripts. Runs as `prepack`.
 * Unlike build-native.mjs (which never fails `npm ci`), a failure here fails the pack: a
 * tarball without the binding would install a `monitor` that cannot capture.
 * Node-API (--napi): one build serves every Node >= 20. Headers come from the system's Node
 * (Debian's nodejs-dev, --nodedir=/usr) when present, so nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NATIVE = join(ROOT, 'native/pcap');
/** The C capture worker (native/pcap/capture_worker.c), an executable target of binding.gyp. */
const WORKER = 'groundwatch-capture-worker';
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`groundwatch: prebuild failed: ${message}\n`);
  process.exit(1);
}

/** npm's bundled node-gyp (npm names it during lifecycle scripts; else next to node's npm). */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

let prebuildify;
try {
  prebuildify = require('prebuildify');
} catch (err) {
  fail(`prebuildify is not installed (${err.code ?? err.message}); run npm ci first`);
}
const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp not found (it ships with npm)');

const builds = join(NATIVE, 'prebuilds');
rmSync(builds, { recursive: true, force: true });
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
// prebuildify reads its options from PREBUILD_* too and hands its environment to node-gyp.
Object.assign(process.env, env);

prebuildify(
  {
    cwd: NATIVE,
    name: 'groundwatch_pcap',
    napi: true,
    strip: true,
    quiet: true,
    targets: [{ runtime: 'node', target: process.versions.node }],
    // prebuildify spawns this through a shell: the same node runs npm's node-gyp script.
    nodeGyp: `"${process.execPath}" "${nodeGyp}"`,
    shell: '/bin/sh',
  },
  (err) => {
    if (err) fail(`${err.message} (needs libpcap-dev, g++, make and python3)`);
    const dir = join(builds, `${process.platform}-${process.arch}`);
    const files = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.node')) : [];
    if (files.length === 0) fail(`no .node file in ${dir}`);
    // The same node-gyp run built the C capture worker beside the binding: ship it next to the prebuilt binding,
    // where src/daemon/worker-command.ts looks (prebuildify itself copies .node files only).
    const worker = join(NATIVE, 'build/Release', WORKER);
    if (!existsSync(worker)) fail(`the C capture worker was not built (${worker})`);
    copyFileSync(worker, join(dir, WORKER));
    chmodSync(join(dir, WORKER), 0o755);
    // Like prebuildify's strip of the binding; a missing strip(1) only leaves it larger.
    spawnSync('strip', [join(dir, WORKER)]);
    files.push(WORKER);
    process.stdout.write(`groundwatch: prebuilt ${files.map((f) => join('native/pcap/prebuilds', `${process.platform}-${process.arch}`, f)).join(', ')}\n`);
  },
);

// better-sqlite3's compiled module: npm packs a bundled dependency by its own `files` list, which
// leaves build/ out, so the package carries a copy that src/sinks/sqlite-binding.ts loads.
{
  const built = join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');
  if (!existsSync(built)) fail(`better-sqlite3 is not built (${built}); run npm ci first`);
  mkdirSync(join(ROOT, 'native/sqlite'), { recursive: true });
  copyFileSync(built, join(ROOT, 'native/sqlite/better_sqlite3.node'));
}
