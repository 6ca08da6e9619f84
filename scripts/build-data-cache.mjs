#!/usr/bin/env node
/**
 * Writes dist/data-cache/: the parsed and validated form of each shipped YAML
 * file in rules/ (rule packs and operators.yaml), keyed by the SHA-256 of its
 * text (see src/data-cache.ts). Runs after tsc in `npm run build`; a file that
 * does not validate fails the build with the loader's own one-line error.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheFileName, sha256Text } from '../dist/data-cache.js';
import { parseOperators } from '../dist/enrich/operators.js';
import { parseRuleFile } from '../dist/rules/load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RULES = join(ROOT, 'rules');
const OUT = join(ROOT, 'dist', 'data-cache');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
let written = 0;
for (const name of readdirSync(RULES).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const file = join(RULES, name);
  const text = readFileSync(file, 'utf8');
  const kind = name === 'operators.yaml' ? 'operators' : 'rules';
  const value = kind === 'operators' ? await parseOperators(text, file) : await parseRuleFile(file, text, false);
  if (value === undefined) continue;
  writeFileSync(join(OUT, cacheFileName(kind, file)), JSON.stringify({ sha256: sha256Text(text), value }));
  written++;
}
process.stdout.write(`groundwatch: cached ${written} parsed data files in dist/data-cache\n`);
