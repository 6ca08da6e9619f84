/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"): the n-th consecutive failure waits a uniform random time in
 * [0, min(cap, base * 2^n)], so thirty boxes that lost the same SIEM do not come back
 * in step. A receiver's Retry-After is a floor: never sooner than it asked.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60 * 1000 };

/** Delay before the next attempt after `failures` consecutive failures (1 = the first). */
export function backoffDelay(policy: BackoffPolicy, failures: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  // At least a tenth of the ceiling: a zero draw would hammer a receiver that just failed.
  const jittered = Math.max(ceiling / 10, random() * ceiling);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
