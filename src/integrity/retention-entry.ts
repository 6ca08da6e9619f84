/**
 * Retention's entries in the log: a retention batch deletes old logged rows (alerts and
 * their acknowledgements, stats records, capture gaps), and says so in the log in the same
 * transaction as its DELETEs. `verify` accepts a logged row as gone only when a retention
 * entry later in the log names it; any other missing row is still a deletion behind the
 * log's back. The entry lists the refs themselves (a batch is at most a few hundred rows),
 * so the check needs nothing but the log: same canonical form as every entry (docs/integrity.md).
 */
import type { Database } from 'better-sqlite3';
import { canonicalBytes, type JsonValue } from './canonical-json.js';
import { ENTRY_FORMAT_VERSION, type EntryKind } from './entries.js';
import { appendEntry } from './log-store.js';
import { cachedStatement } from '../util/statement-cache.js';

export const RETENTION_KIND = 'retention' as const;

/** Deleted refs by entry kind, each list sorted as its key sorts (ids as text, rowids as numbers). */
export type RetiredRefs = Partial<Record<EntryKind, readonly (string | number)[]>>;

/** The entry's bytes: {"kind":"retention","ref":"<table> <cutoff>","row":{"cutoff","deleted":{kind:[refs as text]},"table"},"v":1}. */
export function retentionEntryBytes(table: string, cutoff: string, deleted: RetiredRefs): Buffer {
  const lists: Record<string, JsonValue> = {};
  for (const [kind, refs] of Object.entries(deleted)) if (refs && refs.length) lists[kind] = refs.map(String);
  return canonicalBytes({ kind: RETENTION_KIND, ref: retentionRef(table, cutoff), row: { cutoff, deleted: lists, table }, v: ENTRY_FORMAT_VERSION });
}

export function retentionRef(table: string, cutoff: string): string {
  return `${table} ${cutoff}`;
}

/**
 * Inside the batch's transaction, after its DELETEs; nothing is logged for an empty batch or a store without a log.
 * The deleted rows' own entries keep their index and leaf hash (the tree and its checkpoints are unchanged) but
 * give up their bytes: with the row gone there is nothing left to compare them with, `verify` takes the stored
 * leaf hash, which the signed checkpoints cover, and a year of a monitor's stats entries (one a minute) does not
 * outweigh the month of stats kept.
 */
export function logRetention(db: Database, table: string, cutoff: string, deleted: RetiredRefs, now: Date = new Date()): number | undefined {
  if (!Object.values(deleted).some((refs) => refs && refs.length > 0)) return undefined;
  const idx = appendEntry(db, RETENTION_KIND, retentionRef(table, cutoff), retentionEntryBytes(table, cutoff, deleted), now);
  const drop = cachedStatement(db, "UPDATE integrity_log SET entry = X'' WHERE kind = ? AND ref IN (SELECT value FROM json_each(?)) AND idx < ?");
  for (const [kind, refs] of Object.entries(deleted)) if (refs && refs.length) drop.run(kind, JSON.stringify(refs.map(String)), idx);
  return idx;
}

/**
 * The (kind, ref) pairs a stored retention entry names, or an error when its bytes are not the
 * canonical form this module writes (then it covers nothing).
 */
export function parseRetentionEntry(entry: Buffer): { covers: [EntryKind, string][] } | { error: string } {
  let parsed: { ref?: unknown; row?: { table?: unknown; cutoff?: unknown; deleted?: Record<string, unknown> } };
  try {
    parsed = JSON.parse(entry.toString('utf8')) as typeof parsed;
  } catch {
    return { error: 'not JSON' };
  }
  const row = parsed.row;
  if (!row || typeof row.table !== 'string' || typeof row.cutoff !== 'string' || !row.deleted || typeof row.deleted !== 'object') return { error: 'missing table, cutoff or deleted' };
  const deleted: Record<string, string[]> = {};
  for (const [kind, refs] of Object.entries(row.deleted)) {
    if (!Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) return { error: `deleted.${kind} is not a list of refs` };
    deleted[kind] = refs as string[];
  }
  if (!retentionEntryBytes(row.table, row.cutoff, deleted as RetiredRefs).equals(entry)) return { error: 'not in canonical form' };
  return { covers: Object.entries(deleted).flatMap(([kind, refs]) => refs.map((ref): [EntryKind, string] => [kind as EntryKind, ref])) };
}
