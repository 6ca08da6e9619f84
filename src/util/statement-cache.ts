/**
 * Prepared statements, kept per connection and keyed by their SQL text: preparing costs more than
 * running for the short statements of the integrity log (one entry per alert, in the sink's hot
 * path) and of the review queries. The review queries build their SQL from the filters given, so a
 * connection's cache is bounded: at the limit it starts over rather than grow with every variant.
 */
import type { Database, Statement } from 'better-sqlite3';

const STATEMENT_CACHE_LIMIT = 64;
const cache = new WeakMap<Database, Map<string, Statement>>();

export function cachedStatement(db: Database, sql: string): Statement {
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
