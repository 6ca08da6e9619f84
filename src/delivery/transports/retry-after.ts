/**
 * HTTP Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. The
 * outbox waits at least this long before the next attempt at that destination.
 */

/** Milliseconds to wait, or undefined when the header is absent or unusable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date is the IMF-fixdate form (or the obsolete ones Date.parse also reads); it must name a weekday.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
