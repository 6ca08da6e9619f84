/**
 * Small WHERE-clause builder for the store's list queries; their statements
 * are prepared once per SQL text (util/statement-cache.ts).
 */
import type { StoreDb } from './sqlite-store.js';
import { cachedStatement } from '../util/statement-cache.js';
import { foldHostName } from '../util/host-name.js';
import { InvalidFilterError } from './filter-error.js';
import { parseTimeFilter } from './timestamps.js';
import { runIdOfColumn } from './run-keys.js';
import { readStoredRecord, readStoredRecords } from './stored-record-reader.js';

export const DEFAULT_LIST_LIMIT = 1000;

export interface PageFilters {
  since?: string | undefined;
  until?: string | undefined;
  /** Rows returned at most (default 1000; 0 = no limit). */
  limit?: number | undefined;
  /** Rows skipped first (paging: the next page starts at offset + limit). */
  offset?: number | undefined;
}

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

/** since is inclusive, until exclusive; both a date (UTC midnight) or a full ISO 8601 timestamp. */
export function addTimeRange(w: Where, column: string, f: PageFilters): void {
  if (f.since !== undefined) w.add(`${column} >= @since`, { since: parseTimeFilter('since', f.since) });
  if (f.until !== undefined) w.add(`${column} < @until`, { until: parseTimeFilter('until', f.until) });
}

/**
 * LIMIT / OFFSET for a page, asking for one row more than the page so the caller
 * can tell the user there is more (see takePage).
 */
export function pageSql(f: PageFilters): string {
  const limit = f.limit ?? DEFAULT_LIST_LIMIT;
  const offset = f.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw new InvalidFilterError('limit', `expected a whole number >= 0, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new InvalidFilterError('offset', `expected a whole number >= 0, got ${offset}`);
  return `LIMIT ${limit === 0 ? -1 : limit + 1} OFFSET ${offset}`;
}

export interface Page<T> {
  rows: T[];
  /** More rows match after this page. */
  more: boolean;
  /** Rows skipped before this page. */
  offset: number;
}

/** Cuts the extra row pageSql asked for. */
export function takePage<T>(rows: T[], f: PageFilters): Page<T> {
  const limit = f.limit ?? DEFAULT_LIST_LIMIT;
  const more = limit > 0 && rows.length > limit;
  return { rows: more ? rows.slice(0, limit) : rows, more, offset: f.offset ?? 0 };
}

/**
 * A page of one table's rows that match `w`, newest first by `tsColumn` (rowid breaks ties, so
 * paging is stable), each as withParsedRecord gives it: flows, DNS messages, capture gaps.
 */
export function newestFirstPage<T>(db: StoreDb, table: string, tsColumn: string, w: Where, f: PageFilters, details?: RecordColumns): Page<T> {
  const sql = `SELECT * FROM ${table} ${w.toSql()} ORDER BY ${tsColumn} DESC, rowid DESC ${pageSql(f)}`;
  const rows = cachedStatement(db, sql).all(w.params) as Record<string, unknown>[];
  const records = readStoredRecords(db, rows.map((r) => r['record']));
  return takePage(rows.map((r, i) => withParsedRecord<T>(db, r, details, records[i])), f);
}

/** The columns a row is no longer written with (schema 11: flows, DNS), computed from its decoded record. */
export type RecordColumns = (record: never) => Record<string, unknown>;

/**
 * A stored row for a reader: its columns, the run named by its id (a flow or DNS row holds the
 * run's key from schema 11 on: run-keys.ts), and the ECS record decoded (whatever its stored form,
 * src/sinks/stored-record-reader.ts; rowid left out).
 */
export function withParsedRecord<T>(db: StoreDb, r: Record<string, unknown>, details?: RecordColumns, decoded?: unknown): T {
  const { rowid: _rowid, ...rest } = r;
  if ('run_id' in rest) rest['run_id'] = runIdOfColumn(db, rest['run_id']);
  const record = decoded ?? readStoredRecord(db, r['record']);
  // Over the stored columns, in their place: a row written from schema 11 on has them NULL. A value
  // the record lacks leaves the column as stored (a row from before, written from a fuller record).
  if (details) {
    for (const [column, value] of Object.entries(details(record as never))) if (value !== null && value !== undefined) rest[column] = value;
  }
  return { ...rest, record } as T;
}

export function normaliseDomain(domain: string): string {
  return foldHostName(domain.trim().replace(/^\*?\./, ''));
}

/** A LIKE pattern matching `text` literally (with ESCAPE '\\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export { cachedStatement };
