#!/usr/bin/env node
// Compares country MMDBs on the same pseudo-random IPv4 addresses: how often each pair gives the
// same country, and how often exactly one of the pair says CN. Reproduces the table in
// geoip/README.md ("Choosing the embedded location database").
// Usage: node scripts/compare-country-dbs.mjs [--samples N] A.mmdb B.mmdb [C.mmdb ...]
// Reads `country_code` (ip-location-db) or `country.iso_code` (MaxMind). Offline, read-only.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import maxmind from 'maxmind';

const args = process.argv.slice(2);
let samples = 500_000;
const at = args.indexOf('--samples');
if (at >= 0) {
  samples = Number(args[at + 1]);
  args.splice(at, 2);
}
if (args.length < 2 || !Number.isInteger(samples) || samples <= 0) {
  console.error('usage: node scripts/compare-country-dbs.mjs [--samples N] A.mmdb B.mmdb [C.mmdb ...]');
  process.exit(2);
}
const dbs = args.map((file) => ({ name: basename(file, '.mmdb'), reader: new maxmind.Reader(readFileSync(file)) }));
const country = (rec) => rec?.country_code ?? rec?.country?.iso_code;

// The same linear congruential sequence as the README's numbers (seed 12345).
let seed = 12345;
const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
const pairs = [];
for (let i = 0; i < dbs.length; i++) for (let j = i + 1; j < dbs.length; j++) pairs.push({ i, j, same: 0, onlyI: 0, onlyJ: 0 });
let answered = 0;
for (let n = 0; n < samples; n++) {
  const x = next();
  const ip = `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
  const c = dbs.map((d) => country(d.reader.get(ip)));
  if (c.every((v) => v === undefined)) continue;
  answered++;
  for (const p of pairs) {
    if (c[p.i] === c[p.j]) p.same++;
    if (c[p.i] === 'CN' && c[p.j] !== 'CN') p.onlyI++;
    if (c[p.j] === 'CN' && c[p.i] !== 'CN') p.onlyJ++;
  }
}
const pct = (k) => `${((100 * k) / answered).toFixed(1)} %`;
console.log(`${samples} addresses, ${answered} answered by at least one database`);
for (const p of pairs) {
  const [a, b] = [dbs[p.i].name, dbs[p.j].name];
  console.log(`${a} vs ${b}: same country ${pct(p.same)}; only ${a} says CN ${p.onlyI}, only ${b} says CN ${p.onlyJ}`);
}
