/**
 * Checks the log against the rows: numbering from 0 without gaps, each entry's
 * leaf hash over its bytes, each entry re-derived from the row it covers
 * (deleted or changed rows are named), and every row that should be logged
 * has an entry (a row added behind the log's back is named).
 *
 * An entry whose row retention deleted has no bytes any more (retention-entry.ts):
 * its leaf is the stored leaf hash, which the checkpoints' roots cover like any other.
 */
import type { Database } from 'better-sqlite3';
import { entryBytes, ENTRY_KINDS, kindSpec, readRow, type EntryKind } from './entries.js';
import { entryBytesOf } from './log-store.js';
import { leafHash, type Hash } from './merkle.js';
import { parseRetentionEntry, RETENTION_KIND } from './retention-entry.js';
import type { Problem } from './verify-types.js';

interface EntryRow {
  idx: number;
  kind: string;
  ref: string;
  /** The canonical bytes; empty when retention dropped them with the row. */
  entry: Buffer;
  leaf_hash: Buffer;
}

export interface EntryCheck {
  /** Leaf hashes recomputed from the entries' bytes, in index order. */
  leaves: Hash[];
  superseded: number;
  baseline: number;
  /** Logged rows gone that a later retention entry names (deleted by retention, as logged). */
  retired: number;
  problems: Problem[];
}

export function checkEntries(db: Database): EntryCheck {
  const problems: Problem[] = [];
  const rows = db.prepare('SELECT idx, kind, ref, entry, leaf_hash FROM integrity_log ORDER BY idx').all() as EntryRow[];
  const leaves: Hash[] = [];
  const latest = new Map<string, EntryRow>();
  /** (kind, ref) -> index of the last retention entry that names it. */
  const retiredAt = new Map<string, number>();
  let retentionEntries = 0;
  rows.forEach((r, position) => {
    if (r.idx !== position) {
      problems.push({ kind: 'numbering', entry: position, message: `entry ${position} is missing: the log goes from ${position - 1} to ${r.idx} (entries deleted)` });
    }
    const dropped = Buffer.isBuffer(r.entry) && r.entry.length === 0 && r.kind !== RETENTION_KIND;
    let entry: Buffer = Buffer.alloc(0);
    let leaf: Hash;
    if (dropped) {
      leaf = Buffer.isBuffer(r.leaf_hash) ? r.leaf_hash : Buffer.alloc(0);
      if (leaf.length !== 32) problems.push({ kind: 'entry', entry: r.idx, message: `entry ${r.idx} (${r.kind} ${r.ref}): neither its bytes nor a leaf hash are stored` });
    } else {
      try {
        entry = entryBytesOf(r.entry);
      } catch (err) {
        problems.push({ kind: 'entry', entry: r.idx, message: `entry ${r.idx} (${r.kind} ${r.ref}): its stored bytes cannot be read (${(err as Error).message})` });
        entry = Buffer.isBuffer(r.entry) ? r.entry : Buffer.from(String(r.entry));
      }
      leaf = leafHash(entry);
      if (!Buffer.isBuffer(r.leaf_hash) || !leaf.equals(r.leaf_hash)) {
        problems.push({ kind: 'entry', entry: r.idx, message: `entry ${r.idx} (${r.kind} ${r.ref}): stored leaf hash is not the hash of its bytes` });
      }
    }
    leaves.push(leaf);
    if (r.kind === RETENTION_KIND) {
      retentionEntries++;
      const parsed = parseRetentionEntry(entry);
      if ('error' in parsed) problems.push({ kind: 'entry', entry: r.idx, message: `entry ${r.idx} (retention ${r.ref}): ${parsed.error}` });
      else for (const [kind, ref] of parsed.covers) retiredAt.set(`${kind}\u0000${ref}`, r.idx);
      return;
    }
    if (!(ENTRY_KINDS as readonly string[]).includes(r.kind)) {
      problems.push({ kind: 'entry', entry: r.idx, message: `entry ${r.idx}: unknown kind ${JSON.stringify(r.kind)}` });
      return;
    }
    latest.set(`${r.kind}\u0000${r.ref}`, { ...r, entry, leaf_hash: leaf });
  });
  const superseded = rows.length - latest.size - retentionEntries;
  let retired = 0;
  for (const [key, r] of latest) {
    const retiredIdx = retiredAt.get(key);
    // Named by a retention entry after the row's own latest entry: the row should be gone, and is.
    if (retiredIdx !== undefined && retiredIdx > r.idx) {
      if (!readRow(db, r.kind as EntryKind, r.ref)) {
        retired++;
        continue;
      }
      problems.push({ kind: 'row_changed', entry: r.idx, message: `entry ${r.idx} (${r.kind} ${r.ref}): retention entry ${retiredIdx} says its ${kindSpec(r.kind as EntryKind).table} row was deleted, yet a row is there (written again behind the log's back)` });
      continue;
    }
    problems.push(...checkAgainstRow(db, r));
  }
  const { problems: unlogged, baseline } = checkEveryRowLogged(db, new Set(latest.keys()));
  problems.push(...unlogged);
  return { leaves, superseded, baseline, retired, problems };
}

