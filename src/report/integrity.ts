/**
 * The integrity section appears only when the store keeps a tamper-evident log (a table
 * added by the evidence work): then the latest checkpoint and the command that checks this
 * store's records are shown. Detected by table name, so this file needs no change when that
 * schema lands; absent table, absent section.
 */
import type { StoreDb } from '../sinks/sqlite-store.js';
import type { Integrity } from './schema.js';

/** A table name holding the log's checkpoints (preferred) or its entries. */
const CHECKPOINT_TABLE = /checkpoint/i;
const INTEGRITY_TABLE = /integrity|tlog|transparency/i;

export function findIntegrity(db: StoreDb, dbPath: string): Integrity | null {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).sort();
  const table = tables.find((t) => CHECKPOINT_TABLE.test(t)) ?? tables.find((t) => INTEGRITY_TABLE.test(t));
  if (table === undefined) return null;
  const latest = db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}" ORDER BY rowid DESC LIMIT 1`).get() as Record<string, unknown> | undefined;
  return { table, latest: latest ? printable(latest) : null, verify_command: `groundwatch verify --db ${shellQuote(dbPath)}` };
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
