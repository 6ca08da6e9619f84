#!/usr/bin/env node
/**
 * Start-up cost of the CLI: median wall and CPU time (user + system) of N runs of a tiny
 * `replay --no-db` against bare `node -e 0`, interleaved so every variant sees the same machine
 * load, with `replay --help` (the CLI's code loaded, replay registered, nothing run) to split loading from running.
 * Usage: node bench/startup/measure-startup.mjs [runs] [other-main.js ...]
 * (other builds of dist/cli/main.js, e.g. the previous commit's, are timed in the same rounds: A/B).
 * `npm run bench` (bench/corpus/bench-corpus.mjs --only startup) reports the same figures.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { median, timedRun } from './timed-run.mjs';

const runs = Number(process.argv[2] ?? 10);
const mains = ['dist/cli/main.js', ...process.argv.slice(3)].map((m) => resolve(m));
const fixture = resolve('fixtures/session-dji-mixed.pcap');
const replayArgs = ['replay', fixture, '--no-db', '--format', 'ndjson', '--fail-on', 'never', '--no-summary'];
const variants = [
  ['node -e 0', ['-e', '0']],
  ...mains.flatMap((m) => [
    [`${m} replay --help`, [m, 'replay', '--help']],
    [`${m} replay`, [m, ...replayArgs]],
  ]),
];
const times = new Map(variants.map(([name]) => [name, []]));

const loadBefore = loadavg()[0];
for (let i = 0; i < runs; i++) {
  for (const [name, args] of variants) {
    const r = timedRun(process.execPath, args);
    if (r.code !== 0) throw new Error(`${name}: exit ${r.code}: ${r.stderr}`);
    times.get(name).push(r);
  }
}
const wall = (name) => median(times.get(name).map((r) => r.wallMs));
const cpu = (name) => median(times.get(name).map((r) => r.cpuMs));
const bare = 'node -e 0';
console.log(`runs ${runs}, load average (1 min) ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
console.log('  wall ms  x bare    CPU ms  x bare');
for (const [name] of variants) {
  console.log(
    `${wall(name).toFixed(0).padStart(9)}  ${(wall(name) / wall(bare)).toFixed(2).padStart(6)}  ${cpu(name).toFixed(0).padStart(8)}  ${(cpu(name) / cpu(bare)).toFixed(2).padStart(6)}  ${name}`,
  );
}
