#!/usr/bin/env node
import { applyHeapPolicy } from './heap-policy.js';
import { runCli } from './run.js';

applyHeapPolicy();
process.exitCode = await runCli(process.argv);
