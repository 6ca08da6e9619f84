/** ISO 8601 with nanoseconds from packet time kept as (seconds, nanoseconds). */
export function isoFromSecNsec(sec: number, nsec: number): string {
  const base = new Date(sec * 1000).toISOString(); // ...T12:34:56.000Z
  return `${base.slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
}

/** ISO 8601 from packet time as a double (µs precision). */
export function isoFromSeconds(ts: number): string {
  const sec = Math.floor(ts);
  const nsec = Math.round((ts - sec) * 1e6) * 1000;
  return nsec >= 1e9 ? isoFromSecNsec(sec + 1, 0) : isoFromSecNsec(sec, nsec);
}
