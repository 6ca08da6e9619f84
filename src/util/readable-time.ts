/** Stored times carry nanoseconds; a person reads seconds: 2026-11-23T09:37:28Z (ISO 8601, UTC). */
export function readableTime(iso: string | null | undefined): string | null {
  if (iso === null || iso === undefined) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]}Z` : iso;
}
