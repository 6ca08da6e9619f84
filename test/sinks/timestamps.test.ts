import { describe, expect, it } from 'vitest';
import { canonicalIso, parseTimeFilter, storedTime } from '../../src/sinks/timestamps.js';

describe('timestamps', () => {
  it('canonicalises dates and timestamps to UTC with nanoseconds', () => {
    expect(canonicalIso('2021-09-01')).toBe('2021-09-01T00:00:00.000000000Z');
    expect(canonicalIso('2021-09-01T12:34:56Z')).toBe('2021-09-01T12:34:56.000000000Z');
    expect(canonicalIso('2021-09-01T12:34:56.5Z')).toBe('2021-09-01T12:34:56.500000000Z');
    expect(canonicalIso('2021-09-01T12:34:56.123456789Z')).toBe('2021-09-01T12:34:56.123456789Z');
    // 00:30 at +02:00 is 22:30 the day before in UTC (RFC 3339 §4.2)
    expect(canonicalIso('2021-09-01T00:30:00+02:00')).toBe('2021-08-31T22:30:00.000000000Z');
    expect(canonicalIso('2021-09-01T00:30-0130')).toBe('2021-09-01T02:00:00.000000000Z');
    expect(canonicalIso('2021-09-01 12:00')).toBe('2021-09-01T12:00:00.000000000Z');
  });
  it('refuses what is not a real ISO time', () => {
    for (const bad of ['2021-13-01', '2021-02-29', 'now', '', '2021-09-01T25:00Z', '1630454400']) {
      expect(canonicalIso(bad)).toBeUndefined();
    }
    expect(() => parseTimeFilter('since', 'now')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
  it('storedTime keeps text it cannot parse rather than losing it', () => {
    expect(storedTime('garbage')).toBe('garbage');
    expect(storedTime(undefined)).toBeNull();
    expect(storedTime('2021-09-01T00:00:00.000Z')).toBe('2021-09-01T00:00:00.000000000Z');
  });
});
