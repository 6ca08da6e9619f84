#!/usr/bin/env node
/**
 * Writes docs/errors.md from the error catalogue (src/errors.ts, built into dist/).
 * Usage: npm run build && node scripts/write-errors-doc.mjs
 * test/errors-catalogue.test.ts fails when the committed file and the catalogue differ.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE } from '../dist/errors.js';

const OUT = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

const rows = Object.entries(ERROR_CATALOGUE).map(([code, def]) => `| \`${code}\` | ${def.exitCode} | ${def.meaning} |`);

const text = `# Errors

<!-- Written by scripts/write-errors-doc.mjs from src/errors.ts; edit the catalogue, not this file. -->

Bad input and operational failures print one line on stderr, \`groundwatch: CODE: message\`, and the
command exits with the code's status. Some codes are also printed as warnings while a run goes on
(the meaning says when); a warning does not change the exit status. Other exit statuses: \`0\` ok,
\`1\` policy violation (an alert at \`--fail-on\` severity or above), \`70\` internal error (a bug: printed
with a stack trace; please report it).

| code | exit status | meaning |
| --- | --- | --- |
${rows.join('\n')}
`;

writeFileSync(OUT, text);
console.log(`wrote ${OUT} (${rows.length} codes)`);
