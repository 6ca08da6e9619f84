/** Deterministic alert ids: the same flow and rule (and DNS question) always give the same id, whatever the run. */
import { createHash } from 'node:crypto';

export function alertId(...parts: (string | number | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p ?? ''}\u0000`);
  return h.digest('hex').slice(0, 16);
}
