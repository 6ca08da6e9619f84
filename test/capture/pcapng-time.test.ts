import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { resolutionFromOption, unitsToTimestamp, type Timestamp } from '../../src/capture/pcapng-time.js';

/** The definition, in exact integer arithmetic: floor division, sub-ns truncated. */
function reference(units: bigint, perSecond: bigint, offset: number): [number, number] {
  return [Number(units / perSecond) + offset, Number(((units % perSecond) * 1_000_000_000n) / perSecond)];
}

function convert(units: bigint, option: number, offset = 0): [number, number] {
  const out: Timestamp = { sec: 0, nsec: 0 };
  unitsToTimestamp(Number(units >> 32n), Number(units & 0xffffffffn), resolutionFromOption(option), offset, out);
  return [out.sec, out.nsec];
}

describe('pcapng timestamp units', () => {
  it('reads the if_tsresol byte as 10^-n or, with the top bit, 2^-n', () => {
    expect(resolutionFromOption(6).perSecond).toBe(1e6);
    expect(resolutionFromOption(9).perSecond).toBe(1e9);
    expect(resolutionFromOption(0x80 | 20).perSecond).toBe(2 ** 20);
  });

  it('converts known values exactly', () => {
    expect(convert(1340954905298858n, 6)).toEqual([1340954905, 298858000]);
    expect(convert(1418145369924505488n, 9)).toEqual([1418145369, 924505488]);
    // 2^-20: half a second is 2^19 units; 1 unit is 953.67431640625 ns, truncated to 953.
    expect(convert(1n * 2n ** 20n * 1000n + 2n ** 19n, 0x80 | 20)).toEqual([1000, 500_000_000]);
    expect(convert(1n, 0x80 | 20)).toEqual([0, 953]);
    expect(convert(10n ** 12n + 1n, 12)).toEqual([1, 0]);
    expect(convert(5n, 0, -3)).toEqual([2, 0]);
  });

  it('matches exact integer arithmetic for any 64-bit count and resolution', () => {
    const options = fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0x80, max: 0x80 | 40 }));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), options, (units, option) => {
        const perSecond = option & 0x80 ? 1n << BigInt(option & 0x7f) : 10n ** BigInt(option);
        const [sec, nsec] = reference(units, perSecond, 0);
        const [gotSec, gotNsec] = convert(units, option);
        // Seconds beyond 2^53 cannot be exact in a double; compare what can be.
        return gotNsec === nsec && (sec > Number.MAX_SAFE_INTEGER || gotSec === sec);
      }),
      { numRuns: 5000 },
    );
  });

  it('is exact near every divisor boundary of realistic nanosecond and microsecond times', () => {
    for (const [option, perSecond] of [[9, 1_000_000_000n], [6, 1_000_000n]] as const) {
      for (const sec of [0n, 1n, 1_700_000_000n, 4_000_000_000n, 9_007_199n]) {
        for (const delta of [-1n, 0n, 1n]) {
          const units = sec * perSecond + delta;
          if (units < 0n) continue;
          expect(convert(units, option)).toEqual(reference(units, perSecond, 0));
        }
      }
    }
  });
});
