/**
 * One host-name form for every stage that compares names: lower case (RFC 4343: names are
 * case-insensitive) and no trailing dots (RFC 1034 section 3.1: the final dot only marks an
 * absolute name). Expected values are written from those rules, and each stage's entry point
 * must give the same: before, DNS, Host headers and store queries dropped one trailing dot,
 * attribution and rules all of them.
 */
import { describe, expect, it } from 'vitest';
import { normaliseDnsName } from '../../src/attribution/dns/index.js';
import { normaliseHost as hostHeader } from '../../src/attribution/http/index.js';
import { addNameEvidence } from '../../src/attribution/names.js';
import { normalizeName } from '../../src/rules/normalize.js';
import { normaliseDomain } from '../../src/sinks/query-builder.js';
import type { Attribution } from '../../src/types.js';
import { foldHostName } from '../../src/util/host-name.js';

const CASES: Array<[string, string]> = [
  ['Example.COM', 'example.com'],
  ['mydji.DJI.com.', 'mydji.dji.com'],
  ['api.dji.com..', 'api.dji.com'],
  ['_dmarc.Example.org.', '_dmarc.example.org'],
];

function attributed(host: string): string | undefined {
  const a: Attribution = { names: [], conflict: false };
  addNameEvidence(a, { host, source: 'tls_sni', ts: 1_700_000_000 }, { tls_sni: 0 });
  return a.host;
}

describe('one host-name form (RFC 4343 case, RFC 1034 trailing dot)', () => {
  it.each(CASES)('%j -> %j at every stage', (input, expected) => {
    expect(foldHostName(input)).toBe(expected);
    expect(attributed(input)).toBe(expected);
    expect(normaliseDnsName(input)).toBe(expected);
    expect(hostHeader(input).host).toBe(expected);
    expect(normaliseDomain(input)).toBe(expected);
    expect(normalizeName(input)).toBe(expected);
  });

  it('the root name is empty', () => {
    expect(foldHostName('.')).toBe('');
    expect(normaliseDnsName('.')).toBe('');
  });
});
