/**
 * The outbox's byte bound. When the pending rows' payloads exceed it, the lowest
 * severities go first, oldest first within a severity, until it fits; each
 * destination that lost rows gets one `delivery.dropped` event with the counts per
 * severity, queued like any message (and itself never shed, so the loss is reported
 * once the destination is back). Runs inside the caller's transaction.
 */
import type { Counters } from '../counters.js';
import type { Severity } from '../types.js';
import { droppedMessage, type SeverityCounts } from './delivery-records.js';
import type { OutboxStore } from './outbox-store.js';

/** 64 MiB: about 25,000 alert records of ~2.5 KB, weeks of a busy unit's alerts with its destination down. */
export const DEFAULT_OUTBOX_MAX_BYTES = 64 * 1024 * 1024;

export interface ShedResult {
  readonly rows: number;
  readonly bytes: number;
  readonly byDestination: ReadonlyMap<string, SeverityCounts>;
}

interface Candidate {
  rowid: number;
  destination: string;
  severity: Severity;
  size_bytes: number;
}

export function enforceOutboxLimit(store: OutboxStore, maxBytes: number, now: Date, counters?: Counters): ShedResult | undefined {
  const { bytes } = store.pendingTotals();
  if (bytes <= maxBytes) return undefined;
  const byDestination = new Map<string, SeverityCounts>();
  let freed = 0;
  let rows = 0;
  const candidates = store.db
    .prepare(`SELECT rowid, destination, severity, size_bytes FROM outbox WHERE state = 'pending' AND kind != 'delivery_dropped' ORDER BY severity_num, created_at, rowid`)
    .iterate() as IterableIterator<Candidate>;
  const shed: number[] = [];
  // Room is also made for the dropped events about to be queued (one per destination, well under 1 KiB each).
  const reserve = () => byDestination.size * 1024;
  for (const c of candidates) {
    if (bytes - freed + reserve() <= maxBytes) break;
    shed.push(c.rowid);
    freed += c.size_bytes;
    rows++;
    const counts = byDestination.get(c.destination) ?? {};
    counts[c.severity] = (counts[c.severity] ?? 0) + 1;
    byDestination.set(c.destination, counts);
  }
  const del = store.db.prepare(`DELETE FROM outbox WHERE rowid = ?`);
  for (const rowid of shed) del.run(rowid);
  for (const [destination, counts] of byDestination) store.enqueue(destination, droppedMessage(destination, counts, maxBytes, now), now.getTime());
  counters?.inc('delivery.dropped', rows);
  return { rows, bytes: freed, byDestination };
}
