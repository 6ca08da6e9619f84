import { describe, expect, it } from 'vitest';
import { wholeNumber } from '../../src/cli/whole-number.js';
import { runCli } from '../support/cli.js';

describe('one reading of whole-number flags', () => {
  it('decimal digits, blanks around them ignored', () => {
    expect(wholeNumber('0')).toBe(0);
    expect(wholeNumber(' 443 ')).toBe(443);
    expect(wholeNumber('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['', ' ', '-1', '+5', '1e3', '0x10', '1.0', '64k', '1 000', '9007199254740992'])('refuses %j', (text) => {
    expect(wholeNumber(text)).toBeUndefined();
  });

  it('a flag that read Number() before refuses what Number() took: --max-age-days 1e3 is one USAGE line, exit 2', () => {
    const r = runCli(['geoip', 'info', '--max-age-days', '1e3']);
    expect(r.stderr).toMatch(/^groundwatch: USAGE: --max-age-days wants a whole number >= 0, got "1e3"\n$/);
    expect(r.status).toBe(2);
  });
});
