#!/usr/bin/env node
// The unbundled bin (tsc's output); `npm run build` replaces it by the launcher of the bundle (launcher.ts).
import { main } from './entry.js';
import { applyHeapPolicy } from './heap-policy.js';

applyHeapPolicy();
process.exitCode = await main(process.argv);
