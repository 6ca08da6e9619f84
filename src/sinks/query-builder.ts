/**
 * Small WHERE-clause builder for the store's list queries, with a bounded
 * per-connection cache of prepared statements (the filter combinations a
 * user tries are few; the SQL text is the key).
 */
import type { Statement } from 'better-sqlite3';
import type { StoreDb } from './sqlite-store.js';
import { foldHostName } from '../util/host-name.js';

export type Param = string | number;

export class Where {
  readonly clauses: string[] = [];
  readonly params: Record<string, Param> = {};

  add(clause: string, params: Record<string, Param>): void {
    this.clauses.push(clause);
    Object.assign(this.params, params);
  }

  /** Exact name or any subdomain of it, ASCII case-insensitive. */
  addDomainSuffix(column: string, domain: string): void {
    const d = normaliseDomain(domain);
    this.add(`(${column} = @domain COLLATE NOCASE OR ${column} LIKE @domain_like ESCAPE '\\')`, {
      domain: d,
      domain_like: `%.${escapeLike(d)}`,
    });
  }

  toSql(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

export function normaliseDomain(domain: string): string {
  return foldHostName(domain.trim().replace(/^\*?\./, ''));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const STATEMENT_CACHE_LIMIT = 64;
const cache = new WeakMap<StoreDb, Map<string, Statement>>();

export function cachedStatement(db: StoreDb, sql: string): Statement {
  let perDb = cache.get(db);
  if (!perDb) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  let stmt = perDb.get(sql);
  if (!stmt) {
    if (perDb.size >= STATEMENT_CACHE_LIMIT) perDb.clear();
    stmt = db.prepare(sql);
    perDb.set(sql, stmt);
  }
  return stmt;
}
