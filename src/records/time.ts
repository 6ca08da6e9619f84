/** ISO 8601 with nanoseconds from packet time kept as (seconds, nanoseconds). */
let cachedSec = NaN;
let cachedPrefix = '';

export function isoFromSecNsec(sec: number, nsec: number): string {
  // Records come in packet-time order, so the same second repeats: format it once.
  if (sec !== cachedSec) {
    cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19); // 2026-01-01T12:34:56
    cachedSec = sec;
  }
  return `${cachedPrefix}.${String(nsec).padStart(9, '0')}Z`;
}

/** ISO 8601 from packet time as a double (µs precision). */
export function isoFromSeconds(ts: number): string {
  const sec = Math.floor(ts);
  const nsec = Math.round((ts - sec) * 1e6) * 1000;
  return nsec >= 1e9 ? isoFromSecNsec(sec + 1, 0) : isoFromSecNsec(sec, nsec);
}
