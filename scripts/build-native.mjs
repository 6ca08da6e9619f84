#!/usr/bin/env node
/**
 * Builds the libpcap binding (native/pcap) and the C capture worker beside it
 * (an executable target of the same binding.gyp) with node-gyp. A failed build is
 * not fatal: replay works without libpcap, so this prints one warning (and the
 * compiler's last lines) and exits 0; `monitor` then says how to fix it.
 * node-gyp never downloads headers here: it uses npm's nodedir or /usr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WARNING =
  'groundwatch: live capture unavailable: could not build the libpcap binding (install libpcap-dev, g++, make, python3 and run `npm run build:native`)';
const TAIL_LINES = 15;

/** npm's bundled node-gyp: npm names it during lifecycle scripts; else look next to node's npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

function nodeGypArgs(script) {
  const args = [script, 'rebuild', '--directory', join(ROOT, 'native/pcap')];
  // Headers from the system's Node (Debian's nodejs-dev): no download, which would fail offline.
  if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
  return args;
}

function fail(detail) {
  process.stderr.write(`${WARNING}\n`);
  const tail = detail.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  if (tail) process.stderr.write(`${tail}\n`);
  process.exit(0);
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp not found (it ships with npm)');
const result = spawnSync(process.execPath, nodeGypArgs(nodeGyp), { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
if (result.error) fail(result.error.message);
if (result.status !== 0) fail(`${result.stdout ?? ''}\n${result.stderr ?? ''}`);
process.stdout.write('groundwatch: built native/pcap/build/Release/groundwatch_pcap.node and groundwatch-capture-worker\n');
