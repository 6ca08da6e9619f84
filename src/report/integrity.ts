/**
 * The integrity section appears only when the store's integrity log (docs/integrity.md) has a
 * checkpoint: then the latest one and the command that checks this store's records are shown.
 * A store from before the log (no table) or with no checkpoint yet gets no section.
 */
import type { StoreDb } from '../sinks/sqlite-store.js';
import type { Integrity } from './schema.js';

const CHECKPOINT_TABLE = 'integrity_checkpoints';

export function findIntegrity(db: StoreDb, dbPath: string): Integrity | null {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(CHECKPOINT_TABLE) as string | undefined;
  if (table === undefined) return null;
  const latest = db.prepare(`SELECT * FROM ${CHECKPOINT_TABLE} ORDER BY rowid DESC LIMIT 1`).get() as Record<string, unknown> | undefined;
  if (latest === undefined) return null;
  return { table, latest: printable(latest), verify_command: `groundwatch verify --db ${shellQuote(dbPath)}` };
}

/** Column values as text or numbers (a BLOB such as a signature is shown as hex). */
function printable(row: Record<string, unknown>): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (typeof v === 'bigint') out[k] = v.toString();
    else if (Buffer.isBuffer(v)) out[k] = v.toString('hex');
    else out[k] = String(v);
  }
  return out;
}

function shellQuote(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
