/** The alert's transparency-log entry, inclusion proof and latest checkpoint, when the store has a log. */
import type { StoreDb } from '../sinks/sqlite-store.js';
import type { LogEvidence } from './bundle-writer.js';

export function logEvidenceFor(_db: StoreDb, _alertId: string): LogEvidence | { missing: string } {
  return { missing: 'this groundwatch has no transparency log yet' };
}
