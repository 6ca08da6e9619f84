/**
 * Ids as people type them: the whole id, or a unique prefix of it (`alerts
 * show 69ab`), as git resolves abbreviated hashes. No match is NOT_FOUND; a
 * prefix shared by several ids is AMBIGUOUS_ID with a few of them named.
 */
import { GroundwatchError } from '../errors.js';
import { cachedStatement, escapeLike } from './query-builder.js';
import type { StoreDb } from './sqlite-store.js';

const SHOWN_CANDIDATES = 3;

/** `table.column` holds the ids; `what` names them in messages ("alert", "flow", "run"). */
export function resolveIdPrefix(db: StoreDb, table: string, column: string, text: string, what: string): string {
  const exact = cachedStatement(db, `SELECT ${column} AS id FROM ${table} WHERE ${column} = ? LIMIT 1`).get(text) as { id: string } | undefined;
  if (exact) return exact.id;
  const candidates = text === ''
    ? []
    : (cachedStatement(db, `SELECT DISTINCT ${column} AS id FROM ${table} WHERE ${column} LIKE ? ESCAPE '\\' ORDER BY ${column} LIMIT ${SHOWN_CANDIDATES + 1}`)
        .all(`${escapeLike(text)}%`) as { id: string }[]).map((r) => r.id);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new GroundwatchError('NOT_FOUND', `no ${what} with id ${JSON.stringify(text)}`);
  const shown = candidates.slice(0, SHOWN_CANDIDATES).join(', ');
  const more = candidates.length > SHOWN_CANDIDATES ? ', ...' : '';
  throw new GroundwatchError('AMBIGUOUS_ID', `${what} id prefix ${JSON.stringify(text)} matches several: ${shown}${more}`);
}
