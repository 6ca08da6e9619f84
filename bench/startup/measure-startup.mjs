#!/usr/bin/env node
/**
 * Start-up cost of the CLI: median wall time of N runs of a tiny `replay --no-db` against bare
 * `node -e 0`, interleaved so every variant sees the same machine load.
 * Usage: node bench/startup/measure-startup.mjs [runs] [other-main.js ...]
 * (other builds of dist/cli/main.js, e.g. the previous commit's, are timed in the same rounds: A/B).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

const runs = Number(process.argv[2] ?? 10);
const mains = ['dist/cli/main.js', ...process.argv.slice(3)].map((m) => resolve(m));
const fixture = resolve('fixtures/session-dji-mixed.pcapng');
const variants = [['node -e 0', ['-e', '0']], ...mains.map((m) => [m, [m, 'replay', fixture, '--no-db', '--format', 'ndjson']])];
const times = new Map(variants.map(([name]) => [name, []]));

function timeRun(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // Exit 1 = "alerts at the --fail-on severity were raised" (replay's documented status), not a failure.
  if (result.status !== 0 && result.status !== 1) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const loadBefore = loadavg()[0];
for (let i = 0; i < runs; i++) for (const [name, args] of variants) times.get(name).push(timeRun(args));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = median(times.get('node -e 0'));
console.log(`runs ${runs}, load average (1 min) ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
for (const [name, xs] of times) console.log(`${median(xs).toFixed(0).padStart(6)} ms  x${(median(xs) / bare).toFixed(2)} of bare node  ${name}`);
