/** Numbers and times as a person reads them in the report (every time in UTC, ISO 8601). */

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 2026-06-01T12:00:03.123456789Z -> 2026-06-01 12:00:03Z (full value kept in the JSON). */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)} %`;
}
