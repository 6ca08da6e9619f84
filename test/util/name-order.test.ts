import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TELEMETRY } from '../../src/telemetry/catalogue.js';
import { compareNames } from '../../src/util/name-order.js';
import { REPO_ROOT } from '../support/cli.js';

// localeCompare itself is the reference: compareNames must order exactly as it does.
const sign = (n: number): number => Math.sign(n);
const nameChars = fc.constantFrom(...'_-.0123456789abcdefghijklmnopqrstuvwxyz'.split(''));
const otherChars = fc.constantFrom(...'_-.az09AZ é:/ ~\u00e5\u0131\u0000'.split(''));
const name = fc.string({ unit: nameChars, maxLength: 12 });
const anyName = fc.string({ unit: fc.oneof(nameChars, otherChars), maxLength: 8 });

describe('compareNames', () => {
  it('orders names of [a-z0-9._-] as localeCompare does (this machine resolves an English default locale)', () => {
    expect(new Intl.PluralRules().resolvedOptions().locale).toMatch(/^en\b/);
    fc.assert(fc.property(name, name, (a, b) => compareNames(a, b) === sign(a.localeCompare(b))), { numRuns: 20_000 });
  });

  it('orders any other name as localeCompare does', () => {
    fc.assert(fc.property(anyName, anyName, (a, b) => sign(compareNames(a, b)) === sign(a.localeCompare(b))), { numRuns: 20_000 });
  });

  it('sorts every declared counter name as localeCompare does', () => {
    const names = Object.keys(TELEMETRY);
    expect(names.length).toBeGreaterThan(100);
    expect([...names].sort(compareNames)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('under a locale with its own collation (Danish: "aa" after "z") it is localeCompare', () => {
    const script = `import { compareNames } from ${JSON.stringify(`${REPO_ROOT}dist/util/name-order.js`)}; console.log(JSON.stringify(['aa', 'z', 'ab'].sort(compareNames)), JSON.stringify(['aa', 'z', 'ab'].sort((a, b) => a.localeCompare(b))));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, LANG: 'da_DK.UTF-8' } });
    const [ours, icu] = r.stdout.trim().split(' ');
    expect(ours).toBe(icu);
    expect(icu).toBe('["ab","z","aa"]');
  });
});
