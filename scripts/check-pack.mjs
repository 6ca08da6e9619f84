#!/usr/bin/env node
/**
 * Last step of `prepack`: the tarball must carry what an installation without a
 * compiler and without install scripts needs (the prebuilt binding and C capture worker, the ASN
 * database, the parsed rule cache, the CLI bundle and its code cache: an installed tree is often
 * read-only, so a run could not write the cache itself). A missing one fails the pack with its name.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const prebuildDir = join(ROOT, 'native/pcap/prebuilds', `${process.platform}-${process.arch}`);
const needed = [
  ['prebuilt libpcap binding', prebuildDir, (p) => readdirSync(p).some((n) => n.endsWith('.node'))],
  ['prebuilt C capture worker', join(prebuildDir, 'groundwatch-capture-worker'), (p) => (statSync(p).mode & 0o111) !== 0],
  ['better-sqlite3 compiled module', join(ROOT, 'native/sqlite/better_sqlite3.node'), () => true],
  ['ASN database', join(ROOT, 'geoip/groundwatch-asn.mmdb'), () => true],
  ['ASN build info', join(ROOT, 'geoip/build-info.json'), () => true],
  ['parsed rule cache', join(ROOT, 'dist/data-cache'), (p) => readdirSync(p).some((n) => n.endsWith('.json'))],
  ['CLI bundle', join(ROOT, 'dist/cli/cli-bundle.cjs'), () => true],
  ['V8 code cache of the CLI bundle', join(ROOT, 'dist/cli/cli-bundle.cjs.v8-cache'), (p) => statSync(p).size > 0],
];
const missing = needed.filter(([, path, ok]) => !existsSync(path) || !ok(path)).map(([what, path]) => `${what} (${path})`);
if (missing.length > 0) {
  process.stderr.write(`groundwatch: cannot pack: missing ${missing.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('groundwatch: package data present (prebuilt binding and capture worker, ASN database, rule cache, CLI bundle and code cache)\n');
