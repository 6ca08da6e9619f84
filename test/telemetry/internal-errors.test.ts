/**
 * Internal errors are survived in production and loud in tests. A TypeError is
 * injected (test-only, through vi.mock) into the link decoder and the DNS name
 * normaliser: the stage still survives and counts it, and the fuzzers' "never
 * throws" properties, run over inputs that reach the bug, fail.
 */
import fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { describe, expect, it, vi } from 'vitest';
import { Counters, countAnomaly } from '../../src/counters.js';
import { decodeFrame } from '../../src/decode/decode.js';
import { parseDnsMessage } from '../../src/attribution/dns/dns-message.js';
import { takeInternalErrors } from '../../src/telemetry/internal-errors.js';
import { assertNoInternalErrors } from '../support/fuzz.js';
import { decodeFrameNeverThrows, dnsParserNeverThrows } from '../support/never-throws.js';

/** LINKTYPE_USER0: the injected bug fires only there, so other link types still decode. */
const BUGGY_LINK_TYPE = 147;

vi.mock('../../src/decode/link.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/decode/link.js')>();
  return {
    ...real,
    decodeLink: (linkType: number, frame: Uint8Array) => {
      if (linkType === BUGGY_LINK_TYPE) throw new TypeError('injected: cannot read properties of undefined');
      return real.decodeLink(linkType, frame);
    },
  };
});

vi.mock('../../src/attribution/dns/dns-rdata.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/attribution/dns/dns-rdata.js')>();
  return {
    ...real,
    normaliseDnsName: (name: string) => {
      if (name.includes('boom')) throw new TypeError('injected: name.toLowerCase is not a function');
      return real.normaliseDnsName(name);
    },
  };
});

function failureOf(run: () => void): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('the property passed with the injected bug');
}

function dnsQuery(name: string): Uint8Array {
  return new Uint8Array(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name }] }));
}

describe('internal errors: survived in production, loud in tests', () => {
  it('decodeFrame survives a TypeError, counts anomaly.decode.internal_error and notes it for the suite', () => {
    const counters = new Counters();
    const data = new Uint8Array(60);
    const p = decodeFrame({ tsSec: 0, tsNsec: 0, linkType: BUGGY_LINK_TYPE, data, wireLen: 60, interfaceId: 0, sourceIndex: 0 }, { counters });
    expect(p).toBeUndefined();
    expect(counters.get('anomaly.decode.internal_error')).toBe(1);
    const noted = takeInternalErrors();
    expect(noted.map((e) => e.stage)).toEqual(['decode']);
    expect(noted[0]!.error).toBeInstanceOf(TypeError);
  });

  it('the fuzzers\' decodeFrame property fails on it', () => {
    const property = fc.property(fc.constantFrom(1, BUGGY_LINK_TYPE), fc.uint8Array({ maxLength: 80 }), decodeFrameNeverThrows);
    const failure = failureOf(() => fc.assert(property, { numRuns: 200 }));
    expect(failure.message).toMatch(/Counterexample: \[147,/);
    expect(String(failure.cause)).toMatch(/internal error in stage decode \(1 noted\): TypeError: injected/);
  });

  it('the DNS parser survives a TypeError as invalid internal_error and notes it', () => {
    const r = parseDnsMessage(dnsQuery('boom.example'));
    expect(r).toEqual({ status: 'invalid', reason: 'internal_error' });
    expect(takeInternalErrors().map((e) => e.stage)).toEqual(['dns']);
    // A name the injected bug does not touch parses as before.
    expect(parseDnsMessage(dnsQuery('fine.example')).status).toBe('found');
  });

  it('the fuzzers\' DNS property fails on it', () => {
    const property = fc.property(fc.constantFrom('fine.example', 'boom.example'), (name) => dnsParserNeverThrows(dnsQuery(name)));
    const failure = failureOf(() => fc.assert(property, { numRuns: 50 }));
    expect(failure.message).toMatch(/Counterexample: \["boom\.example"\]/);
    expect(String(failure.cause)).toMatch(/internal error in stage dns \(1 noted\): TypeError: injected/);
  });

  it('a parser reason missing from the catalogue is counted in production and loud in tests', () => {
    const counters = new Counters();
    countAnomaly(counters, 'http', 'not_in_the_catalogue');
    expect(counters.get('anomaly.telemetry.undeclared_name')).toBe(1);
    expect(() => assertNoInternalErrors()).toThrow(/internal error in stage telemetry \(1 noted\): Error: undeclared counter anomaly\.http\.not_in_the_catalogue/);
    countAnomaly(counters, 'http', 'bad_request_line');
    expect(counters.get('anomaly.http.bad_request_line')).toBe(1);
    assertNoInternalErrors();
  });

  it('the per-test check (test/support/internal-errors.setup.ts) fails once an error is noted', () => {
    decodeFrame({ tsSec: 0, tsNsec: 0, linkType: BUGGY_LINK_TYPE, data: new Uint8Array(4), wireLen: 4, interfaceId: 0, sourceIndex: 0 }, { counters: new Counters() });
    expect(() => assertNoInternalErrors()).toThrow(/internal error in stage decode \(1 noted\): TypeError: injected/);
    // Taken: the after-each check of this test itself passes.
    assertNoInternalErrors();
  });
});