function checkAgainstRow(db: Database, r: EntryRow): Problem[] {
  const kind = r.kind as EntryKind;
  const what = `entry ${r.idx} (${kind} ${r.ref})`;
  const row = readRow(db, kind, r.ref);
  if (!row) return [{ kind: 'row_deleted', entry: r.idx, message: `${what}: its ${kindSpec(kind).table} row is gone (deleted)` }];
  let derived: Buffer;
  try {
    derived = entryBytes(kind, r.ref, row);
  } catch (err) {
    return [{ kind: 'row_changed', entry: r.idx, message: `${what}: its row cannot be read back (${(err as Error).message})` }];
  }
  // Against the leaf (the entry's bytes may be gone): a row as logged hashes to it.
  if (leafHash(derived).equals(r.leaf_hash)) return [];
  const which = r.entry.length > 0 ? changedColumns(r.entry, derived) : '';
  return [{ kind: 'row_changed', entry: r.idx, message: `${what}: its ${kindSpec(kind).table} row differs from what was logged (changed after logging${which})` }];
}

/** Names the columns that differ, to point the examiner at them. */
function changedColumns(logged: Buffer, now: Buffer): string {
  try {
    const a = (JSON.parse(logged.toString('utf8')) as { row: Record<string, unknown> }).row;
    const b = (JSON.parse(now.toString('utf8')) as { row: Record<string, unknown> }).row;
    const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    return names.length ? `: ${names.join(', ')}` : '';
  } catch {
    return '';
  }
}

function checkEveryRowLogged(db: Database, logged: Set<string>): { problems: Problem[]; baseline: number } {
  const problems: Problem[] = [];
  const before = new Set((db.prepare('SELECT kind, ref FROM integrity_baseline').all() as { kind: string; ref: string }[]).map((b) => `${b.kind}\u0000${b.ref}`));
  let baseline = 0;
  for (const kind of ENTRY_KINDS) {
    const spec = kindSpec(kind);
    const where = spec.loggedWhere ? ` WHERE ${spec.loggedWhere}` : '';
    const refs = db.prepare(`SELECT ${spec.key} AS ref FROM ${spec.table}${where} ORDER BY ${spec.key}`).raw().all() as [string | number][];
    for (const [ref] of refs) {
      const key = `${kind}\u0000${String(ref)}`;
      if (logged.has(key)) continue;
      if (before.has(key)) {
        baseline++;
        continue;
      }
      problems.push({ kind: 'row_not_logged', message: `${kind} ${String(ref)} (${spec.table}) has no log entry (added behind the log's back)` });
    }
  }
  return { problems, baseline };
}
