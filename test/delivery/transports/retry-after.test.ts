import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/delivery/transports/retry-after.js';

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('1999-12-31T23:57:59Z');
  it('the RFC examples: an HTTP-date and delay-seconds', () => {
    expect(parseRetryAfter('Fri, 31 Dec 1999 23:59:59 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });
  it('a date in the past means now; garbage and absence mean no hint', () => {
    expect(parseRetryAfter('Fri, 31 Dec 1999 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('2000-01-01', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
