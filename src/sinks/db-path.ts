/**
 * Where the SQLite store is by default. Kept apart from sqlite-store.ts so command registration
 * (help text, flag defaults) names it without loading better-sqlite3.
 */
export const DEFAULT_DB_FILE = 'groundwatch.db';

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['GROUNDWATCH_DB'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : `./${DEFAULT_DB_FILE}`;
}
