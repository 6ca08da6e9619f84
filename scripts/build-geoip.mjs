#!/usr/bin/env node
// Builds geoip/groundwatch-asn.mmdb (+ geoip/build-info.json) from the @ip-location-db/asn CSVs,
// once, at `npm ci` time ("prepare" runs `npm run build` first, so dist/ holds the writer).
// Skips when the output is newer than its inputs; `--force` rebuilds.
// Never fails the install: without dist/ (the TypeScript build failed) it explains how to
// build later; groundwatch also builds the database on first use.
import { fileURLToPath } from 'node:url';

const force = process.argv.includes('--force');
const distModule = new URL('../dist/enrich/asn-build.js', import.meta.url);

let mod;
try {
  mod = await import(distModule.href);
} catch (err) {
  console.error(
    `build-geoip: cannot load ${fileURLToPath(distModule)} (${err.code ?? err.message}); ` +
      'run `npm run build && node scripts/build-geoip.mjs` later, or let groundwatch build the ASN database on first use',
  );
  process.exit(0);
}

try {
  const started = Date.now();
  const result = mod.ensureAsnMmdb({ force });
  if (result.built) console.error(`build-geoip: wrote ${result.path} in ${Date.now() - started} ms`);
  else console.error(`build-geoip: ${result.path} is up to date`);
} catch (err) {
  console.error(`build-geoip: failed: ${err.message}; groundwatch will retry on first use`);
  process.exit(0);
}
