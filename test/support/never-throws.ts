/**
 * The "never throws" property bodies the fuzzers run, shared with the test that
 * injects a bug to show they fail on one: a stage that catches its own
 * exception (counted as anomaly.<stage>.internal_error) must not pass.
 */
import { expect } from 'vitest';
import { parseDnsMessage } from '../../src/attribution/dns/dns-message.js';
import { resolveAnswers } from '../../src/attribution/dns/dns-resolve.js';
import { Counters } from '../../src/counters.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { assertNoInternalErrors } from './fuzz.js';

export function decodeFrameNeverThrows(linkType: number, data: Uint8Array): void {
  const counters = new Counters();
  const p = decodeFrame({ tsSec: 1_767_225_600, tsNsec: 0, linkType, data, wireLen: data.length, interfaceId: 0, sourceIndex: 0 }, { counters });
  // First, so each case drains the registry and a shrunk counterexample is the input that raised it.
  assertNoInternalErrors();
  expect(counters.get('anomaly.decode.internal_error'), 'anomaly.decode.internal_error').toBe(0);
  if (p === undefined) expect(Object.keys(counters.toJSON()).length).toBeGreaterThan(0);
}

export function dnsParserNeverThrows(bytes: Uint8Array): void {
  const result = parseDnsMessage(bytes);
  if (result.status === 'found') resolveAnswers(result.value);
  assertNoInternalErrors();
  expect(['found', 'invalid']).toContain(result.status);
  if (result.status === 'invalid') expect(result.reason).not.toBe('internal_error');
}
