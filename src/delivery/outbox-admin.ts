/**
 * What `groundwatch outbox retry|purge` change in the outbox table. `purge` removes
 * delivered rows by default (history only, nothing lost); disabled rows with
 * `disabled: true`; every row, pending included, only with `all: true` (the CLI asks
 * for --yes there: pending rows are alerts nobody has received).
 */
import type { StoreDb } from '../sinks/sqlite-store.js';

/** Makes every row of the message (all destinations, or one) pending and due now; returns how many. */
export function retryMessage(db: StoreDb, messageId: string, nowMs: number, destination?: string): number {
  const where = destination === undefined ? '' : ' AND destination = @destination';
  return db
    .prepare(`UPDATE outbox SET state = 'pending', next_attempt_at = @now WHERE message_id = @id AND state != 'delivered'${where}`)
    .run({ id: messageId, now: nowMs, ...(destination === undefined ? {} : { destination }) }).changes;
}

export interface PurgeScope {
  readonly disabled?: boolean;
  readonly all?: boolean;
}

export function purgeOutbox(db: StoreDb, scope: PurgeScope): number {
  const states = scope.all ? null : scope.disabled ? ['delivered', 'disabled'] : ['delivered'];
  if (states === null) return db.prepare('DELETE FROM outbox').run().changes;
  return db.prepare(`DELETE FROM outbox WHERE state IN (${states.map(() => '?').join(', ')})`).run(...states).changes;
}
