/**
 * pcapng timestamps: a 64-bit count of units per interface, where `if_tsresol`
 * says the unit (10^-n or 2^-n seconds, default 10^-6) and `if_tsoffset` adds
 * whole seconds. Converted exactly to (seconds, nanoseconds), truncating
 * sub-nanosecond units as Wireshark does.
 */
export interface TsResolution {
  /** Units per second. */
  readonly perSecond: number;
  readonly perSecondBig: bigint;
  /** Nanoseconds per unit when that is a whole number (10^-0 .. 10^-9), else 0. */
  readonly nsPerUnit: number;
}

export interface Timestamp {
  sec: number;
  nsec: number;
}

const TWO_32 = 4294967296;
const TWO_16 = 65536;
/** A 64-bit count below 2^52 fits a double exactly, with room for quotient * divisor. */
const SAFE_HIGH_WORD = 0x100000;
/** Long division in 16-bit limbs stays exact while divisor * 2^17 < 2^53. */
const LIMB_DIVISOR_LIMIT = 2 ** 36;
const NS_BIG = 1_000_000_000n;
/**
 * Packet times groundwatch can record: stored times are ISO 8601 text with a
 * four-digit year, compared as text (src/sinks/timestamps.ts), and JavaScript
 * dates end at +-8.64e15 ms. So 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
 */
export const EARLIEST_PACKET_SEC = -62_167_219_200;
export const LATEST_PACKET_SEC = 253_402_300_799;

export const MICROSECOND_RESOLUTION: TsResolution = decimalResolution(6);

/** Resolution from the one-byte if_tsresol option value. */
export function resolutionFromOption(value: number): TsResolution {
  const exponent = value & 0x7f;
  if (value & 0x80) {
    const perSecondBig = 1n << BigInt(exponent);
    return { perSecond: Number(perSecondBig), perSecondBig, nsPerUnit: 0 };
  }
  return decimalResolution(exponent);
}

function decimalResolution(exponent: number): TsResolution {
  const perSecondBig = 10n ** BigInt(exponent);
  const nsPerUnit = exponent <= 9 ? 10 ** (9 - exponent) : 0;
  return { perSecond: Number(perSecondBig), perSecondBig, nsPerUnit };
}

/** True when a packet time in seconds can be recorded (see EARLIEST_PACKET_SEC). */
export function isRecordableTime(sec: number): boolean {
  return sec >= EARLIEST_PACKET_SEC && sec <= LATEST_PACKET_SEC;
}

/** Convert units (high:low 32-bit words) into `out`, adding offsetSec. */
export function unitsToTimestamp(high: number, low: number, res: TsResolution, offsetSec: number, out: Timestamp): void {
  if (res.nsPerUnit > 0 && high < SAFE_HIGH_WORD) {
    const units = high * TWO_32 + low;
    const sec = floorDiv(units, res.perSecond);
    out.sec = sec + offsetSec;
    out.nsec = (units - sec * res.perSecond) * res.nsPerUnit;
  } else if (res.nsPerUnit > 0 && res.perSecond < LIMB_DIVISOR_LIMIT) {
    limbDivide(high, low, res, offsetSec, out);
  } else {
    bigDivide(high, low, res, offsetSec, out);
  }
}

function limbDivide(high: number, low: number, res: TsResolution, offsetSec: number, out: Timestamp): void {
  const d = res.perSecond;
  const q1 = floorDiv(high, d);
  const t2 = (high - q1 * d) * TWO_16 + (low >>> 16);
  const q2 = floorDiv(t2, d);
  const t3 = (t2 - q2 * d) * TWO_16 + (low & 0xffff);
  const q3 = floorDiv(t3, d);
  out.sec = q1 * TWO_32 + q2 * TWO_16 + q3 + offsetSec;
  out.nsec = (t3 - q3 * d) * res.nsPerUnit;
}

function bigDivide(high: number, low: number, res: TsResolution, offsetSec: number, out: Timestamp): void {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const d = res.perSecondBig;
  out.sec = Number(units / d) + offsetSec;
  out.nsec = Number(((units % d) * NS_BIG) / d);
}

/** floor(n / d) for integers n, d below 2^52; corrects the one-off a rounded division can give. */
function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  const r = n - q * d;
  if (r < 0) q--;
  else if (r >= d) q++;
  return q;
}
